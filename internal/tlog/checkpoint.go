package tlog

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is the body of a C2SP tlog-checkpoint: which log, how many
// entries, and the RFC 6962 root hash over them.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// VerifyCheckpoint checks that signed is a checkpoint signed by the key
// vkey, whose origin is the key's name, and returns its body.
func VerifyCheckpoint(signed []byte, vkey string) (Checkpoint, error) {
	v, err := NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, err
	}
	return verifyCheckpoint(signed, v)
}

func verifyCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	cp, _, _, err := log.ParseCheckpoint(signed, v.Name(), v)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint: %w", err)
	}
	if len(cp.Hash) != hashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint: root hash is %d bytes, want %d", len(cp.Hash), hashSize)
	}
	return Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: cp.Hash}, nil
}

// parseUnverified reads a checkpoint's body without checking signatures,
// for a server that only relays it: whoever verifies a proof checks it.
func parseUnverified(signed []byte) (Checkpoint, error) {
	body, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return Checkpoint{}, errors.New("checkpoint: not a signed note")
	}
	var cp log.Checkpoint
	if _, err := cp.Unmarshal(append(body, '\n')); err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint: %w", err)
	}
	return Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: cp.Hash}, nil
}

func signCheckpoint(cp Checkpoint, s note.Signer) ([]byte, error) {
	body := log.Checkpoint{Origin: cp.Origin, Size: cp.Size, Hash: cp.Root}.Marshal()
	signed, err := note.Sign(&note.Note{Text: string(body)}, s)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return signed, nil
}
