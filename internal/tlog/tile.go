package tlog

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

var (
	hasher = rfc6962.DefaultHasher
	ranges = &compact.RangeFactory{Hash: hasher.HashChildren}
)

// tileData is one tile with the Merkle subtree over its hashes: lv[0]
// holds the tile's own w hashes, lv[r] the w>>r hashes r levels above
// them, all computed by transparency-dev's compact range.
type tileData struct {
	w  int
	lv [tileHeight + 1][]byte
}

func newTileData(hashes []byte) (*tileData, error) {
	if len(hashes)%hashSize != 0 || len(hashes) > fullTileSize {
		return nil, fmt.Errorf("tile of %d bytes", len(hashes))
	}
	t := &tileData{w: len(hashes) / hashSize}
	t.lv[0] = hashes
	r := ranges.NewEmptyRange(0)
	for i := range t.w {
		err := r.Append(hashes[i*hashSize:(i+1)*hashSize], func(id compact.NodeID, h []byte) {
			if id.Level > 0 {
				t.lv[id.Level] = append(t.lv[id.Level], h...)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// tileFunc returns tile n at level as of the tree size a proof is for:
// it holds at least that size's width of hashes.
type tileFunc func(level uint, n uint64) (*tileData, error)

// nodeHash reads the hash of a perfect subtree node from the tiles.
func nodeHash(id compact.NodeID, tile tileFunc) ([]byte, error) {
	k, r := id.Level/tileHeight, id.Level%tileHeight
	start := id.Index << r // first hash it covers at tile level k
	n, off := start/tileWidth, int(start%tileWidth)
	t, err := tile(k, n)
	if err != nil {
		return nil, err
	}
	i := off >> r
	if (i+1)*hashSize > len(t.lv[r]) {
		return nil, fmt.Errorf("%s is too short for node %d/%d", tilePath(k, n, t.w), id.Level, id.Index)
	}
	return t.lv[r][i*hashSize : (i+1)*hashSize], nil
}

// proofHashes fetches the nodes transparency-dev's proof package asks for
// and lets it rehash the ephemeral ones.
func proofHashes(nodes proof.Nodes, tile tileFunc) ([][]byte, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, err := nodeHash(id, tile)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

func inclusionProof(index, size uint64, tile tileFunc) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return proofHashes(nodes, tile)
}

func consistencyProof(size1, size2 uint64, tile tileFunc) ([][]byte, error) {
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	return proofHashes(nodes, tile)
}

// compactRange rebuilds the compact range [0, size) from the tiles.
func compactRange(size uint64, tile tileFunc) (*compact.Range, error) {
	ids := compact.RangeNodes(0, size, nil)
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := nodeHash(id, tile)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return ranges.NewRange(0, size, hashes)
}

// rootHash is the RFC 6962 root of a compact range starting at 0.
func rootHash(r *compact.Range) []byte {
	if r.End() == 0 {
		return hasher.EmptyRoot()
	}
	h, _ := r.GetRootHash(nil) // begin is 0: cannot fail
	return h
}

// tileCache keeps the most recently used tiles with their subtrees: a
// proof at a million entries touches about three tiles, and building a
// full tile's subtree costs 255 hashes.
type tileCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[tileKey]*list.Element
}

type tileKey struct {
	level uint
	n     uint64
	w     int
}

type cached struct {
	key tileKey
	t   *tileData
}

// defaultCacheTiles bounds the cache at about 16 MB of full tiles.
const defaultCacheTiles = 1024

func newTileCache(max int) *tileCache {
	return &tileCache{max: max, ll: list.New(), items: map[tileKey]*list.Element{}}
}

func (c *tileCache) get(k tileKey) *tileData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cached).t
	}
	return nil
}

func (c *tileCache) put(k tileKey, t *tileData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value.(*cached).t = t
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&cached{k, t})
	for c.ll.Len() > c.max {
		e := c.ll.Back()
		c.ll.Remove(e)
		delete(c.items, e.Value.(*cached).key)
	}
}
