// Package publog decides what boai tells the public log: which records
// are public facts, and the entry each one becomes. An entry is canonical
// JSON (tlog.Canonical) holding no personal data and no free text: a
// donor appears only as a salted commitment (tlog.Commit) whose salt is
// printed on their certificate, and the name of an institution, a fund
// or a payee only as a tag, the hash of the name shown on boai's pages,
// which anyone can recompute.
//
// An entry is a pure function of its record's immutable fields, so the
// same record always makes the same bytes: a crash that logs a batch
// again writes the same entries, and an audit that derives an entry from
// today's database and finds other bytes in the log has found a changed
// record.
package publog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"boai/internal/tlog"
)

// Kind names a public fact's record type in the outbox.
type Kind string

const (
	Donation    Kind = "donation"     // a money donation or its reversal, by donations.id
	Goods       Kind = "goods"        // in-kind goods received into stock, by inkind_donations.id
	Receipt     Kind = "receipt"      // a donation receipt issued, by receipts.id
	ReceiptVoid Kind = "receipt_void" // a receipt number voided or spoiled, by receipt_voids.id
	Allocation  Kind = "allocation"   // an allocation approved, by allocations.id
	Dispatch    Kind = "dispatch"     // a dispatch signed for by its recipient, by dispatches.id
	Expenditure Kind = "expenditure"  // an expenditure paid, by expenditures.id
	Correction  Kind = "correction"   // a published correction notice, by its id
	DayClose    Kind = "day_close"    // the end of a day of the log, by its date as yyyymmdd
)

// Kinds are the kinds in the order the tracing page and the day close
// list them.
var Kinds = []Kind{Donation, Goods, Receipt, ReceiptVoid, Allocation, Dispatch, Expenditure, Correction, DayClose}

// Version is every entry's "v": a reader knows which rules made it.
const Version = 1

// Time is how entries write an instant: UTC to the second, so that the
// society's configured time zone cannot change an entry's bytes.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// Tag is the public stand-in for a name that is not a person's: an
// institution, a fund, a payee. It is the first 16 bytes, in hex, of
// SHA-256 over a domain string and the name as boai shows it, so anyone
// can check that a tag in the log is the name on the page.
func Tag(name string) string {
	if strings.TrimSpace(name) == "" {
		return ""
	}
	h := sha256.Sum256([]byte("boai.name-tag.v1\x00" + strings.Join(strings.Fields(name), " ")))
	return hex.EncodeToString(h[:16])
}

// Salter derives each certificate's salt from a secret the society keeps
// in its database, so no salt is stored per record and a certificate can
// be printed again with the same salt.
type Salter struct{ secret []byte }

// NewSalter returns a Salter for secret, which must be at least 16 bytes.
func NewSalter(secret []byte) (*Salter, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("publog: salt secret is %d bytes, want at least 16", len(secret))
	}
	return &Salter{secret: secret}, nil
}

var saltEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Salt is the salt printed on certificate cert: 128 bits as 26 base32
// letters and digits.
func (s *Salter) Salt(cert string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("boai.certificate-salt.v1\x00" + cert))
	return saltEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Commit is the donor's commitment in the entry of certificate cert.
func (s *Salter) Commit(cert, donorName string) string {
	return tlog.Commit(s.Salt(cert), donorName)
}

// FormatSalt groups a salt in fives for printing; Commit ignores the
// hyphens.
func FormatSalt(salt string) string {
	var b strings.Builder
	for i, r := range salt {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Entry is one public fact ready for the log.
type Entry struct {
	Kind   Kind
	Ref    int64
	Amount int64 // fen, for the day close's totals; 0 when the fact has none
	Data   []byte
}

// Encode makes the canonical bytes of fact v, stamping its type and version.
func Encode(kind Kind, ref int64, amount int64, v map[string]any) (Entry, error) {
	v["type"] = string(kind)
	v["v"] = Version
	b, err := tlog.Canonical(v)
	if err != nil {
		return Entry{}, fmt.Errorf("%s %d: %w", kind, ref, err)
	}
	if len(b) > tlog.MaxEntrySize {
		return Entry{}, fmt.Errorf("%s %d: entry is %d bytes, more than the log's %d", kind, ref, len(b), tlog.MaxEntrySize)
	}
	return Entry{Kind: kind, Ref: ref, Amount: amount, Data: b}, nil
}

// DayRef is a day's reference number in the outbox: 2026-12-01 is 20261201.
func DayRef(day string) (int64, error) {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return 0, fmt.Errorf("publog: day %q: %w", day, err)
	}
	return int64(t.Year()*10000 + int(t.Month())*100 + t.Day()), nil
}

// Total is one kind's count and amount in a day close.
type Total struct {
	Count  int64 `json:"count"`
	Amount int64 `json:"amount"`
}

// Close makes the day close of day: the entries logged that day start at
// first and number count (the close itself not included).
func Close(day string, first, count uint64, totals map[Kind]Total) (Entry, error) {
	ref, err := DayRef(day)
	if err != nil {
		return Entry{}, err
	}
	t := map[string]any{}
	for k, v := range totals {
		t[string(k)] = v
	}
	return Encode(DayClose, ref, 0, map[string]any{"date": day, "first": first, "count": count, "totals": t})
}
