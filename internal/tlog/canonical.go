package tlog

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Canonical encodes v as canonical JSON, so that the same fact always
// makes the same entry bytes: object keys sorted (by the bytes of their
// UTF-8), no insignificant whitespace, no HTML escaping (<, > and & stay
// as they are). Numbers must be integers — amounts are in fen — so that
// no float formatting can differ; a fraction or an exponent is an error.
// To canonicalise JSON text, pass it as json.RawMessage.
func Canonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if err := integersOnly(x, "$"); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc = json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil { // map keys come out sorted
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

var integer = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func integersOnly(x any, path string) error {
	switch x := x.(type) {
	case json.Number:
		if !integer.MatchString(string(x)) || x == "-0" {
			return fmt.Errorf("canonical JSON: %s is %s: only integers are allowed", path, x)
		}
	case []any:
		for i, e := range x {
			if err := integersOnly(e, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := integersOnly(e, path+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// commitDomain separates person commitments from every other SHA-256.
const commitDomain = "boai.person-commitment.v1"

// Commit is the public stand-in for a person in a log entry: SHA-256,
// in hex, over the domain string, the salt and the name, each preceded by
// its length as a big-endian uint32. The salt is printed on the person's
// certificate, so only they (and boai) can show that the entry names them.
//
// Both are normalised first, so that what a donor types matches: the
// salt is lower-cased with spaces and hyphens removed; the name is put in
// Unicode NFC with surrounding spaces removed and inner runs of spaces
// collapsed to one.
func Commit(salt, name string) string {
	h := sha256.New()
	writeField(h, commitDomain)
	writeField(h, normalizeSalt(salt))
	writeField(h, normalizeName(name))
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, s string) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

func normalizeSalt(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

func normalizeName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

var saltEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewSalt returns a fresh random salt: 128 bits as 26 lower-case base32
// characters, to print on a certificate (hyphens may be added for
// reading; Commit ignores them).
func NewSalt() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return saltEncoding.EncodeToString(b[:])
}

// FindCommitment looks for the string commitment anywhere in a JSON
// entry and returns where it is, such as "donor" or "items[2].donor".
func FindCommitment(entry []byte, commitment string) (field string, ok bool) {
	var x any
	if err := json.Unmarshal(entry, &x); err != nil {
		return "", false
	}
	return find(x, "", strings.ToLower(commitment))
}

func find(x any, path, want string) (string, bool) {
	switch x := x.(type) {
	case string:
		return path, strings.ToLower(x) == want
	case []any:
		for i, e := range x {
			if p, ok := find(e, path+"["+strconv.Itoa(i)+"]", want); ok {
				return p, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if p, ok := find(x[k], p, want); ok {
				return p, true
			}
		}
	}
	return "", false
}
