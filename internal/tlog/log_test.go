package tlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

const testOrigin = "boai.example.org/log"

func testKeys(t testing.TB) (skey, vkey string) {
	t.Helper()
	skey, vkey, err := GenerateKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return skey, vkey
}

// testEntry is a canonical JSON entry like the ones boai logs (written
// directly, keys in order: Canonical is too slow for a million of them).
func testEntry(i int) []byte {
	return fmt.Appendf(nil, `{"amount_fen":%d,"date":"2025-03-01","designation":"undesignated","donor":"%064x","seq":%d,"type":"donation"}`,
		100*(i%997+1), uint64(i)*0x9e3779b97f4a7c15, i)
}

func testEntries(from, n int) [][]byte {
	es := make([][]byte, n)
	for i := range es {
		es[i] = testEntry(from + i)
	}
	return es
}

// openCheckpoint verifies a checkpoint with x/mod's note.Open and parses
// its body with transparency-dev's formats/log: none of this package's code.
func openCheckpoint(t testing.TB, signed []byte, vkey string) *log.Checkpoint {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		t.Fatalf("note.Open: %v\n%s", err, signed)
	}
	var cp log.Checkpoint
	if _, err := cp.Unmarshal([]byte(n.Text)); err != nil {
		t.Fatal(err)
	}
	if cp.Origin != testOrigin {
		t.Fatalf("origin %q, want %q", cp.Origin, testOrigin)
	}
	return &cp
}

func mustOpen(t testing.TB, dir, skey string) *Log {
	t.Helper()
	l, err := Open(dir, skey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fastOpen opens a log that skips fsync, for tests about anything but
// durability.
func fastOpen(t testing.TB, dir, skey string) *Log {
	t.Helper()
	l, err := open(dir, skey, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// crash abandons a log as a killed process would: nothing more is
// written, and the lock goes with the process.
func crash(l *Log) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unlock()
	l.unlock = nil
	l.failed = errors.New("crashed")
}

func TestAppendInBatchesProofsVerify(t *testing.T) {
	skey, vkey := testKeys(t)
	l := mustOpen(t, t.TempDir(), skey)
	ref := testonly.New(rfc6962.DefaultHasher)
	h := rfc6962.DefaultHasher

	cp0 := openCheckpoint(t, l.Checkpoint(), vkey)
	if cp0.Size != 0 || !bytes.Equal(cp0.Hash, h.EmptyRoot()) {
		t.Fatalf("new log: size %d root %x, want 0 and the empty root", cp0.Size, cp0.Hash)
	}
	prev := cp0
	total := 0
	for _, n := range []int{1, 1, 2, 61, 191, 256, 300, 1, 255, 1024, 7, 3000} {
		es := testEntries(total, n)
		first, err := l.Append(es)
		if err != nil {
			t.Fatal(err)
		}
		if first != uint64(total) {
			t.Fatalf("Append returned first index %d, want %d", first, total)
		}
		total += n
		ref.AppendData(es...)
		cp := openCheckpoint(t, l.Checkpoint(), vkey)
		if cp.Size != uint64(total) || l.Size() != uint64(total) {
			t.Fatalf("checkpoint size %d, Size %d, want %d", cp.Size, l.Size(), total)
		}
		if !bytes.Equal(cp.Hash, ref.Hash()) {
			t.Fatalf("size %d: root %x, reference tree says %x", total, cp.Hash, ref.Hash())
		}
		for _, i := range []int{0, total / 3, total / 2, total - n, total - 1} {
			p, err := l.InclusionProof(uint64(i), cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(h, uint64(i), cp.Size, h.HashLeaf(testEntry(i)), p, cp.Hash); err != nil {
				t.Fatalf("inclusion of %d at %d: %v", i, cp.Size, err)
			}
			// An older tree size, from the same tiles.
			if uint64(i) < prev.Size {
				p, err := l.InclusionProof(uint64(i), prev.Size)
				if err != nil {
					t.Fatal(err)
				}
				if err := proof.VerifyInclusion(h, uint64(i), prev.Size, h.HashLeaf(testEntry(i)), p, prev.Hash); err != nil {
					t.Fatalf("inclusion of %d at old size %d: %v", i, prev.Size, err)
				}
			}
		}
		c, err := l.ConsistencyProof(prev.Size, cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyConsistency(h, prev.Size, cp.Size, c, prev.Hash, cp.Hash); err != nil {
			t.Fatalf("consistency %d → %d: %v", prev.Size, cp.Size, err)
		}
		if want, _ := ref.ConsistencyProof(prev.Size, cp.Size); !slices.EqualFunc(c, want, bytes.Equal) {
			t.Fatalf("consistency %d → %d differs from the reference tree's", prev.Size, cp.Size)
		}
		prev = cp
	}
	// Every pair of sizes at tile boundaries and around them.
	for _, s1 := range []uint64{1, 255, 256, 257, 511, 1000, 4096} {
		for _, s2 := range []uint64{s1, s1 + 1, 4097, uint64(total)} {
			if s2 < s1 || s2 > uint64(total) {
				continue
			}
			c, err := l.ConsistencyProof(s1, s2)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(h, s1, s2, c, ref.HashAt(s1), ref.HashAt(s2)); err != nil {
				t.Fatalf("consistency %d → %d: %v", s1, s2, err)
			}
		}
	}
	for _, i := range []uint64{0, 255, 256, uint64(total) - 1} {
		e, err := l.Entry(i)
		if err != nil || !bytes.Equal(e, testEntry(int(i))) {
			t.Fatalf("Entry(%d) = %s, %v", i, e, err)
		}
	}
	if _, err := l.Entry(uint64(total)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Entry past the end: %v, want ErrNotFound", err)
	}
	if _, err := l.InclusionProof(0, uint64(total)+1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("proof past the end: %v, want ErrNotFound", err)
	}
}

func TestCheckpointSignature(t *testing.T) {
	skey, vkey := testKeys(t)
	l := mustOpen(t, t.TempDir(), skey)
	if _, err := l.Append(testEntries(0, 10)); err != nil {
		t.Fatal(err)
	}
	signed := l.Checkpoint()
	cp := openCheckpoint(t, signed, vkey)
	got, err := VerifyCheckpoint(signed, vkey)
	if err != nil {
		t.Fatal(err)
	}
	if got.Origin != cp.Origin || got.Size != cp.Size || !bytes.Equal(got.Root, cp.Hash) {
		t.Fatalf("VerifyCheckpoint = %+v, formats/log says %+v", got, cp)
	}
	onDisk, err := os.ReadFile(filepath.Join(l.dir, "checkpoint"))
	if err != nil || !bytes.Equal(onDisk, signed) {
		t.Fatalf("checkpoint file differs from Checkpoint(): %v", err)
	}

	_, otherVkey := testKeys(t)
	if _, err := VerifyCheckpoint(signed, otherVkey); err == nil {
		t.Fatal("a checkpoint verified with another log's key")
	}
	forged := bytes.Replace(signed, []byte("\n10\n"), []byte("\n11\n"), 1)
	v, _ := note.NewVerifier(vkey)
	if _, err := note.Open(forged, note.VerifierList(v)); err == nil {
		t.Fatal("note.Open accepted a changed tree size")
	}
	if _, err := VerifyCheckpoint(forged, vkey); err == nil {
		t.Fatal("VerifyCheckpoint accepted a changed tree size")
	}
	pub, err := PublicKey(skey)
	if err != nil || pub != vkey {
		t.Fatalf("PublicKey = %q, %v; want %q", pub, err, vkey)
	}
}

func TestReopenContinues(t *testing.T) {
	skey, vkey := testKeys(t)
	dir := t.TempDir()
	l := mustOpen(t, dir, skey)
	if _, err := l.Append(testEntries(0, 300)); err != nil {
		t.Fatal(err)
	}
	before := l.Checkpoint()
	if _, err := Open(dir, skey); err == nil {
		t.Fatal("a second Open of a log in use succeeded")
	}
	l.Close()
	if _, err := l.Append(testEntries(300, 1)); err == nil {
		t.Fatal("Append after Close succeeded")
	}
	l = mustOpen(t, dir, skey)
	if l.Size() != 300 || !bytes.Equal(l.Checkpoint(), before) {
		t.Fatalf("reopened: size %d, checkpoint changed: %v", l.Size(), !bytes.Equal(l.Checkpoint(), before))
	}
	if _, err := l.Append(testEntries(300, 500)); err != nil {
		t.Fatal(err)
	}
	checkAudit(t, dir, vkey, 800)

	other, _ := testKeys(t)
	l.Close()
	if _, err := Open(dir, other); err == nil {
		t.Fatal("opened a log with another key")
	}
}

func TestAppendAt(t *testing.T) {
	skey, _ := testKeys(t)
	l := mustOpen(t, t.TempDir(), skey)
	if err := l.AppendAt(0, testEntries(0, 5)); err != nil {
		t.Fatal(err)
	}
	// A caller retrying its outbox from row 3 after a crash is refused.
	if err := l.AppendAt(3, testEntries(3, 5)); !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("AppendAt(3) on a log of 5: %v, want ErrSizeMismatch", err)
	}
	if err := l.AppendAt(6, testEntries(6, 1)); !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("AppendAt(6) on a log of 5: %v, want ErrSizeMismatch", err)
	}
	if err := l.AppendAt(5, testEntries(5, 3)); err != nil {
		t.Fatal(err)
	}
	if l.Size() != 8 {
		t.Fatalf("size %d, want 8", l.Size())
	}
	if _, err := l.Append([][]byte{make([]byte, MaxEntrySize+1)}); err == nil {
		t.Fatal("appended an entry too big for a bundle")
	}
	if l.Size() != 8 {
		t.Fatalf("a refused entry changed the size to %d", l.Size())
	}
}

func exists(dir, rel string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
	return err == nil
}

func TestPartialTilesBecomeFull(t *testing.T) {
	skey, vkey := testKeys(t)
	dir := t.TempDir()
	l := mustOpen(t, dir, skey)
	if _, err := l.Append(testEntries(0, 100)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"tile/0/000.p/100", "tile/entries/000.p/100", "checkpoint"} {
		if !exists(dir, p) {
			t.Fatalf("%s missing at size 100", p)
		}
	}
	if _, err := l.Append(testEntries(100, 100)); err != nil {
		t.Fatal(err)
	}
	if !exists(dir, "tile/0/000.p/100") || !exists(dir, "tile/0/000.p/200") {
		t.Fatal("partial tiles of checkpointed sizes must stay until the tile is full")
	}
	if _, err := l.Append(testEntries(200, 56)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"tile/0/000", "tile/entries/000", "tile/1/000.p/1"} {
		if !exists(dir, p) {
			t.Fatalf("%s missing at size 256", p)
		}
	}
	for _, p := range []string{"tile/0/000.p", "tile/entries/000.p", "tile/0/001.p"} {
		if exists(dir, p) {
			t.Fatalf("%s still there once the tile is full", p)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "tile/0/000"))
	if len(data) != 256*32 {
		t.Fatalf("full tile of %d bytes", len(data))
	}
	// The spec's example: a tree of 70,000 entries.
	if _, err := l.Append(testEntries(256, 70000-256)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"tile/0/272", "tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112"} {
		if !exists(dir, p) {
			t.Fatalf("%s missing at size 70000", p)
		}
	}
	for _, p := range []string{"tile/0/273", "tile/1/001", "tile/2/000", "tile/0/274"} {
		if exists(dir, p) {
			t.Fatalf("%s exists at size 70000", p)
		}
	}
	checkAudit(t, dir, vkey, 70000)
}

func TestIndexPath(t *testing.T) {
	for _, c := range []struct {
		level uint
		n     uint64
		w     int
		want  string
	}{
		{0, 0, 256, "tile/0/000"},
		{0, 5, 17, "tile/0/005.p/17"},
		{1, 999, 256, "tile/1/999"},
		{0, 1000, 256, "tile/0/x001/000"},
		{2, 1234067, 256, "tile/2/x001/x234/067"},
		{0, 1234067, 1, "tile/0/x001/x234/067.p/1"},
	} {
		if got := tilePath(c.level, c.n, c.w); got != c.want {
			t.Errorf("tilePath(%d, %d, %d) = %q, want %q", c.level, c.n, c.w, got, c.want)
		}
	}
	if got := entriesPath(1234067, 3); got != "tile/entries/x001/x234/067.p/3" {
		t.Errorf("entriesPath = %q", got)
	}
}

// checkAudit audits the directory and checks it saw want entries.
func checkAudit(t testing.TB, dir, vkey string, want uint64) {
	t.Helper()
	rep, err := Audit(context.Background(), DirFetcher(dir), vkey, nil)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if rep.Entries != want || rep.Checkpoint.Size != want {
		t.Fatalf("audit read %d entries of a checkpoint of %d, want %d", rep.Entries, rep.Checkpoint.Size, want)
	}
}

// TestReadersDuringAppends runs proofs and bundles while batches are
// appended (run with -race).
func TestReadersDuringAppends(t *testing.T) {
	skey, vkey := testKeys(t)
	l := fastOpen(t, t.TempDir(), skey)
	if _, err := l.Append(testEntries(0, 300)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := uint64(g); ; i += 7 {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				b, err := l.Bundle(i % 300)
				if err == nil {
					_, _, err = VerifyBundle(b, vkey)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 300; i < 3000; i += 97 {
		if _, err := l.Append(testEntries(i, 97)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A checkpoint made again for an earlier size is byte for byte the one
// the log published at that size.
func TestCheckpointAtEarlierSizes(t *testing.T) {
	skey, vkey := testKeys(t)
	l := fastOpen(t, t.TempDir(), skey)
	published := map[uint64][]byte{}
	n := 0
	for _, batch := range []int{1, 3, 250, 7, 300, 1} {
		if _, err := l.Append(testEntries(n, batch)); err != nil {
			t.Fatal(err)
		}
		n += batch
		published[uint64(n)] = l.Checkpoint()
	}
	for size, want := range published {
		got, err := l.CheckpointAt(size)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("size %d: made again\n%s\npublished\n%s", size, got, want)
		}
		if cp := openCheckpoint(t, got, vkey); cp.Size != size {
			t.Errorf("size %d: checkpoint says %d", size, cp.Size)
		}
	}
	if _, err := l.CheckpointAt(uint64(n + 1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("past the end: %v", err)
	}
}
