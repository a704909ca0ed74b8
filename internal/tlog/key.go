package tlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// GenerateKey returns a new Ed25519 key pair in signed-note format for a
// log whose origin is origin (for example "boai.example.org/log"). The
// key name is the origin, so the checkpoint's origin line and its
// signature line name the same log. skey is secret; vkey is published on
// the site and in the README.
func GenerateKey(origin string) (skey, vkey string, err error) {
	skey, vkey, err = note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return "", "", err
	}
	if _, err := note.NewSigner(skey); err != nil { // GenerateKey does not check the name
		return "", "", fmt.Errorf("log origin %q cannot name a key: %w", origin, err)
	}
	return skey, vkey, nil
}

// NewSigner parses a signer key made by GenerateKey.
func NewSigner(skey string) (note.Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("log signer key: %w", err)
	}
	return s, nil
}

// NewVerifier parses a verifier key made by GenerateKey.
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("log verifier key: %w", err)
	}
	return v, nil
}

// PublicKey derives the verifier key from a signer key.
func PublicKey(skey string) (vkey string, err error) {
	skey = strings.TrimSpace(skey)
	s, err := NewSigner(skey) // checks the format and the key hash
	if err != nil {
		return "", err
	}
	// PRIVATE+KEY+<name>+<hash>+<base64 key>; the name has no '+', the key may.
	parts := strings.SplitN(skey, "+", 5)
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize {
		return "", errors.New("log signer key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(s.Name(), pub)
}
