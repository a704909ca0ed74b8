package tlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

var errCrash = errors.New("simulated crash before the checkpoint")

// crashedLog builds a log of 100 entries, then crashes while appending
// 600 more: their bundles and tiles are on disk, the checkpoint still
// says 100.
func crashedLog(t *testing.T) (dir, skey, vkey string, old []byte) {
	t.Helper()
	skey, vkey = testKeys(t)
	dir = t.TempDir()
	l := mustOpen(t, dir, skey)
	if _, err := l.Append(testEntries(0, 100)); err != nil {
		t.Fatal(err)
	}
	old = l.Checkpoint()
	l.w.failBeforeLast = errCrash // bundles and tiles written, checkpoint not
	if _, err := l.Append(testEntries(100, 600)); !errors.Is(err, errCrash) {
		t.Fatalf("append with a crash before the checkpoint: %v", err)
	}
	crash(l)
	onDisk, _ := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if !bytes.Equal(onDisk, old) {
		t.Fatal("the checkpoint moved although the crash came before it")
	}
	for _, p := range []string{"tile/entries/000", "tile/entries/001", "tile/entries/002.p/188", "tile/0/001", "tile/0/002.p/188"} {
		if !exists(dir, p) {
			t.Fatalf("%s not written before the crash", p)
		}
	}
	// What a mirror sees meanwhile is still a consistent log of 100.
	checkAudit(t, dir, vkey, 100)
	return dir, skey, vkey, old
}

func TestCrashBetweenTilesAndCheckpointCompletes(t *testing.T) {
	dir, skey, vkey, old := crashedLog(t)
	l := mustOpen(t, dir, skey)
	if l.Size() != 700 {
		t.Fatalf("after recovery: size %d, want 700 (the interrupted batch completed)", l.Size())
	}
	cp := openCheckpoint(t, l.Checkpoint(), vkey)
	if cp.Size != 700 {
		t.Fatalf("recovered checkpoint size %d", cp.Size)
	}
	h := rfc6962.DefaultHasher
	for _, i := range []uint64{0, 99, 100, 511, 699} {
		p, err := l.InclusionProof(i, 700)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyInclusion(h, i, 700, h.HashLeaf(testEntry(int(i))), p, cp.Hash); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	oldCp := openCheckpoint(t, old, vkey)
	c, err := l.ConsistencyProof(100, 700)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyConsistency(h, 100, 700, c, oldCp.Hash, cp.Hash); err != nil {
		t.Fatal(err)
	}
	// The caller's outbox sees Size 700 and skips its rows 100..699.
	if err := l.AppendAt(100, testEntries(100, 1)); !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("re-appending a recovered row: %v, want ErrSizeMismatch", err)
	}
	if err := l.AppendAt(700, testEntries(700, 50)); err != nil {
		t.Fatal(err)
	}
	checkAudit(t, dir, vkey, 750)
}

func TestCrashMidBatchKeepsPrefix(t *testing.T) {
	dir, skey, vkey, _ := crashedLog(t)
	// As if the crash came before the batch's last bundle was written:
	// bundles 0 and 1 are full, bundle 2 was never written.
	if err := os.RemoveAll(filepath.Join(dir, "tile/entries/002.p")); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, dir, skey)
	if l.Size() != 512 {
		t.Fatalf("after recovery: size %d, want 512", l.Size())
	}
	if _, err := l.Append(testEntries(512, 10)); err != nil {
		t.Fatal(err)
	}
	checkAudit(t, dir, vkey, 522)
	// A stale tile written past the recovered size was rewritten.
	data, _ := os.ReadFile(filepath.Join(dir, "tile/0/002.p/10"))
	if len(data) != 10*32 {
		t.Fatalf("tile/0/002.p/10 is %d bytes", len(data))
	}
}

func TestDamagedBundlePastCheckpointTruncates(t *testing.T) {
	dir, skey, vkey, old := crashedLog(t)
	// Damage the first bundle past the checkpoint: a length runs off the end.
	p := filepath.Join(dir, "tile/entries/000")
	data, _ := os.ReadFile(p)
	data[bundleLen(data, 150)] = 0xff
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, dir, skey)
	if l.Size() != 100 || !bytes.Equal(l.Checkpoint(), old) {
		t.Fatalf("after recovery: size %d, want 100 (truncated to the checkpoint)", l.Size())
	}
	for _, p := range []string{"tile/entries/000", "tile/entries/001", "tile/entries/002.p/188"} {
		if exists(dir, p) {
			t.Fatalf("%s past the truncation point is still there", p)
		}
	}
	if !exists(dir, "tile/entries/000.p/100") {
		t.Fatal("the checkpointed partial bundle was removed")
	}
	// The outbox appends the 600 again.
	if err := l.AppendAt(100, testEntries(100, 600)); err != nil {
		t.Fatal(err)
	}
	checkAudit(t, dir, vkey, 700)
}

func TestOpenRefusesTilesNotMatchingCheckpoint(t *testing.T) {
	skey, _ := testKeys(t)
	dir := t.TempDir()
	l := mustOpen(t, dir, skey)
	if _, err := l.Append(testEntries(0, 300)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	// Open checks the tiles it rebuilds the tree's right edge from (a
	// full audit checks the rest).
	p := filepath.Join(dir, "tile/0/001.p/44")
	data, _ := os.ReadFile(p)
	data[5] ^= 1
	os.WriteFile(p, data, 0o644)
	if _, err := Open(dir, skey); err == nil {
		t.Fatal("opened a log whose tiles contradict its checkpoint")
	}
}
