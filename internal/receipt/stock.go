package receipt

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"boai"
)

// Serial identifies one receipt form: 票据代码 (the code of the batch the
// finance bureau issued) and 号码 (its number within the code).
type Serial struct {
	Code   string
	Number int64
}

func (s Serial) String() string { return s.Code + "-" + strconv.FormatInt(s.Number, 10) }

// Range is a run of receipt numbers the finance bureau gave the society,
// Start to End inclusive under one code, in the hands of one holder (a
// clerk, a branch). Numbers are handed out strictly in order: the first
// Used numbers are gone (issued or voided), the rest are still blank.
type Range struct {
	ID     int64
	Code   string
	Start  int64
	End    int64
	Width  int    // digits printed, zero-padded: 10 prints 123 as 0000000123
	Holder string // who holds the forms
	Used   int64  // how many numbers have been handed out
}

// Validate checks a range as it is registered.
func (r *Range) Validate() error {
	r.Code, r.Holder = strings.TrimSpace(r.Code), strings.TrimSpace(r.Holder)
	switch {
	case !digits(r.Code) || len(r.Code) > 20:
		return invalid("票据代码应为数字（最多 20 位）/ the receipt code is digits (at most 20)")
	case r.Width < 1 || r.Width > 18:
		return invalid("号码位数应为 1 到 18 / the number width is 1 to 18 digits")
	case r.Start < 1 || r.End < r.Start || len(strconv.FormatInt(r.End, 10)) > r.Width:
		return invalid("号码段应从 1 起、止号不小于起号且不超过位数 / a range starts at 1 or more, ends no lower, and fits its width")
	case r.Holder == "":
		return invalid("请填写领用人 / who holds the forms is required")
	case r.Used < 0 || r.Used > r.Size():
		return invalid("已用数量超出号码段 / more used than the range holds")
	}
	return nil
}

// Size is how many numbers the range holds.
func (r *Range) Size() int64 { return r.End - r.Start + 1 }

// Remaining is how many blank numbers are left.
func (r *Range) Remaining() int64 { return r.Size() - r.Used }

// Format prints number n as the forms do, zero-padded to the range's width.
func (r *Range) Format(n int64) string { return fmt.Sprintf("%0*d", r.Width, n) }

// Next hands out the range's next number. There is no other way to take a
// number, so numbers are used without gaps; a number spoiled before use
// is voided, never skipped.
func (r *Range) Next() (Serial, error) {
	if r.Remaining() <= 0 {
		return Serial{}, boai.Errorf(boai.ECONFLICT, "票据代码 %s 的号码段 %s–%s 已用完 / receipt range %s %s–%s is used up",
			r.Code, r.Format(r.Start), r.Format(r.End), r.Code, r.Format(r.Start), r.Format(r.End))
	}
	s := Serial{Code: r.Code, Number: r.Start + r.Used}
	r.Used++
	return s, nil
}

// Pick chooses which of holder's ranges to use next: the one with blank
// numbers and the lowest code and start, so forms are used up in order.
// It returns -1 when the holder has none left.
func Pick(ranges []Range, holder string) int {
	best := -1
	for i := range ranges {
		r := &ranges[i]
		if r.Holder != holder || r.Remaining() <= 0 {
			continue
		}
		if best < 0 || cmp.Or(cmp.Compare(r.Code, ranges[best].Code), cmp.Compare(r.Start, ranges[best].Start)) < 0 {
			best = i
		}
	}
	return best
}

// CheckRanges refuses ranges that overlap: the bureau never gives one
// number twice, so an overlap is a typing error.
func CheckRanges(ranges []Range) error {
	s := slices.Clone(ranges)
	slices.SortFunc(s, func(a, b Range) int { return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Start, b.Start)) })
	for i := 1; i < len(s); i++ {
		if s[i].Code == s[i-1].Code && s[i].Start <= s[i-1].End {
			return boai.Errorf(boai.ECONFLICT, "票据代码 %s 的号码段重叠：%d–%d 与 %d–%d / overlapping ranges under code %s",
				s[i].Code, s[i-1].Start, s[i-1].End, s[i].Start, s[i].End, s[i].Code)
		}
	}
	return nil
}

// Void records that a number will never carry a valid receipt: a receipt
// voided after issue, or a form spoiled before it (ReceiptID 0). Voids
// are kept for ever; they are what explains a gap in the numbering.
type Void struct {
	Serial
	ReceiptID int64
	Reason    string
	By        string
	At        time.Time
}

// NewVoid checks and builds a void record.
func NewVoid(s Serial, receiptID int64, reason, by string, at time.Time) (Void, error) {
	v := Void{Serial: s, ReceiptID: receiptID, Reason: strings.TrimSpace(reason), By: strings.TrimSpace(by), At: at}
	if v.Reason == "" || v.By == "" || at.IsZero() {
		return Void{}, invalid("作废须写明原因、经办人和时间 / a void needs the reason, who voided it and when")
	}
	return v, nil
}

// Audit is the state of the receipt stock: counts, and every used number
// not on a valid receipt, explained by its void or reported.
type Audit struct {
	Used, Live, Voided, Remaining int64
	Explained                     []Void   // voided numbers, each with its reason
	Unexplained                   []Serial // used numbers with neither a valid receipt nor a void
	Problems                      []string // numbers on two receipts, outside the stock, live and void at once
}

// Clean reports whether every number is accounted for.
func (a *Audit) Clean() bool { return len(a.Unexplained) == 0 && len(a.Problems) == 0 }

// Gaps audits the numbering: every number a range has handed out must be
// on exactly one valid receipt (issued) or have a void record with a
// reason (voided), and neither list may name a number the stock has not
// handed out.
func Gaps(issued []Serial, voided []Void, ranges []Range) Audit {
	var a Audit
	live := make(map[Serial]bool, len(issued))
	for _, s := range issued {
		if live[s] {
			a.Problems = append(a.Problems, fmt.Sprintf("%s 开具了两张票据 / %s is on two receipts", s, s))
		}
		live[s] = true
	}
	void := make(map[Serial]Void, len(voided))
	for _, v := range voided {
		if _, dup := void[v.Serial]; dup {
			a.Problems = append(a.Problems, fmt.Sprintf("%s 作废了两次 / %s is voided twice", v.Serial, v.Serial))
		}
		void[v.Serial] = v
	}
	seen := 0
	for _, r := range ranges {
		a.Used += r.Used
		a.Remaining += r.Remaining()
		for n := r.Start; n < r.Start+r.Used; n++ {
			s := Serial{r.Code, n}
			v, isVoid := void[s]
			switch {
			case live[s] && isVoid:
				a.Problems = append(a.Problems, fmt.Sprintf("%s 既有效又已作废 / %s is both valid and voided", s, s))
			case live[s]:
				a.Live++
			case isVoid && strings.TrimSpace(v.Reason) == "":
				a.Problems = append(a.Problems, fmt.Sprintf("%s 作废未写原因 / %s is voided without a reason", s, s))
			case isVoid:
				a.Voided++
				a.Explained = append(a.Explained, v)
			default:
				a.Unexplained = append(a.Unexplained, s)
				continue
			}
			seen++
		}
	}
	if seen < len(live)+len(void) {
		// Something was issued or voided outside what the ranges handed out.
		in := func(s Serial) bool {
			return slices.ContainsFunc(ranges, func(r Range) bool { return r.Code == s.Code && s.Number >= r.Start && s.Number < r.Start+r.Used })
		}
		for _, s := range sortedKeys(live, void) {
			if !in(s) {
				a.Problems = append(a.Problems, fmt.Sprintf("%s 不在已领用的号码内 / %s is outside the numbers handed out", s, s))
			}
		}
	}
	return a
}

func sortedKeys(live map[Serial]bool, void map[Serial]Void) []Serial {
	var out []Serial
	for s := range live {
		out = append(out, s)
	}
	for s := range void {
		if !live[s] {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Serial) int { return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Number, b.Number)) })
	return out
}

func digits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func invalid(format string, args ...any) error { return boai.Errorf(boai.EINVALID, format, args...) }
