package allocation

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"boai"
)

const (
	n95  = 1 // item ids
	kn95 = 2

	hospital = 10 // recipient ids
	clinic   = 11
	post     = 12
	other    = 99
)

var t0 = time.Date(2020, 2, 1, 8, 0, 0, 0, time.UTC)

// stock is a general lot in hand.
func stock(id, item, qty int64) Supply { return Supply{LotID: id, ItemID: item, Quantity: qty} }

func expected(id, item, qty int64) Supply {
	return Supply{LotID: id, ItemID: item, Quantity: qty, Expected: true}
}

func designated(s Supply, to int64) Supply { s.DesignatedTo = to; return s }

func expiring(s Supply, date string) Supply { s.Expiry = date; return s }

// req is an open line submitted minutes after t0.
func req(lineID, recipient int64, class int, item, qty int64, minutes int) Request {
	return Request{LineID: lineID, RequestID: lineID, RecipientID: recipient, Class: class, ItemID: item,
		Quantity: qty, SubmittedAt: t0.Add(time.Duration(minutes) * time.Minute)}
}

// allocs renders allocations as "line<-lot:qty" with D for designated and E
// for expected, for readable comparison.
func allocs(as []Allocation) []string {
	out := []string{}
	for _, a := range as {
		s := fmt.Sprintf("%d<-%d:%d", a.LineID, a.LotID, a.Quantity)
		if a.Designated {
			s += "D"
		}
		if a.FromExpected {
			s += "E"
		}
		out = append(out, s)
	}
	return out
}

func unmet(us []Unmet) map[int64]int64 {
	out := map[int64]int64{}
	for _, u := range us {
		out[u.LineID] = u.Remaining
	}
	return out
}

func leftover(ls []Leftover) map[int64]int64 {
	out := map[int64]int64{}
	for _, l := range ls {
		out[l.LotID] = l.Quantity
	}
	return out
}

func TestPropose(t *testing.T) {
	tests := []struct {
		name     string
		supply   []Supply
		requests []Request
		want     []string         // allocations, see allocs
		unmet    map[int64]int64  // line → remaining
		left     map[int64]int64  // lot → units left
		reasons  map[int64]string // line → substring of its unmet reason
	}{
		{
			name:     "designated goods go to their recipient first, then general goods pro rata on what is still open",
			supply:   []Supply{stock(1, n95, 10), designated(stock(2, n95, 5), clinic)},
			requests: []Request{req(1, hospital, 1, n95, 10, 0), req(2, clinic, 1, n95, 10, 1)},
			// clinic gets its 5 designated; the 10 general go 10:5 → 6.67/3.33 → 7/3
			want:  []string{"1<-1:7", "2<-2:5D", "2<-1:3"},
			unmet: map[int64]int64{1: 3, 2: 2},
			left:  map[int64]int64{},
		},
		{
			name:     "designated goods never go elsewhere, even when no one else gets anything",
			supply:   []Supply{designated(stock(1, n95, 100), other)},
			requests: []Request{req(1, hospital, 1, n95, 10, 0)},
			want:     []string{},
			unmet:    map[int64]int64{1: 10},
			left:     map[int64]int64{1: 100},
			reasons:  map[int64]string{1: "仅有定向给其他单位的物资"},
		},
		{
			name:     "designated goods beyond what the recipient asked stay unallocated",
			supply:   []Supply{designated(stock(1, n95, 100), hospital)},
			requests: []Request{req(1, hospital, 2, n95, 30, 5), req(2, clinic, 1, n95, 50, 0)},
			want:     []string{"1<-1:30D"},
			unmet:    map[int64]int64{2: 50},
			left:     map[int64]int64{1: 70},
		},
		{
			name:     "a recipient's designated goods, even expected, come before general stock",
			supply:   []Supply{stock(1, n95, 10), designated(expected(2, n95, 10), hospital)},
			requests: []Request{req(1, hospital, 1, n95, 10, 0), req(2, clinic, 1, n95, 10, 1)},
			want:     []string{"1<-2:10DE", "2<-1:10"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{},
		},
		{
			name:   "a recipient's several lines share its designated goods by class, then pro rata",
			supply: []Supply{designated(stock(1, n95, 10), hospital)},
			requests: []Request{req(1, hospital, 2, n95, 5, 0), req(2, hospital, 1, n95, 6, 1),
				req(3, hospital, 1, n95, 2, 2)},
			want:  []string{"1<-1:2D", "2<-1:6D", "3<-1:2D"},
			unmet: map[int64]int64{1: 3},
			left:  map[int64]int64{},
		},
		{
			name:     "higher priority class first",
			supply:   []Supply{stock(1, n95, 100)},
			requests: []Request{req(1, post, 3, n95, 50, 0), req(2, clinic, 2, n95, 80, 1), req(3, hospital, 1, n95, 60, 2)},
			want:     []string{"2<-1:40", "3<-1:60"},
			unmet:    map[int64]int64{1: 50, 2: 40},
			left:     map[int64]int64{},
			reasons:  map[int64]string{1: "库存已分配给更高优先级", 2: "部分满足"},
		},
		{
			name:     "pro rata with exact totals: 70 over 50/30/20",
			supply:   []Supply{stock(1, n95, 70)},
			requests: []Request{req(1, hospital, 1, n95, 50, 0), req(2, clinic, 1, n95, 30, 0), req(3, post, 1, n95, 20, 0)},
			want:     []string{"1<-1:35", "2<-1:21", "3<-1:14"},
			unmet:    map[int64]int64{1: 15, 2: 9, 3: 6},
			left:     map[int64]int64{},
		},
		{
			name:     "equal remainders: the earlier request gets the extra unit (4/3/3)",
			supply:   []Supply{stock(1, n95, 10)},
			requests: []Request{req(1, hospital, 1, n95, 10, 5), req(2, clinic, 1, n95, 10, 5), req(3, post, 1, n95, 10, 0)},
			want:     []string{"1<-1:3", "2<-1:3", "3<-1:4"},
			unmet:    map[int64]int64{1: 7, 2: 7, 3: 6},
			left:     map[int64]int64{},
		},
		{
			name:     "equal remainders and equal times: the lower line id gets the extra unit",
			supply:   []Supply{stock(1, n95, 10)},
			requests: []Request{req(3, hospital, 1, n95, 10, 0), req(1, clinic, 1, n95, 10, 0), req(2, post, 1, n95, 10, 0)},
			want:     []string{"1<-1:4", "2<-1:3", "3<-1:3"},
			unmet:    map[int64]int64{1: 6, 2: 7, 3: 7},
			left:     map[int64]int64{},
		},
		{
			name:   "the largest remainder wins over the earlier request: 7 over 1/5/4",
			supply: []Supply{stock(1, n95, 7)},
			// quotas 0.7, 3.5, 2.8 → floors 0/3/2, the two spare units to .8 then .7
			requests: []Request{req(1, hospital, 1, n95, 1, 0), req(2, clinic, 1, n95, 5, 1), req(3, post, 1, n95, 4, 2)},
			want:     []string{"1<-1:1", "2<-1:3", "3<-1:3"},
			unmet:    map[int64]int64{2: 2, 3: 1},
			left:     map[int64]int64{},
		},
		{
			name:     "never more than asked",
			supply:   []Supply{stock(1, n95, 1000)},
			requests: []Request{req(1, hospital, 1, n95, 5, 0), req(2, clinic, 2, n95, 7, 0)},
			want:     []string{"1<-1:5", "2<-1:7"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{1: 988},
		},
		{
			name:     "partial fulfilment keeps the remainder open",
			supply:   []Supply{stock(1, n95, 4)},
			requests: []Request{req(1, hospital, 1, n95, 10, 0)},
			want:     []string{"1<-1:4"},
			unmet:    map[int64]int64{1: 6},
			left:     map[int64]int64{},
			reasons:  map[int64]string{1: "部分满足"},
		},
		{
			name:     "N95 and KN95 are never substituted",
			supply:   []Supply{stock(1, n95, 16000)},
			requests: []Request{req(1, hospital, 1, kn95, 18000, 0)},
			want:     []string{},
			unmet:    map[int64]int64{1: 18000},
			left:     map[int64]int64{1: 16000},
			reasons:  map[int64]string{1: "无此物资的库存或预到"},
		},
		{
			name:     "expected goods only after stock in hand is gone, and flagged",
			supply:   []Supply{expected(1, n95, 50), stock(2, n95, 30)},
			requests: []Request{req(1, hospital, 1, n95, 40, 0), req(2, clinic, 2, n95, 30, 0)},
			want:     []string{"1<-2:30", "1<-1:10E", "2<-1:30E"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{1: 10},
		},
		{
			name:     "expected goods untouched while stock suffices",
			supply:   []Supply{expected(1, n95, 50), stock(2, n95, 100)},
			requests: []Request{req(1, hospital, 1, n95, 60, 0)},
			want:     []string{"1<-2:60"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{1: 50, 2: 40},
		},
		{
			name:     "stock and expected goods each shared pro rata within a class",
			supply:   []Supply{stock(1, n95, 10), expected(2, n95, 10)},
			requests: []Request{req(1, hospital, 1, n95, 10, 0), req(2, clinic, 1, n95, 10, 1)},
			want:     []string{"1<-1:5", "1<-2:5E", "2<-1:5", "2<-2:5E"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{},
		},
		{
			name: "expiry first, goods without expiry last",
			supply: []Supply{expiring(stock(1, n95, 5), "2026-09-01"), expiring(stock(2, n95, 5), "2026-03-01"),
				stock(3, n95, 5)},
			requests: []Request{req(1, hospital, 1, n95, 7, 0), req(2, clinic, 2, n95, 4, 0)},
			want:     []string{"1<-2:5", "1<-1:2", "2<-1:3", "2<-3:1"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{3: 4},
		},
		{
			name: "the recipient's designated goods before general goods that expire sooner",
			supply: []Supply{expiring(stock(1, n95, 5), "2026-01-01"),
				designated(expiring(stock(2, n95, 5), "2027-01-01"), hospital)},
			requests: []Request{req(1, hospital, 1, n95, 5, 0)},
			want:     []string{"1<-2:5D"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{1: 5},
		},
		{
			name:     "lines and lots of quantity 0 take no part",
			supply:   []Supply{stock(1, n95, 0), stock(2, n95, 3)},
			requests: []Request{req(1, hospital, 1, n95, 0, 0), req(2, clinic, 1, n95, 3, 0)},
			want:     []string{"2<-2:3"},
			unmet:    map[int64]int64{},
			left:     map[int64]int64{},
		},
		{
			name:  "nothing in, nothing out",
			want:  []string{},
			unmet: map[int64]int64{},
			left:  map[int64]int64{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Propose(tt.supply, tt.requests)
			if err != nil {
				t.Fatalf("Propose: %v", err)
			}
			if got := allocs(p.Allocations); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("allocations = %v, want %v", got, tt.want)
			}
			if got := unmet(p.Unmet); !reflect.DeepEqual(got, tt.unmet) {
				t.Errorf("unmet = %v, want %v", got, tt.unmet)
			}
			if got := leftover(p.Leftover); !reflect.DeepEqual(got, tt.left) {
				t.Errorf("leftover = %v, want %v", got, tt.left)
			}
			for _, u := range p.Unmet {
				if want, ok := tt.reasons[u.LineID]; ok && !strings.Contains(u.Reason, want) {
					t.Errorf("line %d: reason %q, want it to contain %q", u.LineID, u.Reason, want)
				}
			}
			checkReasons(t, p)
			checkInvariants(t, tt.supply, tt.requests, p)
		})
	}
}

func TestReasons(t *testing.T) {
	supply := []Supply{stock(1, n95, 10), expected(2, n95, 10), designated(stock(3, n95, 4), clinic),
		stock(4, kn95, 100), designated(stock(5, kn95, 9), other)}
	requests := []Request{req(1, hospital, 1, n95, 10, 0), req(2, clinic, 2, n95, 30, 0),
		req(3, post, 1, kn95, 5, 0)}
	p, err := Propose(supply, requests)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range p.Allocations {
		got[fmt.Sprintf("%d<-%d", a.LineID, a.LotID)] = a.Reason
	}
	for _, u := range p.Unmet {
		got[fmt.Sprintf("unmet %d", u.LineID)] = u.Reason
	}
	for _, l := range p.Leftover {
		got[fmt.Sprintf("left %d", l.LotID)] = l.Reason
	}
	want := map[string]string{
		"1<-1":    "第1优先级，申请已满足 / class 1, fully met",
		"2<-3":    "定向给本单位的捐赠，数量不足，按申请量比例分配（满足 13%） / designated to this recipient, not enough, pro rata (13% met)",
		"2<-2":    "第2优先级，数量不足，按申请量比例分配（本级满足 38%），预到物资 / class 2, not enough, pro rata (38% of the class met), from expected supply",
		"3<-4":    "第1优先级，申请已满足 / class 1, fully met",
		"unmet 2": "部分满足，剩余待后续调拨：库存不足，按比例分配后仍缺 / partly met, the rest stays open: not enough stock, still short after the pro-rata share",
		"left 4":  "此物资的申请均已满足 / every request for this item is met",
		"left 5":  "定向给单位 99 的捐赠，该单位未申请此物资，留待定向使用 / designated to recipient 99, which has no open request for this item; kept for it",
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s: reason %q, want %q", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected %s: %q", k, got[k])
			}
		}
	}
}

func TestProposeInvalid(t *testing.T) {
	ok := []Request{req(1, hospital, 1, n95, 5, 0)}
	tests := []struct {
		name     string
		supply   []Supply
		requests []Request
	}{
		{"negative lot quantity", []Supply{stock(1, n95, -1)}, ok},
		{"negative line quantity", nil, []Request{req(1, hospital, 1, n95, -5, 0)}},
		{"lot without id", []Supply{stock(0, n95, 1)}, ok},
		{"lot without item", []Supply{stock(1, 0, 1)}, ok},
		{"repeated lot", []Supply{stock(1, n95, 1), stock(1, kn95, 1)}, ok},
		{"negative designation", []Supply{designated(stock(1, n95, 1), -3)}, ok},
		{"bad expiry", []Supply{expiring(stock(1, n95, 1), "2026/01/01")}, ok},
		{"line without id", nil, []Request{req(0, hospital, 1, n95, 5, 0)}},
		{"repeated line", nil, []Request{req(1, hospital, 1, n95, 5, 0), req(1, clinic, 1, n95, 5, 0)}},
		{"line without recipient", nil, []Request{req(1, 0, 1, n95, 5, 0)}},
		{"line without item", nil, []Request{req(1, hospital, 1, 0, 5, 0)}},
		{"class 0", nil, []Request{req(1, hospital, 0, n95, 5, 0)}},
		{"supply overflows", []Supply{stock(1, n95, maxInt64), stock(2, n95, 1)}, ok},
		{"requests overflow", nil, []Request{req(1, hospital, 1, n95, maxInt64, 0), req(2, clinic, 1, n95, 1, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Propose(tt.supply, tt.requests)
			if boai.ErrorCode(err) != boai.EINVALID {
				t.Fatalf("err = %v, want an %s error", err, boai.EINVALID)
			}
			if !reflect.DeepEqual(p, Proposal{}) {
				t.Errorf("proposal = %+v, want none", p)
			}
		})
	}
}

func TestHugeQuantities(t *testing.T) {
	// Products of quantities pass int64; the shares must still be exact.
	const big = 1 << 61
	p, err := Propose([]Supply{stock(1, n95, big)},
		[]Request{req(1, hospital, 1, n95, big, 0), req(2, clinic, 1, n95, big, 1), req(3, post, 1, n95, big, 2)})
	if err != nil {
		t.Fatal(err)
	}
	// 2^61 = 3·q + 2: the two spare units go to the two earlier requests.
	want := []string{fmt.Sprintf("1<-1:%d", big/3+1), fmt.Sprintf("2<-1:%d", big/3+1), fmt.Sprintf("3<-1:%d", big/3)}
	if got := allocs(p.Allocations); !reflect.DeepEqual(got, want) {
		t.Errorf("allocations = %v, want %v", got, want)
	}
}

func TestRank(t *testing.T) {
	order := []string{"定点救治医院", "其他医院", "社区卡口"}
	for _, tt := range []struct {
		category string
		want     int
	}{{"定点救治医院", 1}, {"其他医院", 2}, {"社区卡口", 3}, {"养老院", 4}, {"", 4}} {
		if got := Rank(order, tt.category); got != tt.want {
			t.Errorf("Rank(%q) = %d, want %d", tt.category, got, tt.want)
		}
	}
}

func TestOrderIndependence(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		supply, requests := randomInput(r, 40, 60, 4)
		want, err := Propose(supply, requests)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			s, q := slices.Clone(supply), slices.Clone(requests)
			r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
			r.Shuffle(len(q), func(i, j int) { q[i], q[j] = q[j], q[i] })
			got, err := Propose(s, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("shuffled input gave another proposal:\n got %+v\nwant %+v", got, want)
			}
		}
	}
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		supply, requests := randomInput(r, 1+r.IntN(30), 1+r.IntN(50), 1+r.IntN(5))
		p, err := Propose(supply, requests)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkReasons(t, p)
			checkInvariants(t, supply, requests, p)
		})
		if t.Failed() {
			t.Logf("supply %+v\nrequests %+v", supply, requests)
			return
		}
	}
}

// randomInput makes lots and lines over a few items and recipients, with
// designated, expected, expiring and zero-quantity entries.
func randomInput(r *rand.Rand, nLots, nLines, nItems int) ([]Supply, []Request) {
	dates := []string{"", "2026-03-01", "2026-06-01", "2026-09-01"}
	supply := make([]Supply, nLots)
	for i := range supply {
		s := Supply{LotID: int64(1000 + i*7), ItemID: 1 + r.Int64N(int64(nItems)), Quantity: r.Int64N(60),
			Expected: r.IntN(3) == 0, Expiry: dates[r.IntN(len(dates))], WarehouseID: 1}
		if r.IntN(4) == 0 {
			s.DesignatedTo = 1 + r.Int64N(8)
		}
		supply[i] = s
	}
	requests := make([]Request, nLines)
	for i := range requests {
		requests[i] = Request{LineID: int64(1 + i*3), RequestID: 1 + r.Int64N(20), RecipientID: 1 + r.Int64N(8),
			Class: 1 + r.IntN(3), ItemID: 1 + r.Int64N(int64(nItems)), Quantity: r.Int64N(40),
			SubmittedAt: t0.Add(time.Duration(r.IntN(5)) * time.Hour)}
	}
	return supply, requests
}

func checkReasons(t *testing.T, p Proposal) {
	t.Helper()
	for _, a := range p.Allocations {
		if !strings.Contains(a.Reason, " / ") {
			t.Errorf("allocation %+v: reason %q is not a Chinese reason with its English gloss", a, a.Reason)
		}
		if a.FromExpected != strings.Contains(a.Reason, "预到物资") {
			t.Errorf("allocation %+v: reason %q does not say whether the goods are expected", a, a.Reason)
		}
	}
	for _, u := range p.Unmet {
		if !strings.Contains(u.Reason, " / ") {
			t.Errorf("unmet %+v: reason %q", u, u.Reason)
		}
	}
	for _, l := range p.Leftover {
		if !strings.Contains(l.Reason, " / ") {
			t.Errorf("leftover %+v: reason %q", l, l.Reason)
		}
	}
}

// checkInvariants checks what must hold for any input.
func checkInvariants(t *testing.T, supply []Supply, requests []Request, p Proposal) {
	t.Helper()
	lots := map[int64]Supply{}
	for _, s := range supply {
		lots[s.LotID] = s
	}
	lines := map[int64]Request{}
	for _, r := range requests {
		lines[r.LineID] = r
	}
	fromLot := map[int64]int64{}
	toLine := map[int64]int64{}
	for _, a := range p.Allocations {
		s, r := lots[a.LotID], lines[a.LineID]
		switch {
		case a.Quantity <= 0:
			t.Errorf("allocation %+v: quantity not positive", a)
		case s.ItemID != r.ItemID:
			t.Errorf("allocation %+v: lot of item %d for a line of item %d", a, s.ItemID, r.ItemID)
		case s.DesignatedTo != 0 && s.DesignatedTo != r.RecipientID:
			t.Errorf("allocation %+v: lot designated to %d went to %d", a, s.DesignatedTo, r.RecipientID)
		case a.Designated != (s.DesignatedTo != 0) || a.FromExpected != s.Expected:
			t.Errorf("allocation %+v: flags do not match lot %+v", a, s)
		}
		fromLot[a.LotID] += a.Quantity
		toLine[a.LineID] += a.Quantity
	}
	for id, n := range fromLot {
		if n > lots[id].Quantity {
			t.Errorf("lot %d: %d allocated of %d", id, n, lots[id].Quantity)
		}
	}
	remaining := map[int64]int64{}
	for _, u := range p.Unmet {
		if u.Remaining <= 0 {
			t.Errorf("unmet %+v: nothing remaining", u)
		}
		remaining[u.LineID] = u.Remaining
	}
	for id, r := range lines {
		if toLine[id]+remaining[id] != r.Quantity {
			t.Errorf("line %d: %d allocated + %d remaining != %d requested", id, toLine[id], remaining[id], r.Quantity)
		}
	}
	left := map[int64]int64{}
	for _, l := range p.Leftover {
		left[l.LotID] = l.Quantity
	}
	for id, s := range lots {
		if fromLot[id]+left[id] != s.Quantity {
			t.Errorf("lot %d: %d allocated + %d left != %d", id, fromLot[id], left[id], s.Quantity)
		}
	}

	// Rule order, per item. A general unit in stock left over means no
	// general expected unit was used; a general unit left means every line
	// of the item is met; a designated unit left means its recipient's
	// lines of the item are met; a class that got general goods leaves no
	// higher class short; a line given general goods first used up its
	// recipient's designated goods.
	type key struct{ item, recipient int64 }
	generalStockLeft := map[int64]bool{}
	generalLeft := map[int64]bool{}
	designatedLeft := map[key]bool{}
	for id, n := range left {
		s := lots[id]
		switch {
		case n == 0:
		case s.DesignatedTo != 0:
			designatedLeft[key{s.ItemID, s.DesignatedTo}] = true
		case !s.Expected:
			generalStockLeft[s.ItemID], generalLeft[s.ItemID] = true, true
		default:
			generalLeft[s.ItemID] = true
		}
	}
	shortClass := map[int64]int{} // item → highest priority class left short
	for id, n := range remaining {
		r := lines[id]
		if generalLeft[r.ItemID] {
			t.Errorf("line %d short by %d while general goods of item %d are left", id, n, r.ItemID)
		}
		if designatedLeft[key{r.ItemID, r.RecipientID}] {
			t.Errorf("line %d short by %d while goods designated to it are left", id, n)
		}
		if c, ok := shortClass[r.ItemID]; !ok || r.Class < c {
			shortClass[r.ItemID] = r.Class
		}
	}
	for _, a := range p.Allocations {
		s, r := lots[a.LotID], lines[a.LineID]
		if s.DesignatedTo != 0 {
			continue
		}
		if s.Expected && generalStockLeft[s.ItemID] {
			t.Errorf("allocation %+v from expected goods while stock of item %d is left", a, s.ItemID)
		}
		if c, ok := shortClass[r.ItemID]; ok && c < r.Class {
			t.Errorf("allocation %+v to class %d while class %d is short", a, r.Class, c)
		}
		if designatedLeft[key{r.ItemID, r.RecipientID}] {
			t.Errorf("allocation %+v of general goods while goods designated to the line are left", a)
		}
	}
}

func BenchmarkPropose(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	const items, recipients = 1000, 500
	supply := make([]Supply, 5000)
	for i := range supply {
		s := Supply{LotID: int64(i + 1), ItemID: 1 + r.Int64N(items), Quantity: 1 + r.Int64N(5000),
			Expected: r.IntN(4) == 0, WarehouseID: 1 + r.Int64N(5)}
		if r.IntN(3) > 0 {
			s.Expiry = fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
		}
		if r.IntN(5) == 0 {
			s.DesignatedTo = 1 + r.Int64N(recipients)
		}
		supply[i] = s
	}
	requests := make([]Request, 10000)
	for i := range requests {
		requests[i] = Request{LineID: int64(i + 1), RequestID: int64(i/5 + 1), RecipientID: 1 + r.Int64N(recipients),
			Class: 1 + r.IntN(3), ItemID: 1 + r.Int64N(items), Quantity: 1 + r.Int64N(3000),
			SubmittedAt: t0.Add(time.Duration(r.IntN(10000)) * time.Second)}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Propose(supply, requests); err != nil {
			b.Fatal(err)
		}
	}
}
