package publog

import (
	"strings"
	"testing"
)

func TestDayChecker(t *testing.T) {
	don := `{"type":"donation","amount":500,"v":1}`
	rev := `{"type":"donation","amount":-200,"v":1}`
	goods := `{"type":"goods","value":900,"lines":[],"v":1}`
	alloc := `{"type":"allocation","v":1}`
	close1 := `{"type":"day_close","date":"2026-02-10","first":0,"count":4,"totals":{"allocation":{"count":1,"amount":0},"donation":{"count":2,"amount":300},"goods":{"count":1,"amount":900}},"v":1}`
	empty := `{"type":"day_close","date":"2026-02-11","first":5,"count":0,"totals":{},"v":1}`
	for _, tt := range []struct {
		name    string
		entries []string
		err     string // "" for none
	}{
		{"two days", []string{don, rev, goods, alloc, close1, empty}, ""},
		{"a close missing an entry", []string{don, goods, alloc, close1}, "counts 4 entries from 0; the log has 3"},
		{"wrong totals", []string{don, don, goods, alloc, close1}, `says donation {Count:2 Amount:300}; the day's entries make {Count:2 Amount:1000}`},
		{"days out of order", []string{don, rev, goods, alloc, close1, strings.Replace(empty, "02-11", "02-09", 1)}, "follows the close of 2026-02-10"},
		{"an entry without a type", []string{`{"v":1}`}, "no type"},
		{"a type the close leaves out", []string{don, rev, goods, alloc, `{"type":"receipt","amount":1}`, strings.Replace(close1, `"count":4`, `"count":5`, 1)}, "totals 3 types; the day has 4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewDayChecker()
			var err error
			for i, e := range tt.entries {
				if err = c.Add(uint64(i), []byte(e)); err != nil {
					break
				}
			}
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("got %v, want %q", err, tt.err)
			}
		})
	}
}
