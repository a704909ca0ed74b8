package stock

import (
	"reflect"
	"testing"
	"time"
)

func TestSuggestPick(t *testing.T) {
	lots := []Lot{
		{ID: 1, Quantity: 100, Expiry: ""},
		{ID: 2, Quantity: 50, Expiry: "2027-06-30"},
		{ID: 3, Quantity: 30, Expiry: "2027-01-31"},
		{ID: 4, Quantity: 500, Expiry: "2026-12-31", DesignationKind: "institution", DesignationTarget: "浙大一院"},
		{ID: 5, Quantity: 0, Expiry: "2026-01-01"},
	}
	for _, tt := range []struct {
		name      string
		qty       int64
		recipient string
		want      []Pick
	}{
		{"expiry first, designated kept apart", 60, "杭州市西溪医院",
			[]Pick{{3, 30, "2027-01-31"}, {2, 30, "2027-06-30"}}},
		{"designated goods go to their recipient", 520, "浙大一院",
			[]Pick{{4, 500, "2026-12-31"}, {3, 20, "2027-01-31"}}},
		{"not enough: all there is", 1000, "某社区",
			[]Pick{{3, 30, "2027-01-31"}, {2, 50, "2027-06-30"}, {1, 100, ""}}},
	} {
		if got := SuggestPick(lots, tt.qty, tt.recipient); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDocValidate(t *testing.T) {
	line := []Line{{LotID: 1, Quantity: 5}}
	for _, tt := range []struct {
		name string
		d    Doc
		ok   bool
	}{
		{"dispatch", Doc{Kind: Dispatch, WarehouseID: 1, Recipient: "浙大一院", Lines: line}, true},
		{"dispatch without recipient", Doc{Kind: Dispatch, WarehouseID: 1, Lines: line}, false},
		{"transfer to itself", Doc{Kind: Transfer, WarehouseID: 1, ToWarehouse: 1, Lines: line}, false},
		{"adjustment without reason", Doc{Kind: Adjustment, WarehouseID: 1, Lines: []Line{{LotID: 1, Delta: -2}}}, false},
		{"adjustment", Doc{Kind: Adjustment, WarehouseID: 1, Reason: "damaged", Lines: []Line{{LotID: 1, Delta: -2}}}, true},
		{"zero quantity", Doc{Kind: Dispatch, WarehouseID: 1, Recipient: "x", Lines: []Line{{LotID: 1}}}, false},
		{"receipt bad expiry", Doc{Kind: Receipt, WarehouseID: 1, Lines: []Line{{Quantity: 1, Lot: Lot{ItemID: 1, Expiry: "2027-02-30"}}}}, false},
		{"no lines", Doc{Kind: Receipt, WarehouseID: 1}, false},
	} {
		if err := tt.d.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestCutoffDay(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	for _, tt := range []struct {
		at   string
		want string
	}{
		{"2026-11-30T15:59:00+08:00", "2026-11-30"},
		{"2026-11-30T16:00:00+08:00", "2026-12-01"},
		{"2026-12-31T23:00:00+08:00", "2027-01-01"},
	} {
		at, _ := time.Parse(time.RFC3339, tt.at)
		if got := CutoffDay(at, 16*time.Hour, loc); got != tt.want {
			t.Errorf("CutoffDay(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestSortList(t *testing.T) {
	l := []ListLine{
		{Item: "N95", DesignationKind: "undesignated", Warehouse: "B"},
		{Item: "KN95", DesignationKind: "undesignated", Warehouse: "A"},
		{Item: "N95", DesignationKind: "institution", DesignationTarget: "浙大一院", Warehouse: "B"},
		{Item: "N95", DesignationKind: "undesignated", Warehouse: "A"},
	}
	SortList(l)
	got := []string{}
	for _, x := range l {
		got = append(got, x.Item+"/"+x.DesignationKind+"/"+x.Warehouse)
	}
	want := []string{"KN95/undesignated/A", "N95/institution/B", "N95/undesignated/A", "N95/undesignated/B"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
}

func TestSameDayFlows(t *testing.T) {
	moves := []Move{
		{LotID: 1, Day: "2026-02-01", Kind: Receipt, Quantity: 1000},
		{LotID: 1, Day: "2026-02-01", Kind: Dispatch, Quantity: 950},
		{LotID: 2, Day: "2026-02-01", Kind: Receipt, Quantity: 100},
		{LotID: 2, Day: "2026-02-02", Kind: Dispatch, Quantity: 100}, // next day: not 日进日清
		{LotID: 3, Day: "2026-02-02", Kind: Receipt, Quantity: 50},
		{LotID: 3, Day: "2026-02-02", Kind: Dispatch, Quantity: 80}, // more out than in: counts what came in
		{LotID: 1, Day: "2026-02-02", Kind: Transfer, Quantity: 10},
	}
	got := SameDayFlows(moves)
	want := []DayFlow{{Day: "2026-02-01", Received: 1100, SameDay: 950}, {Day: "2026-02-02", Received: 50, SameDay: 50}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got[0].Share() != 863 || got[1].Share() != 1000 {
		t.Errorf("shares %d and %d", got[0].Share(), got[1].Share())
	}
}

// By value, a few costly goods can weigh more than many cheap ones: 100
// protective suits at ¥150 left the same day, 1,000 masks at ¥1 did not.
func TestSameDayFlowsByValue(t *testing.T) {
	moves := []Move{
		{LotID: 1, Day: "2026-02-01", Kind: Receipt, Quantity: 1000, LineFen: 100000, LineUnits: 1000},
		{LotID: 2, Day: "2026-02-01", Kind: Receipt, Quantity: 100, LineFen: 1500000, LineUnits: 100},
		{LotID: 2, Day: "2026-02-01", Kind: Dispatch, Quantity: 100},
		{LotID: 3, Day: "2026-02-01", Kind: Receipt, Quantity: 10}, // registered only: no value
		{LotID: 3, Day: "2026-02-01", Kind: Dispatch, Quantity: 10},
	}
	f := SameDayFlows(moves)[0]
	if f.Received != 1110 || f.SameDay != 110 || f.ReceivedFen != 1600000 || f.SameDayFen != 1500000 {
		t.Fatalf("%+v", f)
	}
	if f.Share() != 99 || f.ShareValue() != 937 {
		t.Errorf("share %d‰ by quantity, %d‰ by value", f.Share(), f.ShareValue())
	}
}

func TestLotServes(t *testing.T) {
	for _, c := range []struct {
		kind, target, recipient string
		want                    bool
	}{
		{"undesignated", "", "杭州市西溪医院", true},
		{"institution", "杭州市西溪医院", "杭州市西溪医院", true},
		{"institution", "杭州市西溪医院", "杭州市西溪医院分院", false},
		{"region", "淳安县", "淳安县疫情防控指挥部", true},
		{"region", "淳安县", "建德市疫情防控指挥部", false},
		{"region", "", "淳安县疫情防控指挥部", false},
		{"purpose", "新冠肺炎疫情防控", "杭州市西溪医院", false},
	} {
		l := Lot{DesignationKind: c.kind, DesignationTarget: c.target}
		if got := l.Serves(c.recipient); got != c.want {
			t.Errorf("%s:%s → %s = %v, want %v", c.kind, c.target, c.recipient, got, c.want)
		}
	}
}
