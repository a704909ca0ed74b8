package disclosure

import (
	"encoding/json"

	"boai"
	"boai/internal/ledger"
)

// Content is the day as it is stored: its JSON form (the API's, without
// published_at). Its SHA-256 is the digest a checker signs off (see
// Review.Digest), so anyone holding the stored content can tell whether it
// is what was checked.
func (d *Day) Content() []byte {
	b, err := json.Marshal(wireDay(d))
	if err != nil {
		panic(err) // only strings and integers: cannot fail
	}
	return b
}

// Digest is the SHA-256 of content, lower-case hex: for a day's Content,
// the digest its checker signs off.
func Digest(content []byte) string { return sum(content) }

// ParseDay reads a day written by Content. ParseDay(c).Content() is c
// again, byte for byte, so a stored disclosure verifies against the
// digest recorded when it was checked.
func ParseDay(content []byte) (*Day, error) {
	var w jsonDay
	if err := json.Unmarshal(content, &w); err != nil {
		return nil, boai.Errorf(boai.EINTERNAL, "公示内容无法读取 / stored disclosure is unreadable: %v", err)
	}
	if len(w.Date) != len(DateLayout) {
		return nil, boai.Errorf(boai.EINTERNAL, "公示内容缺少日期 / stored disclosure has no date")
	}
	d := &Day{
		Date:         w.Date,
		Money:        make([]MoneyLine, len(w.Money)),
		Goods:        make([]GoodsLine, len(w.Goods)),
		Allocations:  make([]AllocationLine, len(w.Allocations)),
		Expenditures: make([]ExpenditureLine, len(w.Expenditures)),
	}
	for i, l := range w.Money {
		d.Money[i] = MoneyLine{l.No, l.Date, l.Donor, l.AmountFen, l.Designation}
	}
	for i, l := range w.Goods {
		d.Goods[i] = GoodsLine{l.No, l.Date, l.Donor, l.Item, l.Spec, l.Quantity, l.Qty, l.Unit, l.Designation}
	}
	for i, l := range w.Allocations {
		d.Allocations[i] = AllocationLine{l.No, l.Date, l.Recipient, l.Item, l.Spec, l.Quantity, l.Qty, l.Unit}
	}
	for i, l := range w.Expenditures {
		d.Expenditures[i] = ExpenditureLine{l.No, l.Date, l.Payee, l.Purpose, l.AmountFen, l.Designation}
	}
	t := w.Totals
	d.Totals = Totals{DayReceived: t.DayReceivedFen, DaySpent: t.DaySpentFen,
		Cumulative: ledger.Rate{Received: t.ReceivedFen, Spent: t.SpentFen}}
	if cp := w.Checkpoint; cp != nil {
		d.Checkpoint = &Checkpoint{Size: cp.TreeSize, Root: cp.RootHash}
	}
	return d, nil
}

// Summary is the day in one line, as the feed and the share card print it:
// counts and sums of each section, then the running totals.
func (d *Day) Summary() string { return d.summary() }

// Line is the published text of one line of the day, as a correction
// quotes it, and whether the day has that line.
func (d *Day) Line(s Section, no int) (string, bool) { return d.line(s, no) }

// Sections lists the sections a correction may cite, in page order.
var Sections = []Section{SectionMoney, SectionGoods, SectionAllocations, SectionExpenditures, SectionTotals}

// TotalRows are the totals as (label, value) pairs, the checkpoint's
// tree size and root hash included when the day has one.
func (d *Day) TotalRows() [][2]string { return d.totalRows() }
