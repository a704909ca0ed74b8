package publog

import (
	"encoding/json"
	"fmt"
)

// DayChecker checks, as a log's entries stream past in order, that each
// day close says what the entries before it hold: its first index, its
// count, and per type the number of entries and the sum of their amounts
// (a goods entry's value), and that the days follow one another.
type DayChecker struct {
	next    uint64 // index the next entry must have
	first   uint64 // first entry of the open day
	lastDay string
	totals  map[string]Total
	Days    int // day closes checked
}

// NewDayChecker starts checking at entry 0.
func NewDayChecker() *DayChecker { return &DayChecker{totals: map[string]Total{}} }

type entryHead struct {
	Type   string           `json:"type"`
	Amount int64            `json:"amount"`
	Value  int64            `json:"value"`
	Date   string           `json:"date"`
	First  uint64           `json:"first"`
	Count  uint64           `json:"count"`
	Totals map[string]Total `json:"totals"`
}

// Add takes the entry at index.
func (c *DayChecker) Add(index uint64, entry []byte) error {
	if index != c.next {
		return fmt.Errorf("entry %d: expected entry %d", index, c.next)
	}
	c.next++
	var h entryHead
	if err := json.Unmarshal(entry, &h); err != nil {
		return fmt.Errorf("entry %d: %w", index, err)
	}
	if h.Type == "" {
		return fmt.Errorf("entry %d: no type", index)
	}
	if Kind(h.Type) != DayClose {
		amount := h.Amount
		if Kind(h.Type) == Goods {
			amount = h.Value
		}
		t := c.totals[h.Type]
		t.Count++
		t.Amount += amount
		c.totals[h.Type] = t
		return nil
	}
	switch {
	case h.Date <= c.lastDay:
		return fmt.Errorf("entry %d: the close of %s follows the close of %s", index, h.Date, c.lastDay)
	case h.First != c.first || h.Count != index-c.first:
		return fmt.Errorf("entry %d: the close of %s counts %d entries from %d; the log has %d from %d",
			index, h.Date, h.Count, h.First, index-c.first, c.first)
	case len(h.Totals) != len(c.totals):
		return fmt.Errorf("entry %d: the close of %s totals %d types; the day has %d", index, h.Date, len(h.Totals), len(c.totals))
	}
	for typ, want := range c.totals {
		if got := h.Totals[typ]; got != want {
			return fmt.Errorf("entry %d: the close of %s says %s %+v; the day's entries make %+v", index, h.Date, typ, got, want)
		}
	}
	c.lastDay, c.first, c.totals = h.Date, index+1, map[string]Total{}
	c.Days++
	return nil
}
