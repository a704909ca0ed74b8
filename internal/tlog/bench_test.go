package tlog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/transparency-dev/merkle/proof"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if million.dir != "" {
		os.RemoveAll(million.dir)
	}
	os.Exit(code)
}

// BenchmarkAppend measures appends, each batch fsynced and checkpointed.
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 64, 1024} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			skey, _ := testKeys(b)
			l := mustOpen(b, b.TempDir(), skey)
			es := testEntries(0, batch)
			n := 0
			for b.Loop() {
				if _, err := l.Append(es); err != nil {
					b.Fatal(err)
				}
				n += batch
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// million is a log of 1,000,000 entries, built once for the benchmarks
// that need it.
var million struct {
	once       sync.Once
	dir, vkey  string
	skey       string
	err        error
	size       uint64
	checkpoint Checkpoint
}

func millionLog(b *testing.B) (dir, skey, vkey string) {
	million.once.Do(func() {
		million.size = 1_000_000
		million.dir, million.err = os.MkdirTemp("", "tlog-million-")
		if million.err != nil {
			return
		}
		million.skey, million.vkey, _ = GenerateKey(testOrigin)
		l, err := open(million.dir, million.skey, true)
		if err != nil {
			million.err = err
			return
		}
		defer l.Close()
		for i := 0; i < int(million.size); i += 8192 {
			if _, err := l.Append(testEntries(i, min(8192, int(million.size)-i))); err != nil {
				million.err = err
				return
			}
		}
		million.checkpoint, million.err = VerifyCheckpoint(l.Checkpoint(), million.vkey)
	})
	if million.err != nil {
		b.Fatal(million.err)
	}
	return million.dir, million.skey, million.vkey
}

// BenchmarkInclusionProof computes inclusion proofs of random entries in
// a log of 1,000,000 entries, from the tiles on disk (cached as they are
// read), and checks each with transparency-dev's verifier outside the
// timing.
func BenchmarkInclusionProof(b *testing.B) {
	dir, skey, _ := millionLog(b)
	l, err := Open(dir, skey)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	size, root := million.checkpoint.Size, million.checkpoint.Root
	rng := rand.New(rand.NewPCG(7, 7))
	for _, name := range []string{"log", "reader"} {
		b.Run(name, func(b *testing.B) {
			r := NewReader(DirFetcher(dir))
			prove := func(i uint64) ([][]byte, error) {
				if name == "log" {
					return l.InclusionProof(i, size)
				}
				return r.InclusionProof(context.Background(), i, size)
			}
			for b.Loop() {
				i := rng.Uint64N(size)
				p, err := prove(i)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := proof.VerifyInclusion(hasher, i, size, hasher.HashLeaf(testEntry(int(i))), p, root); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
	b.Run("bundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := l.Bundle(rng.Uint64N(size)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAudit audits the whole log of 1,000,000 entries.
func BenchmarkAudit(b *testing.B) {
	dir, _, vkey := millionLog(b)
	for b.Loop() {
		rep, err := Audit(context.Background(), DirFetcher(dir), vkey, nil)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Entries != million.size {
			b.Fatalf("audited %d entries", rep.Entries)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/audit")
}
