package tlog

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// auditSize has full and partial tiles at levels 0 and 1 and a partial
// tile at level 2.
const auditSize = 65536 + 256*3 + 77

func buildLog(t testing.TB, size int) (dir, skey, vkey string) {
	t.Helper()
	skey, vkey = testKeys(t)
	dir = t.TempDir()
	l, err := open(dir, skey, true)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < size; i += 4096 {
		if _, err := l.Append(testEntries(i, min(4096, size-i))); err != nil {
			t.Fatal(err)
		}
	}
	return dir, skey, vkey
}

// copyDir copies a log directory, as a mirror would.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestAuditTamperNamesEntry(t *testing.T) {
	dir, _, vkey := buildLog(t, auditSize)
	checkAudit(t, dir, vkey, auditSize)

	bundle := func(n uint64) []byte {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(entriesPath(n, widthAt(0, n, auditSize)))))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// entryAt says which entry of bundle n owns byte off (its length or its data).
	entryAt := func(n uint64, off int) uint64 {
		data := bundle(n)
		for i := range widthAt(0, n, auditSize) {
			if off < bundleLen(data, i+1) {
				return n*256 + uint64(i)
			}
		}
		t.Fatalf("offset %d past bundle %d", off, n)
		return 0
	}
	rng := rand.New(rand.NewPCG(1, 2))
	type tamper struct {
		path       string
		off        int
		first, end uint64 // the entries the audit may name: [first, end)
	}
	var cases []tamper
	last := uint64(auditSize / 256) // the partial bundle
	for _, n := range []uint64{0, 7, 255, 256, last} {
		p := entriesPath(n, widthAt(0, n, auditSize))
		size := len(bundle(n))
		for range 4 {
			off := rng.IntN(size)
			e := entryAt(n, off)
			cases = append(cases, tamper{p, off, e, e + 1})
		}
		cases = append(cases, tamper{p, 0, n * 256, n*256 + 1}, tamper{p, size - 1, entryAt(n, size-1), entryAt(n, size-1) + 1})
	}
	for _, n := range []uint64{0, 100, 256, last} {
		w := widthAt(0, n, auditSize)
		for range 3 {
			off := rng.IntN(w * 32)
			e := n*256 + uint64(off/32)
			cases = append(cases, tamper{tilePath(0, n, w), off, e, e + 1})
		}
	}
	for _, n := range []uint64{0, 1} {
		w := widthAt(1, n, auditSize)
		for range 2 {
			off := rng.IntN(w * 32)
			e := (n*256 + uint64(off/32)) * 256
			cases = append(cases, tamper{tilePath(1, n, w), off, e, e + 256})
		}
	}
	cases = append(cases, tamper{tilePath(2, 0, 1), 9, 0, 65536})

	for _, c := range cases {
		t.Run(fmt.Sprintf("%s@%d", c.path, c.off), func(t *testing.T) {
			p := filepath.Join(dir, filepath.FromSlash(c.path))
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			data[c.off] ^= 0x20
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			defer func() {
				data[c.off] ^= 0x20
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}()
			_, err = Audit(context.Background(), DirFetcher(dir), vkey, nil)
			var te *TamperError
			if !errors.As(err, &te) {
				t.Fatalf("audit of a log with a changed byte: %v, want a TamperError", err)
			}
			if te.Index < c.first || te.Index+te.Count > c.end || te.Count == 0 {
				t.Fatalf("audit named entries %d+%d, want within [%d, %d): %v", te.Index, te.Count, c.first, c.end, err)
			}
		})
	}
	checkAudit(t, dir, vkey, auditSize) // every byte restored
}

func TestAuditOtherFailures(t *testing.T) {
	dir, _, vkey := buildLog(t, 1000)
	ctx := context.Background()

	m := copyDir(t, dir)
	cp, _ := os.ReadFile(filepath.Join(m, "checkpoint"))
	cp[len(testOrigin)+2] ^= 1 // the size line
	os.WriteFile(filepath.Join(m, "checkpoint"), cp, 0o644)
	if _, err := Audit(ctx, DirFetcher(m), vkey, nil); err == nil {
		t.Error("audit accepted a checkpoint with a changed size")
	}

	_, other := testKeys(t)
	if _, err := Audit(ctx, DirFetcher(dir), other, nil); err == nil {
		t.Error("audit accepted another log's key")
	}

	m = copyDir(t, dir)
	os.Remove(filepath.Join(m, "tile/entries/001"))
	if _, err := Audit(ctx, DirFetcher(m), vkey, nil); err == nil {
		t.Error("audit passed with an entry bundle missing")
	}

	// The callback sees every entry in order, and its error stops the audit.
	var seen uint64
	rep, err := Audit(ctx, DirFetcher(dir), vkey, func(i uint64, e []byte) error {
		if i != seen || string(e) != string(testEntry(int(i))) {
			return fmt.Errorf("callback got entry %d, want %d", i, seen)
		}
		seen++
		return nil
	})
	if err != nil || seen != 1000 || rep.Bundles != 4 {
		t.Fatalf("audit: %v; callback saw %d entries, report %+v", err, seen, rep)
	}
	stop := errors.New("day-close total does not add up")
	_, err = Audit(ctx, DirFetcher(dir), vkey, func(i uint64, e []byte) error {
		if i == 700 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("callback error: audit returned %v", err)
	}
}

func Test100kEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("100k entries")
	}
	skey, vkey := testKeys(t)
	dir := t.TempDir()
	l := mustOpen(t, dir, skey)
	const size = 100_000
	for i := 0; i < size; i += 1000 {
		if _, err := l.Append(testEntries(i, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	checkAudit(t, dir, vkey, size)
	for _, i := range []uint64{0, 1, 65535, 65536, 99_999, 12_345} {
		b, err := l.Bundle(i)
		if err != nil {
			t.Fatal(err)
		}
		e, idx, err := VerifyBundle(b, vkey)
		if err != nil || idx != i || string(e) != string(testEntry(int(i))) {
			t.Fatalf("bundle %d: index %d, %v", i, idx, err)
		}
	}
}
