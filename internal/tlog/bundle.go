package tlog

import (
	"errors"
	"fmt"

	tproof "github.com/transparency-dev/formats/proof"
	"github.com/transparency-dev/merkle/proof"
)

// A proof bundle is a C2SP tlog-proof (https://c2sp.org/tlog-proof),
// marshalled by transparency-dev's formats/proof package:
//
//	c2sp.org/tlog-proof@v1
//	extra <base64 of the entry: its canonical JSON>
//	index <entry index>
//	<inclusion proof, one base64 SHA-256 hash a line, leaf's sibling first>
//
//	<the signed checkpoint, verbatim>
//
// The spec leaves the extra data to the application; boai puts the entry
// there, so that one file — the QR code on a certificate links to it —
// proves the entry. The extra data is not trusted: the verifier hashes it
// as the leaf, so a changed entry fails the inclusion proof.

// Proof is a verified proof bundle.
type Proof struct {
	Index      uint64
	Entry      []byte
	Hashes     [][]byte
	Checkpoint Checkpoint
	Signed     []byte // the signed checkpoint
}

func marshalBundle(index uint64, entry []byte, hashes [][]byte, checkpoint []byte) ([]byte, error) {
	p := tproof.TLogProof{Index: index, Checkpoint: checkpoint, ExtraData: entry}
	if entry == nil {
		p.ExtraData = []byte{}
	}
	for _, h := range hashes {
		if len(h) != hashSize {
			return nil, fmt.Errorf("proof hash of %d bytes", len(h))
		}
		p.Hashes = append(p.Hashes, [hashSize]byte(h))
	}
	return p.Marshal(), nil
}

// OpenBundle verifies a proof bundle against the log's verifier key: the
// checkpoint's signature and origin, then the entry's inclusion in the
// checkpointed tree with transparency-dev's proof.VerifyInclusion.
func OpenBundle(bundle []byte, vkey string) (*Proof, error) {
	v, err := NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	var p tproof.TLogProof
	if err := p.Unmarshal(bundle); err != nil {
		return nil, fmt.Errorf("proof bundle: %w", err)
	}
	if p.ExtraData == nil {
		return nil, errors.New("proof bundle: no entry (extra line) in it")
	}
	cp, err := verifyCheckpoint(p.Checkpoint, v)
	if err != nil {
		return nil, fmt.Errorf("proof bundle: %w", err)
	}
	hashes := make([][]byte, len(p.Hashes))
	for i := range p.Hashes {
		hashes[i] = p.Hashes[i][:]
	}
	if err := proof.VerifyInclusion(hasher, p.Index, cp.Size, hasher.HashLeaf(p.ExtraData), hashes, cp.Root); err != nil {
		return nil, fmt.Errorf("proof bundle: entry %d is not in the log at size %d: %w", p.Index, cp.Size, err)
	}
	return &Proof{Index: p.Index, Entry: p.ExtraData, Hashes: hashes, Checkpoint: cp, Signed: p.Checkpoint}, nil
}

// VerifyBundle verifies a proof bundle (see OpenBundle) and returns the
// entry it proves and its index.
func VerifyBundle(bundle []byte, vkey string) (entry []byte, index uint64, err error) {
	p, err := OpenBundle(bundle, vkey)
	if err != nil {
		return nil, 0, err
	}
	return p.Entry, p.Index, nil
}
