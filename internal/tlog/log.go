package tlog

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
)

var (
	// ErrSizeMismatch is returned by AppendAt when the log does not hold
	// exactly the entries the caller expects before its batch.
	ErrSizeMismatch = errors.New("tlog: append at the wrong index")
	// ErrNotFound is returned for an entry or tree size the log does not have.
	ErrNotFound = errors.New("tlog: no such entry")
)

// Log appends entries to a tiled log in a directory and signs its
// checkpoints. One Log, in one process, writes a directory; any number of
// Readers, or a plain static file server, may read it meanwhile.
type Log struct {
	dir      string
	origin   string
	signer   note.Signer
	verifier note.Verifier
	w        *writer
	unlock   func() error
	cache    *tileCache

	mu         sync.RWMutex
	size       uint64
	rng        *compact.Range
	edge       [][]byte // edge[k]: the hashes of the partial tile at level k
	bundle     []byte   // the partial entry bundle, encoded
	bundleN    int      // entries in it
	checkpoint []byte
	failed     error // a failed append leaves memory ahead of the disk

	emu   sync.Mutex
	edgeT map[uint]*tileData // subtrees of the partial tiles, built on demand
}

// Open opens the log in dir, creating it if dir holds no log, and
// recovers from an interrupted append (see the package documentation).
// skey is the log's signer key; its name is the log's origin.
func Open(dir, skey string) (*Log, error) {
	return open(dir, skey, false)
}

func open(dir, skey string, nosync bool) (*Log, error) {
	signer, err := NewSigner(skey)
	if err != nil {
		return nil, err
	}
	vkey, err := PublicKey(skey)
	if err != nil {
		return nil, err
	}
	verifier, err := NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(filepath.Join(dir, ".lock"))
	if err != nil {
		return nil, err
	}
	// Leftovers of writes a crash interrupted: never renamed, never seen.
	if err := os.RemoveAll(filepath.Join(dir, tmpDir)); err == nil {
		err = os.Mkdir(filepath.Join(dir, tmpDir), 0o755)
	}
	if err != nil {
		unlock()
		return nil, err
	}
	l := &Log{
		dir: dir, origin: signer.Name(), signer: signer, verifier: verifier,
		w: newWriter(dir, nosync), unlock: unlock, cache: newTileCache(defaultCacheTiles),
		edgeT: map[uint]*tileData{},
	}
	if err := l.load(); err != nil {
		unlock()
		return nil, fmt.Errorf("open log %s: %w", dir, err)
	}
	return l, nil
}

// Close releases the directory. The log is durable after every Append;
// Close writes nothing.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.unlock == nil {
		return nil
	}
	err := l.unlock()
	l.unlock = nil
	if l.failed == nil {
		l.failed = errors.New("tlog: log is closed")
	}
	return err
}

// Origin is the log's origin line, the name of its key.
func (l *Log) Origin() string { return l.origin }

// Size is the number of entries in the log, all covered by the current
// checkpoint. An outbox skips its rows below Size after a crash.
func (l *Log) Size() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.size
}

// Checkpoint returns the current signed checkpoint (a C2SP
// tlog-checkpoint signed note), as published in the directory.
func (l *Log) Checkpoint() []byte {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.checkpoint)
}

// Append adds entries at the end of the log, writes their bundles and
// tiles, then signs and writes a new checkpoint. It returns the index of
// the first entry. When it fails, the log refuses further appends until
// it is reopened, which recovers from what reached the disk.
func (l *Log) Append(entries [][]byte) (first uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	first = l.size
	return first, l.append(entries)
}

// AppendAt appends entries only if the log holds exactly first entries,
// and otherwise returns ErrSizeMismatch: an outbox that numbers its rows
// by log index cannot log a row twice or skip one.
func (l *Log) AppendAt(first uint64, entries [][]byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if first != l.size {
		return fmt.Errorf("%w: the batch starts at %d, the log holds %d entries", ErrSizeMismatch, first, l.size)
	}
	return l.append(entries)
}

func (l *Log) append(entries [][]byte) error {
	if l.failed != nil {
		return fmt.Errorf("tlog: an earlier append failed, reopen the log: %w", l.failed)
	}
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return fmt.Errorf("tlog: entry %d is %d bytes, more than %d", i, len(e), MaxEntrySize)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	if err := l.write(entries); err != nil {
		l.failed = err
		return err
	}
	return nil
}

// write appends entries in memory and on disk: full bundles and tiles as
// they fill, then the partial ones, then — once all of these are durable
// — the checkpoint.
func (l *Log) write(entries [][]byte) error {
	defer l.resetEdgeTiles()
	touched := map[uint]bool{}
	var stale []string // partial directories made redundant by a full file
	var werr error
	visit := func(id compact.NodeID, h []byte) {
		if werr != nil || id.Level%tileHeight != 0 {
			return
		}
		k := id.Level / tileHeight
		for uint(len(l.edge)) <= k {
			l.edge = append(l.edge, make([]byte, 0, fullTileSize))
		}
		l.edge[k] = append(l.edge[k], h...)
		touched[k] = true
		if len(l.edge[k]) == fullTileSize {
			p := tilePath(k, id.Index/tileWidth, tileWidth)
			werr = l.w.put(p, l.edge[k])
			stale = append(stale, p+".p")
			l.edge[k] = make([]byte, 0, fullTileSize)
		}
	}
	for _, e := range entries {
		l.bundle = appendEntry(l.bundle, e)
		l.bundleN++
		if l.bundleN == tileWidth {
			p := entriesPath(l.size/tileWidth, tileWidth)
			if err := l.w.put(p, l.bundle); err != nil {
				return err
			}
			stale = append(stale, p+".p")
			l.bundle, l.bundleN = nil, 0
		}
		if err := l.rng.Append(hasher.HashLeaf(e), visit); err != nil {
			return err
		}
		if werr != nil {
			return werr
		}
		l.size++
	}
	if l.bundleN > 0 {
		if err := l.w.put(entriesPath(l.size/tileWidth, l.bundleN), l.bundle); err != nil {
			return err
		}
	}
	for k := range touched {
		if w := len(l.edge[k]) / hashSize; w > 0 {
			n := (l.size >> (tileHeight * k)) / tileWidth
			if err := l.w.put(tilePath(k, n, w), l.edge[k]); err != nil {
				return err
			}
		}
	}
	if err := l.publish(); err != nil {
		return err
	}
	// Readers holding an older checkpoint fall back to the full tile.
	for _, p := range stale {
		_ = l.w.removeAll(p)
	}
	return nil
}

// publish signs a checkpoint for the current size and writes it once
// the files written before it are durable.
func (l *Log) publish() error {
	signed, err := signCheckpoint(Checkpoint{Origin: l.origin, Size: l.size, Root: rootHash(l.rng)}, l.signer)
	if err != nil {
		return err
	}
	if err := l.w.commit("checkpoint", signed); err != nil {
		return err
	}
	l.checkpoint = signed
	return nil
}

// load reads the checkpoint, rebuilds the in-memory state from the tiles
// it covers, and completes any append that reached the entry bundles but
// not the checkpoint.
func (l *Log) load() error {
	signed, err := os.ReadFile(filepath.Join(l.dir, "checkpoint"))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(l.dir, "tile")); err == nil {
			return errors.New("tile/ exists but checkpoint does not: refusing to guess the log's size")
		}
		l.rng = ranges.NewEmptyRange(0)
		return l.publish()
	}
	if err != nil {
		return err
	}
	cp, err := verifyCheckpoint(signed, l.verifier)
	if err != nil {
		return fmt.Errorf("%w (is this the log's key?)", err)
	}
	tile := l.diskTileAt(cp.Size)
	rng, err := compactRange(cp.Size, tile)
	if err != nil {
		return fmt.Errorf("tiles for checkpoint size %d: %w", cp.Size, err)
	}
	if !bytes.Equal(rootHash(rng), cp.Root) {
		return fmt.Errorf("the tiles on disk do not match the checkpoint's root hash at size %d: audit the log", cp.Size)
	}
	l.size, l.rng, l.checkpoint = cp.Size, rng, signed
	for k := uint(0); cp.Size>>(tileHeight*k) > 0; k++ {
		l.edge = append(l.edge, make([]byte, 0, fullTileSize))
		n := (cp.Size >> (tileHeight * k)) / tileWidth
		if w := widthAt(k, n, cp.Size); w > 0 {
			t, err := tile(k, n)
			if err != nil {
				return err
			}
			l.edge[k] = append(l.edge[k], t.lv[0][:w*hashSize]...)
		}
	}
	if w := int(cp.Size % tileWidth); w > 0 {
		data, err := l.readBundle(cp.Size/tileWidth, w)
		if err != nil {
			return err
		}
		if _, err := parseBundle(data, w); err != nil {
			return fmt.Errorf("%s: %w", entriesPath(cp.Size/tileWidth, w), err)
		}
		l.bundle, l.bundleN = slices.Clone(data[:bundleLen(data, w)]), w
	}
	return l.rollForward()
}

// rollForward completes an append interrupted after some of its entry
// bundles were written: the entries that follow the checkpoint in the
// bundles are appended again, rewriting the same bundles and tiles, and a
// checkpoint is signed for them. What is recovered is the longest run of
// bundles from the checkpoint on; any bundle after a gap is removed. A
// bundle that cannot be parsed — it can only be damaged, since every file
// is written whole — is removed with everything after it: the log is
// truncated there and the caller appends those entries again.
func (l *Log) rollForward() error {
	var extra [][]byte
	n, skip := l.size/tileWidth, int(l.size%tileWidth)
	for {
		data, w, err := l.lastBundle(n)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return err
		}
		entries, err := parseBundle(data, w)
		if err != nil {
			break // truncated below, from this bundle's width skip on
		}
		if w > skip {
			extra = append(extra, entries[skip:]...)
		}
		if w < tileWidth {
			n, skip = n+1, 0
			break
		}
		n, skip = n+1, 0
	}
	if err := l.truncateBundles(n, skip); err != nil {
		return err
	}
	if len(extra) == 0 {
		return nil
	}
	return l.append(extra)
}

// lastBundle reads bundle n: the full one if written, else its widest
// partial.
func (l *Log) lastBundle(n uint64) ([]byte, int, error) {
	data, err := l.read(entriesPath(n, tileWidth))
	if err == nil {
		return data, tileWidth, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, err
	}
	widths, err := l.partialWidths(entriesPath(n, tileWidth) + ".p")
	if err != nil {
		return nil, 0, err
	}
	if len(widths) == 0 {
		return nil, 0, fs.ErrNotExist
	}
	w := widths[len(widths)-1]
	data, err = l.read(entriesPath(n, w))
	return data, w, err
}

// truncateBundles removes, from bundle n on, every bundle wider than keep.
func (l *Log) truncateBundles(n uint64, keep int) error {
	for ; ; n, keep = n+1, 0 {
		full := entriesPath(n, tileWidth)
		widths, err := l.partialWidths(full + ".p")
		if err != nil {
			return err
		}
		_, ferr := os.Stat(filepath.Join(l.dir, filepath.FromSlash(full)))
		if len(widths) == 0 && errors.Is(ferr, fs.ErrNotExist) {
			return l.w.sync()
		}
		for _, w := range widths {
			if w > keep {
				p := filepath.Join(l.dir, filepath.FromSlash(entriesPath(n, w)))
				if err := os.Remove(p); err != nil {
					return err
				}
				l.w.dirty[filepath.Dir(p)] = true
			}
		}
		if ferr == nil {
			p := filepath.Join(l.dir, filepath.FromSlash(full))
			if err := os.Remove(p); err != nil {
				return err
			}
			l.w.dirty[filepath.Dir(p)] = true
		}
	}
}

// partialWidths lists the widths in a .p directory, in increasing order.
func (l *Log) partialWidths(rel string) ([]int, error) {
	des, err := os.ReadDir(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ws []int
	for _, de := range des {
		if w, err := strconv.Atoi(de.Name()); err == nil && w > 0 && w < tileWidth {
			ws = append(ws, w)
		}
	}
	sort.Ints(ws)
	return ws, nil
}

func (l *Log) read(rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(rel)))
}

// readBundle reads bundle n at width w: the partial file, or the full
// bundle if the partial one was already replaced by it.
func (l *Log) readBundle(n uint64, w int) ([]byte, error) {
	data, err := l.read(entriesPath(n, w))
	if w < tileWidth && errors.Is(err, fs.ErrNotExist) {
		data, err = l.read(entriesPath(n, tileWidth))
	}
	return data, err
}

// readTile reads tile n at level at width w, falling back likewise.
func (l *Log) readTile(level uint, n uint64, w int) (*tileData, error) {
	key := tileKey{level, n, tileWidth}
	if t := l.cache.get(key); t != nil {
		return t, nil
	}
	data, err := l.read(tilePath(level, n, w))
	if w < tileWidth && errors.Is(err, fs.ErrNotExist) {
		data, err = l.read(tilePath(level, n, tileWidth))
	}
	if err != nil {
		return nil, err
	}
	if len(data) != w*hashSize && len(data) != fullTileSize {
		return nil, fmt.Errorf("%s: %d bytes, want %d", tilePath(level, n, w), len(data), w*hashSize)
	}
	t, err := newTileData(data)
	if err != nil {
		return nil, err
	}
	if t.w == tileWidth {
		l.cache.put(key, t)
	}
	return t, nil
}

// diskTileAt reads the tiles of tree size from disk, as when opening.
func (l *Log) diskTileAt(size uint64) tileFunc {
	return func(level uint, n uint64) (*tileData, error) {
		w := widthAt(level, n, size)
		if w == 0 {
			return nil, fmt.Errorf("tile %d/%d is empty at size %d", level, n, size)
		}
		return l.readTile(level, n, w)
	}
}

// tiles reads tiles for proofs at any size up to l.size: full tiles from
// disk (cached), the partial ones from memory.
func (l *Log) tiles(level uint, n uint64) (*tileData, error) {
	switch w := widthAt(level, n, l.size); {
	case w == tileWidth:
		return l.readTile(level, n, tileWidth)
	case w == 0:
		return nil, fmt.Errorf("tile %d/%d is past the end of the log", level, n)
	}
	l.emu.Lock()
	defer l.emu.Unlock()
	if t := l.edgeT[level]; t != nil {
		return t, nil
	}
	t, err := newTileData(slices.Clone(l.edge[level]))
	if err != nil {
		return nil, err
	}
	l.edgeT[level] = t
	return t, nil
}

func (l *Log) resetEdgeTiles() {
	l.emu.Lock()
	clear(l.edgeT)
	l.emu.Unlock()
}

// Entry returns the entry at index.
func (l *Log) Entry(index uint64) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.entry(index)
}

func (l *Log) entry(index uint64) ([]byte, error) {
	if index >= l.size {
		return nil, fmt.Errorf("%w: index %d, log size %d", ErrNotFound, index, l.size)
	}
	n, i := index/tileWidth, int(index%tileWidth)
	data, w := l.bundle, l.bundleN
	if widthAt(0, n, l.size) == tileWidth {
		var err error
		if data, err = l.read(entriesPath(n, tileWidth)); err != nil {
			return nil, err
		}
		w = tileWidth
	}
	entries, err := parseBundle(data, w)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", entriesPath(n, w), err)
	}
	return slices.Clone(entries[i]), nil
}

// InclusionProof returns the RFC 6962 inclusion proof of entry index in
// the tree of treeSize entries, computed from the tiles.
func (l *Log) InclusionProof(index, treeSize uint64) ([][]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if treeSize > l.size {
		return nil, fmt.Errorf("%w: tree size %d, log size %d", ErrNotFound, treeSize, l.size)
	}
	return inclusionProof(index, treeSize, l.tiles)
}

// ConsistencyProof returns the RFC 6962 consistency proof between the
// trees of size1 and size2 entries.
func (l *Log) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if size2 > l.size {
		return nil, fmt.Errorf("%w: tree size %d, log size %d", ErrNotFound, size2, l.size)
	}
	return consistencyProof(size1, size2, l.tiles)
}

// Bundle returns the C2SP tlog-proof of entry index against the current
// checkpoint, carrying the entry itself as its extra data.
func (l *Log) Bundle(index uint64) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	entry, err := l.entry(index)
	if err != nil {
		return nil, err
	}
	p, err := inclusionProof(index, l.size, l.tiles)
	if err != nil {
		return nil, err
	}
	return marshalBundle(index, entry, p, l.checkpoint)
}

// CheckpointAt signs a checkpoint for the tree of the log's first size
// entries: the same bytes the log published when it had size entries
// (Ed25519 signatures are deterministic), so a checkpoint a crash kept
// from being recorded elsewhere can be made again.
func (l *Log) CheckpointAt(size uint64) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	switch {
	case size > l.size:
		return nil, fmt.Errorf("%w: tree size %d, log size %d", ErrNotFound, size, l.size)
	case size == l.size:
		return slices.Clone(l.checkpoint), nil
	}
	r, err := compactRange(size, l.tiles)
	if err != nil {
		return nil, err
	}
	return signCheckpoint(Checkpoint{Origin: l.origin, Size: size, Root: rootHash(r)}, l.signer)
}
