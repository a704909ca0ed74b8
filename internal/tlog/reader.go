package tlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/transparency-dev/merkle/proof"
)

// Fetcher reads a file of a tiled log by its path under the log's prefix
// ("checkpoint", "tile/0/x001/234"). A missing file is an error wrapping
// fs.ErrNotExist.
type Fetcher func(ctx context.Context, path string) ([]byte, error)

// DirFetcher reads a log from a directory: the writer's, or a mirror.
func DirFetcher(dir string) Fetcher {
	return func(ctx context.Context, path string) ([]byte, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
	}
}

// maxFetch bounds one file: a full entry bundle of the largest entries.
const maxFetch = tileWidth * (2 + MaxEntrySize)

// HTTPFetcher reads a log served at the URL prefix base, such as
// "https://boai.example.org/log". A nil client is http.DefaultClient.
func HTTPFetcher(client *http.Client, base string) Fetcher {
	if client == nil {
		client = http.DefaultClient
	}
	base = strings.TrimRight(base, "/")
	return func(ctx context.Context, path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/"+path, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return nil, fmt.Errorf("GET %s: %w", req.URL, fs.ErrNotExist)
		case resp.StatusCode != http.StatusOK:
			return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxFetch+1))
		if err == nil && len(data) > maxFetch {
			err = fmt.Errorf("GET %s: more than %d bytes", req.URL, maxFetch)
		}
		return data, err
	}
}

// Reader computes entries and proofs from a tiled log it only reads: a
// mirror, or the writer's directory from another process.
type Reader struct {
	fetch Fetcher
	cache *tileCache
}

// NewReader returns a Reader over fetch.
func NewReader(fetch Fetcher) *Reader {
	return &Reader{fetch: fetch, cache: newTileCache(defaultCacheTiles)}
}

// Checkpoint fetches the log's current signed checkpoint.
func (r *Reader) Checkpoint(ctx context.Context) ([]byte, error) {
	return r.fetch(ctx, "checkpoint")
}

// tileAt reads tiles as of tree size: the partial tile of that width, or
// the full tile once it has replaced it.
func (r *Reader) tileAt(ctx context.Context, size uint64) tileFunc {
	return func(level uint, n uint64) (*tileData, error) {
		w := widthAt(level, n, size)
		if w == 0 {
			return nil, fmt.Errorf("tile %d/%d is empty at size %d", level, n, size)
		}
		if t := r.cache.get(tileKey{level, n, tileWidth}); t != nil {
			return t, nil
		}
		if t := r.cache.get(tileKey{level, n, w}); t != nil {
			return t, nil
		}
		data, err := fetchAt(ctx, r.fetch, tilePath(level, n, w), tilePath(level, n, tileWidth))
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
		r.cache.put(tileKey{level, n, t.w}, t)
		return t, nil
	}
}

// fetchAt fetches path, or full if path is a partial file that is gone.
func fetchAt(ctx context.Context, fetch Fetcher, path, full string) ([]byte, error) {
	data, err := fetch(ctx, path)
	if path != full && errors.Is(err, fs.ErrNotExist) {
		data, err = fetch(ctx, full)
	}
	return data, err
}

// Entry reads entry index of the tree of size entries.
func (r *Reader) Entry(ctx context.Context, index, size uint64) ([]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("%w: index %d, tree size %d", ErrNotFound, index, size)
	}
	n := index / tileWidth
	w := widthAt(0, n, size)
	data, err := fetchAt(ctx, r.fetch, entriesPath(n, w), entriesPath(n, tileWidth))
	if err != nil {
		return nil, err
	}
	entries, err := parseBundle(data, w)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", entriesPath(n, w), err)
	}
	return entries[index%tileWidth], nil
}

// InclusionProof computes the inclusion proof of entry index in the tree
// of size entries.
func (r *Reader) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	return inclusionProof(index, size, r.tileAt(ctx, size))
}

// ConsistencyProof computes the consistency proof between the trees of
// size1 and size2 entries.
func (r *Reader) ConsistencyProof(ctx context.Context, size1, size2 uint64) ([][]byte, error) {
	return consistencyProof(size1, size2, r.tileAt(ctx, size2))
}

// Bundle makes the proof bundle of entry index against the log's current
// checkpoint. The checkpoint is relayed unverified: whoever reads the
// bundle verifies it.
func (r *Reader) Bundle(ctx context.Context, index uint64) ([]byte, error) {
	signed, err := r.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	cp, err := parseUnverified(signed)
	if err != nil {
		return nil, err
	}
	entry, err := r.Entry(ctx, index, cp.Size)
	if err != nil {
		return nil, err
	}
	p, err := r.InclusionProof(ctx, index, cp.Size)
	if err != nil {
		return nil, err
	}
	return marshalBundle(index, entry, p, signed)
}

// VerifyConsistency checks that the log grew from checkpoint old to
// checkpoint new by appending only: both are signed by vkey, and the
// consistency proof, computed from the tiles fetch reads, verifies with
// transparency-dev's proof.VerifyConsistency. The tiles need not be
// trusted: wrong ones fail the proof.
func VerifyConsistency(ctx context.Context, fetch Fetcher, old, new []byte, vkey string) (Checkpoint, Checkpoint, error) {
	v, err := NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, Checkpoint{}, err
	}
	c1, err := verifyCheckpoint(old, v)
	if err != nil {
		return Checkpoint{}, Checkpoint{}, fmt.Errorf("old %w", err)
	}
	c2, err := verifyCheckpoint(new, v)
	if err != nil {
		return c1, Checkpoint{}, fmt.Errorf("new %w", err)
	}
	if c1.Size > c2.Size {
		return c1, c2, fmt.Errorf("old checkpoint has %d entries, more than the new one's %d", c1.Size, c2.Size)
	}
	p, err := NewReader(fetch).ConsistencyProof(ctx, c1.Size, c2.Size)
	if err != nil {
		return c1, c2, fmt.Errorf("consistency proof %d → %d: %w", c1.Size, c2.Size, err)
	}
	if err := verifyConsistency(c1, c2, p); err != nil {
		return c1, c2, err
	}
	return c1, c2, nil
}

func verifyConsistency(c1, c2 Checkpoint, p [][]byte) error {
	if c1.Size == 0 && !bytes.Equal(c1.Root, hasher.EmptyRoot()) {
		return errors.New("old checkpoint: an empty tree with a root hash that is not the empty root")
	}
	if err := proof.VerifyConsistency(hasher, c1.Size, c2.Size, p, c1.Root, c2.Root); err != nil {
		return fmt.Errorf("the log at %d entries is not an extension of the log at %d: %w", c2.Size, c1.Size, err)
	}
	return nil
}
