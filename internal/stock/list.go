package stock

import (
	"boai/internal/goods"
	"sort"
	"time"
)

// ListLine is one line of the next day's "available and arriving goods"
// list (可供调拨和预到物资清单): an item in a place, for a designation, with
// what is in stock now and what is expected by the list's day.
type ListLine struct {
	ItemID            int64
	ItemCode          string
	Item              string // the item's label: name and specification
	Unit              string
	PackUnit          string
	PackSize          int64
	WarehouseID       int64 // 0 for expected goods not yet in a warehouse
	Warehouse         string
	DesignationKind   string
	DesignationTarget string
	Available         int64
	Expected          int64
}

// Show writes a quantity of the line's item as warehouse staff count it,
// e.g. "800 箱 (16000 只)".
func (l ListLine) Show(n int64) string {
	it := goods.Item{Unit: l.Unit, PackUnit: l.PackUnit, PackSize: l.PackSize}
	return it.Quantity(n)
}

// List is a compiled list.
type List struct {
	ForDay     string // YYYY-MM-DD: the day the goods are offered for
	CompiledAt time.Time
	Lines      []ListLine
}

// SortList orders a list the way the task force reads it: by item, then
// designated goods first, then place.
func SortList(lines []ListLine) {
	sort.Slice(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		ad, bd := a.DesignationKind != "undesignated", b.DesignationKind != "undesignated"
		if ad != bd {
			return ad
		}
		if a.DesignationTarget != b.DesignationTarget {
			return a.DesignationTarget < b.DesignationTarget
		}
		return a.Warehouse < b.Warehouse
	})
}

// CutoffDay is the day a list compiled at now offers goods for: lists made
// at or after the daily cut-off (16:00 by default) are for tomorrow, those
// made earlier for today.
func CutoffDay(now time.Time, cutoff time.Duration, loc *time.Location) string {
	t := now.In(loc)
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	if t.Sub(midnight) >= cutoff {
		midnight = midnight.AddDate(0, 0, 1)
	}
	return midnight.Format("2006-01-02")
}

// DayFlow is one day of 日进日清: goods received that day, and how many of
// them left the same day.
type DayFlow struct {
	Day         string
	Received    int64
	SameDay     int64 // received and dispatched on the same day
	ReceivedFen int64 // the value of what was received, where it is valued
	SameDayFen  int64
}

// ShareValue is the same-day share by value in per mille.
func (f DayFlow) ShareValue() int64 {
	if f.ReceivedFen == 0 {
		return 0
	}
	return f.SameDayFen * 1000 / f.ReceivedFen
}

// Share is the same-day share in per mille (Hangzhou's target: ≥ 900).
func (f DayFlow) Share() int64 {
	if f.Received == 0 {
		return 0
	}
	return f.SameDay * 1000 / f.Received
}

// Move is a stock move as 日进日清 reads it.
type Move struct {
	LotID    int64
	Day      string // in the society's time zone
	Kind     string // the document's kind
	Quantity int64  // positive
	// The value of the donation line the lot came from, over the units
	// it declared: a unit is worth LineFen/LineUnits. 0 when not valued.
	LineFen   int64
	LineUnits int64
}

// value is what n units of the move's lot are worth, rounded down.
func (m Move) value(n int64) int64 {
	if m.LineUnits <= 0 {
		return 0
	}
	return n * m.LineFen / m.LineUnits
}

// SameDayFlows sums, per day, what lots received and how much of it was
// dispatched the same day: per lot and day, the lesser of the two.
func SameDayFlows(moves []Move) []DayFlow {
	type key struct {
		lot int64
		day string
	}
	in, out := map[key]int64{}, map[key]int64{}
	unit := map[int64]Move{}
	for _, m := range moves {
		k := key{m.LotID, m.Day}
		switch m.Kind {
		case Receipt:
			in[k] += m.Quantity
			unit[m.LotID] = m
		case Dispatch:
			out[k] += m.Quantity
		}
	}
	days := map[string]*DayFlow{}
	for k, n := range in {
		f := days[k.day]
		if f == nil {
			f = &DayFlow{Day: k.day}
			days[k.day] = f
		}
		same := min(n, out[k])
		f.Received += n
		f.SameDay += same
		f.ReceivedFen += unit[k.lot].value(n)
		f.SameDayFen += unit[k.lot].value(same)
	}
	var flows []DayFlow
	for _, f := range days {
		flows = append(flows, *f)
	}
	sort.Slice(flows, func(i, j int) bool { return flows[i].Day < flows[j].Day })
	return flows
}
