package disclosure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of personal data a Finding looks like.
type Kind string

const (
	Phone    Kind = "phone"     // a mainland mobile number, 1[3-9] and 9 more digits, +86 allowed
	ID18     Kind = "id18"      // an 18-digit resident ID number with a valid check digit
	ID15     Kind = "id15"      // a 15-digit resident ID number of the old format
	BankCard Kind = "bank_card" // 16–19 digits passing the Luhn check
	Name     Kind = "name"      // the full name of a private donor
)

var kindLabels = map[Kind]string{
	Phone: "手机号 / phone number", ID18: "身份证号 / ID number", ID15: "身份证号 / ID number",
	BankCard: "银行卡号 / bank card number", Name: "捐赠人全名 / donor's full name",
}

// Label names the kind for a user, in Chinese and English.
func (k Kind) Label() string { return kindLabels[k] }

// Finding is where something in a text looks like personal data: the bytes
// text[Start:End]. It does not carry the text itself, so a Finding can be
// logged without leaking what it found.
type Finding struct {
	Kind       Kind
	Start, End int
}

func (f Finding) String() string { return fmt.Sprintf("%s at %d–%d", f.Kind, f.Start, f.End) }

// Guard scans public text for personal data. The zero Guard finds phone,
// ID and bank card numbers; NewGuard adds the full names of private donors.
type Guard struct {
	names map[string][]string // by their first two runes
}

// NewGuard returns a Guard that also finds any of names (people's full
// names, anonymous donors' names). Names of one character are ignored: they
// would match everywhere and a masked name never shows them.
func NewGuard(names []string) *Guard {
	g := &Guard{names: make(map[string][]string)}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) < 2 {
			continue
		}
		k := prefix2(n)
		if !containsString(g.names[k], n) {
			g.names[k] = append(g.names[k], n)
		}
	}
	return g
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// prefix2 is the first two runes of s (or all of s when shorter).
func prefix2(s string) string {
	_, a := utf8.DecodeRuneInString(s)
	if a >= len(s) {
		return s
	}
	_, b := utf8.DecodeRuneInString(s[a:])
	return s[:a+b]
}

// Scan finds phone, ID and bank card numbers in text; see Guard.Scan.
func Scan(text string) []Finding { return (*Guard)(nil).Scan(text) }

// Scan finds what looks like personal data in text. Numbers may be written
// with single spaces or dashes between digit groups ("138 0013-8000") and
// in full-width digits. A number glued to a Latin letter (inside a hex hash,
// "T09" in a timestamp) or to a decimal point is not taken for one: that
// keeps hashes and amounts from raising false alarms, at the price of
// missing "tel13800138000".
func (g *Guard) Scan(text string) []Finding {
	out := scanNumbers(text, nil)
	if g == nil || len(g.names) == 0 {
		return out
	}
	for i := 0; i < len(text); {
		_, size := utf8.DecodeRuneInString(text[i:])
		if cands, ok := g.names[prefix2(text[i:])]; ok {
			for _, n := range cands {
				if strings.HasPrefix(text[i:], n) {
					out = append(out, Finding{Name, i, i + len(n)})
					break
				}
			}
		}
		i += size
	}
	return out
}

// ScanJSON scans every string in a JSON document (keys and values) and
// skips its numbers: a JSON number in a public document is an amount or a
// count, and a total of ¥177,000,000 is 17700000000 fen, which Scan would
// take for a phone number. Start and End bound the JSON string.
func (g *Guard) ScanJSON(data []byte) ([]Finding, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []Finding
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		s, ok := tok.(string)
		if !ok {
			continue
		}
		end := dec.InputOffset()
		for start < end && strings.IndexByte(" \t\r\n:,[{", data[start]) >= 0 {
			start++ // the delimiters before the string
		}
		for _, f := range g.Scan(s) {
			out = append(out, Finding{f.Kind, int(start), int(end)})
		}
	}
}

// group is a run of digits, data[start:end] in the text, its digits in d.
type group struct {
	start, end int
	d          []byte
}

func digitAt(text string, i int) (d byte, size int) {
	r, size := utf8.DecodeRuneInString(text[i:])
	switch {
	case r >= '0' && r <= '9':
		return byte(r), size
	case r >= '０' && r <= '９':
		return byte(r-'０') + '0', size
	}
	return 0, size
}

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// scanNumbers finds digit runs (groups joined by one space or dash) and
// tests each stretch of whole groups against the number patterns, taking
// the longest match from each group onwards.
func scanNumbers(text string, out []Finding) []Finding {
	var groups []group
	for i := 0; i < len(text); {
		if d, size := digitAt(text, i); d == 0 {
			i += size
			continue
		}
		// A run starts here. Is it glued to a letter or a decimal point before it?
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		taintStart := i > 0 && (isLatin(prev) || prev == '.' && i >= 2 && isDigitBefore(text, i-1))
		groups = groups[:0]
		j := i
		for {
			g := group{start: j}
			for j < len(text) {
				d, size := digitAt(text, j)
				if d == 0 {
					break
				}
				g.d = append(g.d, d)
				j += size
			}
			g.end = j
			groups = append(groups, g)
			// One separator followed by a digit continues the run.
			if j+1 < len(text) && (text[j] == ' ' || text[j] == '-') {
				if d, _ := digitAt(text, j+1); d != 0 {
					j++
					continue
				}
			}
			break
		}
		// An ID number may end in X.
		last := &groups[len(groups)-1]
		if j < len(text) && (text[j] == 'X' || text[j] == 'x') {
			next, _ := utf8.DecodeRuneInString(text[j+1:])
			if j+1 == len(text) || !isLatin(next) && !(next >= '0' && next <= '9') {
				last.d = append(last.d, 'X')
				j++
				last.end = j
			}
		}
		next, _ := utf8.DecodeRuneInString(text[j:])
		taintEnd := j < len(text) && (isLatin(next) || next == '.' && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9')
		out = matchGroups(groups, taintStart, taintEnd, out)
		i = j
	}
	return out
}

func isDigitBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r >= '0' && r <= '9' || r >= '０' && r <= '９'
}

func matchGroups(groups []group, taintStart, taintEnd bool, out []Finding) []Finding {
	var buf [24]byte
	for i := 0; i < len(groups); {
		if i == 0 && taintStart {
			i++
			continue
		}
		best, bestKind := -1, Kind("")
		s := buf[:0]
		for j := i; j < len(groups); j++ {
			s = append(s, groups[j].d...)
			if len(s) > 19 {
				break
			}
			if j == len(groups)-1 && taintEnd {
				break
			}
			if k := classify(s); k != "" {
				best, bestKind = j, k
			}
		}
		if best < 0 {
			i++
			continue
		}
		out = append(out, Finding{bestKind, groups[i].start, groups[best].end})
		i = best + 1
	}
	return out
}

// classify says which kind of number the digits s are, or "".
func classify(s []byte) Kind {
	n := len(s)
	x := s[n-1] == 'X'
	switch {
	case n == 18 && validID18(s):
		return ID18
	case x:
		return ""
	case isMobile(s):
		return Phone
	case n == 13 && string(s[:2]) == "86" && isMobile(s[2:]):
		return Phone
	case n == 15 && string(s[:4]) == "0086" && isMobile(s[4:]):
		return Phone
	case n == 15 && validMonthDay(s[8:10], s[10:12]):
		return ID15
	case n >= 16 && n <= 19 && luhn(s):
		return BankCard
	}
	return ""
}

func isMobile(s []byte) bool { return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' }

var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// validID18 checks an 18-character resident ID number: a plausible birth
// date (19xx or 20xx) and the ISO 7064 MOD 11-2 check character.
func validID18(s []byte) bool {
	if len(s) != 18 || (s[6] != '1' || s[7] != '9') && (s[6] != '2' || s[7] != '0') || !validMonthDay(s[10:12], s[12:14]) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] == 'X' {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11] == s[17]
}

// validMonthDay checks a two-digit month and day.
func validMonthDay(month, day []byte) bool {
	m := int(month[0]-'0')*10 + int(month[1]-'0')
	d := int(day[0]-'0')*10 + int(day[1]-'0')
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// luhn checks the Luhn (mod 10) check digit bank cards carry.
func luhn(s []byte) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
