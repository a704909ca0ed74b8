package tlog

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"

	"github.com/transparency-dev/merkle/compact"
)

// Report is what an audit checked.
type Report struct {
	Checkpoint Checkpoint
	Entries    uint64 // entries read, hashed and passed to the callback
	Bundles    int    // entry bundles read
	Tiles      int    // tiles compared with the rebuilt tree
}

// TamperError says where the published log differs from the tree rebuilt
// from its entries.
type TamperError struct {
	Index  uint64 // the first entry affected
	Count  uint64 // how many entries the differing hash covers: 1 for an entry
	Path   string // the file where the difference shows
	Reason string
}

func (e *TamperError) Error() string {
	if e.Count > 1 {
		return fmt.Sprintf("entries %d–%d: %s: %s", e.Index, e.Index+e.Count-1, e.Path, e.Reason)
	}
	return fmt.Sprintf("entry %d: %s: %s", e.Index, e.Path, e.Reason)
}

// auditAhead is how many entry bundles an audit fetches ahead.
const auditAhead = 8

// Audit checks a whole published log: the checkpoint's signature by
// vkey, every entry bundle, every tile against the tree rebuilt from the
// entries with transparency-dev's compact range, and the root hash
// against the checkpoint. each, if not nil, sees every entry in order (a
// caller checks day-close entries there); its error stops the audit. A
// difference is a *TamperError naming the first entry it affects.
func Audit(ctx context.Context, fetch Fetcher, vkey string, each func(index uint64, entry []byte) error) (*Report, error) {
	v, err := NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	signed, err := fetch(ctx, "checkpoint")
	if err != nil {
		return nil, err
	}
	cp, err := verifyCheckpoint(signed, v)
	if err != nil {
		return nil, err
	}
	rep := &Report{Checkpoint: cp}
	size := cp.Size

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	futures := make(chan chan fetched, auditAhead)
	go func() {
		defer close(futures)
		for n := uint64(0); n*tileWidth < size; n++ {
			ch := make(chan fetched, 1)
			select {
			case futures <- ch:
			case <-ctx.Done():
				return
			}
			go func() { ch <- fetchBundleAndTile(ctx, fetch, n, widthAt(0, n, size)) }()
		}
	}()

	rng := ranges.NewEmptyRange(0)
	comp := [][]byte{nil} // comp[k]: hashes of the current tile at level k ≥ 1, rebuilt
	var verr error
	visit := func(id compact.NodeID, h []byte) {
		if verr != nil || id.Level == 0 || id.Level%tileHeight != 0 {
			return
		}
		k := id.Level / tileHeight
		for uint(len(comp)) <= k {
			comp = append(comp, nil)
		}
		comp[k] = append(comp[k], h...)
		if len(comp[k]) < fullTileSize {
			return
		}
		tn := id.Index / tileWidth
		path := tilePath(k, tn, tileWidth)
		published, err := fetch(ctx, path)
		if err != nil {
			verr = err
			return
		}
		rep.Tiles++
		verr = compareTile(k, tn, comp[k], published, fullTileSize, path)
		comp[k] = comp[k][:0]
	}

	for ch := range futures {
		var f fetched
		select {
		case f = <-ch:
		case <-ctx.Done():
			return rep, ctx.Err()
		}
		if f.err != nil {
			return rep, f.err
		}
		rep.Bundles++
		rep.Tiles++
		first := f.n * tileWidth
		// Entries and leaf hashes first, so that a damaged bundle is named
		// by the entry it damages, even when the damage is to a length.
		entries, perr := parseBundle(f.bundle, f.w)
		leaves := make([]byte, 0, len(entries)*hashSize)
		for _, e := range entries {
			leaves = append(leaves, hasher.HashLeaf(e)...)
		}
		if err := compareTile(0, f.n, leaves, f.tile, f.w*hashSize, f.tilePath); err != nil {
			return rep, err
		}
		if perr != nil {
			return rep, &TamperError{Index: first + uint64(len(entries)), Count: 1, Path: f.bundlePath, Reason: perr.Error()}
		}
		if !f.bundleFull && bundleLen(f.bundle, f.w) != len(f.bundle) {
			return rep, &TamperError{Index: first + uint64(f.w) - 1, Count: 1, Path: f.bundlePath, Reason: "bytes after the last entry"}
		}
		for i, e := range entries {
			idx := first + uint64(i)
			if each != nil {
				if err := each(idx, e); err != nil {
					return rep, fmt.Errorf("entry %d: %w", idx, err)
				}
			}
			if err := rng.Append(leaves[i*hashSize:(i+1)*hashSize], visit); err != nil {
				return rep, err
			}
			if verr != nil {
				return rep, verr
			}
			rep.Entries++
		}
	}
	if rep.Entries != size {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		return rep, fmt.Errorf("read %d entries, the checkpoint has %d", rep.Entries, size)
	}
	// The partial tiles above level 0 at the right edge of the tree.
	for k := 1; k < len(comp); k++ {
		if len(comp[k]) == 0 {
			continue
		}
		lk := uint(k)
		tn := (size >> (tileHeight * lk)) / tileWidth
		w := len(comp[k]) / hashSize
		path := tilePath(lk, tn, w)
		published, err := fetchAt(ctx, fetch, path, tilePath(lk, tn, tileWidth))
		if err != nil {
			return rep, err
		}
		rep.Tiles++
		if err := compareTile(lk, tn, comp[k], published, w*hashSize, path); err != nil {
			return rep, err
		}
	}
	if root := rootHash(rng); !bytes.Equal(root, cp.Root) {
		return rep, fmt.Errorf("the entries hash to root %s, the signed checkpoint says %s: the log was rewritten",
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Root))
	}
	return rep, nil
}

// compareTile compares the hashes rebuilt for tile tn at level k with the
// published tile, which must be want bytes long or a full tile.
func compareTile(k uint, tn uint64, rebuilt, published []byte, want int, path string) error {
	span := uint64(1) << (tileHeight * k)
	if len(published) != want && len(published) != fullTileSize {
		return &TamperError{Index: tn * tileWidth * span, Count: tileWidth * span, Path: path,
			Reason: fmt.Sprintf("%d bytes, want %d", len(published), want)}
	}
	for i := 0; i < len(rebuilt); i += hashSize {
		if !bytes.Equal(rebuilt[i:i+hashSize], published[i:i+hashSize]) {
			reason := "the entry's hash differs from the tile's: the entry bundle or the tile was changed"
			if k > 0 {
				reason = "the hash of these entries differs from the tile's: an entry bundle or a tile was changed"
			}
			return &TamperError{Index: (tn*tileWidth + uint64(i/hashSize)) * span, Count: span, Path: path, Reason: reason}
		}
	}
	return nil
}

type fetched struct {
	n          uint64
	w          int
	bundle     []byte
	bundlePath string
	bundleFull bool // a full bundle read in place of a partial one
	tile       []byte
	tilePath   string
	err        error
}

// fetchBundleAndTile fetches entry bundle n of width w and the level-0
// tile over it.
func fetchBundleAndTile(ctx context.Context, fetch Fetcher, n uint64, w int) fetched {
	f := fetched{n: n, w: w, bundlePath: entriesPath(n, w)}
	f.bundle, f.err = fetch(ctx, f.bundlePath)
	if w < tileWidth && errors.Is(f.err, fs.ErrNotExist) {
		f.bundlePath = entriesPath(n, tileWidth)
		f.bundle, f.err = fetch(ctx, f.bundlePath)
		f.bundleFull = true
	}
	if f.err != nil {
		return f
	}
	f.tilePath = tilePath(0, n, w)
	f.tile, f.err = fetchAt(ctx, fetch, f.tilePath, tilePath(0, n, tileWidth))
	return f
}
