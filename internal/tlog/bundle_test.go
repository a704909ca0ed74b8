package tlog

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	tproof "github.com/transparency-dev/formats/proof"
	"github.com/transparency-dev/merkle/proof"
)

func TestBundleVerifies(t *testing.T) {
	skey, vkey := testKeys(t)
	l := mustOpen(t, t.TempDir(), skey)
	if _, err := l.Append(testEntries(0, 1000)); err != nil {
		t.Fatal(err)
	}
	for _, i := range []uint64{0, 1, 255, 256, 999} {
		b, err := l.Bundle(i)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "c2sp.org/tlog-proof@v1\nextra ") {
			t.Fatalf("bundle does not start as a tlog-proof with extra data:\n%s", b)
		}
		e, idx, err := VerifyBundle(b, vkey)
		if err != nil {
			t.Fatalf("bundle %d: %v\n%s", i, err, b)
		}
		if idx != i || !bytes.Equal(e, testEntry(int(i))) {
			t.Fatalf("bundle %d gave entry %d %s", i, idx, e)
		}
		// The same check with transparency-dev's and x/mod's code only.
		var p tproof.TLogProof
		if err := p.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		cp := openCheckpoint(t, p.Checkpoint, vkey)
		var hashes [][]byte
		for _, h := range p.Hashes {
			hashes = append(hashes, h[:])
		}
		if err := proof.VerifyInclusion(hasher, p.Index, cp.Size, hasher.HashLeaf(p.ExtraData), hashes, cp.Hash); err != nil {
			t.Fatalf("transparency-dev rejects bundle %d: %v", i, err)
		}
	}

	b, _ := l.Bundle(42)
	_, other := testKeys(t)
	if _, _, err := VerifyBundle(b, other); err == nil {
		t.Error("a bundle verified with another log's key")
	}
	var p tproof.TLogProof
	p.Unmarshal(b)
	changed := func(f func(p *tproof.TLogProof)) []byte {
		q := p
		q.Hashes = slices.Clone(p.Hashes)
		q.ExtraData = slices.Clone(p.ExtraData)
		f(&q)
		return q.Marshal()
	}
	for name, bad := range map[string][]byte{
		"entry": changed(func(q *tproof.TLogProof) {
			q.ExtraData = bytes.Replace(q.ExtraData, []byte(`"seq":42`), []byte(`"seq":43`), 1)
		}),
		"index":     changed(func(q *tproof.TLogProof) { q.Index = 43 }),
		"hash":      changed(func(q *tproof.TLogProof) { q.Hashes[0][0] ^= 1 }),
		"no entry":  changed(func(q *tproof.TLogProof) { q.ExtraData = nil }),
		"truncated": b[:len(b)-20],
	} {
		if _, _, err := VerifyBundle(bad, vkey); err == nil {
			t.Errorf("a bundle with a changed %s verified", name)
		}
	}
}

func TestReaderMatchesLog(t *testing.T) {
	skey, vkey := testKeys(t)
	dir := t.TempDir()
	l := fastOpen(t, dir, skey)
	if _, err := l.Append(testEntries(0, 70000)); err != nil {
		t.Fatal(err)
	}
	old := l.Checkpoint()
	if _, err := l.Append(testEntries(70000, 333)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	ctx := context.Background()
	for name, fetch := range map[string]Fetcher{"dir": DirFetcher(dir), "http": HTTPFetcher(srv.Client(), srv.URL+"/")} {
		r := NewReader(fetch)
		size := l.Size()
		for _, i := range []uint64{0, 256, 65535, 65536, 69999, 70332} {
			want, err := l.InclusionProof(i, size)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.InclusionProof(ctx, i, size)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !slices.EqualFunc(got, want, bytes.Equal) {
				t.Fatalf("%s: proof of %d differs from the log's", name, i)
			}
			e, err := r.Entry(ctx, i, size)
			if err != nil || !bytes.Equal(e, testEntry(int(i))) {
				t.Fatalf("%s: entry %d: %v", name, i, err)
			}
			b, err := r.Bundle(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			if _, idx, err := VerifyBundle(b, vkey); err != nil || idx != i {
				t.Fatalf("%s: reader's bundle %d: %v", name, i, err)
			}
		}
		c1, c2, err := VerifyConsistency(ctx, fetch, old, l.Checkpoint(), vkey)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c1.Size != 70000 || c2.Size != 70333 {
			t.Fatalf("%s: consistency between %d and %d", name, c1.Size, c2.Size)
		}
		if _, _, err := VerifyConsistency(ctx, fetch, l.Checkpoint(), old, vkey); err == nil {
			t.Fatalf("%s: a shrinking log passed", name)
		}
		if _, err := Audit(ctx, fetch, vkey, nil); err != nil {
			t.Fatalf("%s audit: %v", name, err)
		}
	}

	// A checkpoint from a forked log (same key, other entries) is caught.
	fork := fastOpen(t, t.TempDir(), skey)
	fork.Append(testEntries(0, 69999))
	fork.Append([][]byte{[]byte(`{"forged":1}`)})
	if _, _, err := VerifyConsistency(ctx, DirFetcher(dir), fork.Checkpoint(), l.Checkpoint(), vkey); err == nil {
		t.Fatal("a forked checkpoint passed the consistency check")
	}
}

func TestKeys(t *testing.T) {
	for range 20 { // base64 keys with '+' in them included
		skey, vkey := testKeys(t)
		if pub, err := PublicKey(skey); err != nil || pub != vkey {
			t.Fatalf("PublicKey(%q) = %q, %v; want %q", skey, pub, err, vkey)
		}
	}
	if _, err := NewSigner("PRIVATE+KEY+x+00000000+" + base64.StdEncoding.EncodeToString(make([]byte, 33))); err == nil {
		t.Error("NewSigner accepted a key with a wrong hash")
	}
	for _, bad := range []string{"", "has space", "has+plus"} {
		if _, _, err := GenerateKey(bad); err == nil {
			t.Errorf("GenerateKey(%q) accepted an origin a signed note cannot name", bad)
		}
	}
	if _, err := NewVerifier("nonsense"); err == nil {
		t.Error("NewVerifier accepted nonsense")
	}
}
