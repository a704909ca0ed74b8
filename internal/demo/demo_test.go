package demo_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"boai/internal/allocation"
	"boai/internal/demo"
	"boai/internal/inkind"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/supervision"
)

// The demo's epidemic week, as the goods pages and the dashboard show it:
// hundreds of intake lines valued every way, dozens of requests, approval
// within minutes but not always, goods leaving the same day by all three
// modes, and stock that never went below zero.
func TestSeedGoodsWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		start := time.Now()
		if _, err := demo.Seed(ctx, db, now, 1); err != nil {
			t.Fatalf("seed: %v", err)
		}
		t.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))
		if d := time.Since(db.Now()); d < -time.Second || d > time.Second {
			t.Errorf("db.Now was not restored: it says %v", db.Now())
		}
		w := readWeek(t, db, now)
		t.Logf("intakes %d (lines %d, awaiting sign-off %d), valuations %v, verdicts %v", w.intakes, w.lines, w.awaiting, w.valuations, w.verdicts)
		t.Logf("requests %d, allocations %v, dispatches %v (unsigned %d, short %d), paperwork owed %d, pre-arrivals still expected %d",
			w.requests, w.allocations, w.modes, w.unsigned, w.short, w.owed, w.expected)
		t.Logf("approval %+v, late now %d; 日进日清 %v", w.timing, w.late, w.shares)

		if w.lines < 300 || w.intakes < 60 || w.intakes > 110 {
			t.Errorf("%d intakes with %d lines, want 60 to 110 intakes and at least 300 lines", w.intakes, w.lines)
		}
		if w.awaiting == 0 {
			t.Error("no intake is still awaiting sign-off")
		}
		for _, v := range []inkind.Valuation{inkind.Evidence, inkind.Appraisal, inkind.Unappraisable, inkind.Pending} {
			if w.valuations[v] == 0 {
				t.Errorf("no line valued %q: %v", v, w.valuations)
			}
		}
		for _, v := range []string{inkind.Quarantined, inkind.Rejected} {
			if w.verdicts[v] == 0 {
				t.Errorf("no line %s: %v", v, w.verdicts)
			}
		}
		if w.requests < 30 {
			t.Errorf("%d requests, want at least 30", w.requests)
		}
		for _, s := range []string{allocation.Dispatched, allocation.Pending, allocation.Returned, allocation.Rejected} {
			if w.allocations[s] == 0 {
				t.Errorf("no allocation %s: %v", s, w.allocations)
			}
		}
		for _, m := range []string{stock.PointToPoint, stock.Relay, stock.Storage} {
			if w.modes[m] == 0 {
				t.Errorf("no dispatch by %s: %v", m, w.modes)
			}
		}
		if w.unsigned == 0 || w.short == 0 || w.owed == 0 {
			t.Errorf("want some dispatches unsigned (%d), some signed short (%d), some paperwork owed (%d)", w.unsigned, w.short, w.owed)
		}
		if w.expected == 0 {
			t.Error("no pre-arrival is still expected")
		}
		if w.timing.Median >= allocation.TargetApproval || w.timing.OverGoal == 0 || w.late == 0 {
			t.Errorf("approval: median %v, %d approved late, %d waiting late; want a median under 10 minutes and some late", w.timing.Median, w.timing.OverGoal, w.late)
		}
		good := 0
		for _, s := range w.shares {
			if s >= 900 {
				good++
			}
		}
		if good < 4 || good == len(w.shares) {
			t.Errorf("日进日清 per day %v: want most days at 90%% or more, and a couple below", w.shares)
		}
		checkStockCards(t, db)
	})
}

// At whatever hour the demo starts, the week ends in the present: intakes
// awaiting sign-off, one allocation waiting for the leadership past ten
// minutes, and the scarcest goods never left on the shelf (the list
// offers only today's latest arrivals of N95: 2,000 general and 1,000
// designated).
func TestSeedGoodsWeekAnyHour(t *testing.T) {
	for _, hm := range []string{"03:10", "10:20", "14:45", "21:30"} {
		t.Run(hm, func(t *testing.T) {
			t.Parallel()
			db := storetest.OpenSQLite(t)
			ctx := context.Background()
			today := time.Now().In(store.CertLocation).Format("2006-01-02")
			now, err := time.ParseInLocation("2006-01-02 15:04", today+" "+hm, store.CertLocation)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Seed(ctx, db, now, 1); err != nil {
				t.Fatalf("seed: %v", err)
			}
			w := readWeek(t, db, now)
			if w.lines < 300 || w.awaiting == 0 || w.late == 0 || w.allocations[allocation.Pending] < 2 {
				t.Errorf("%d lines, %d awaiting sign-off, %d late, allocations %v", w.lines, w.awaiting, w.late, w.allocations)
			}
			list, err := db.CompileList(ctx, now.In(store.CertLocation).AddDate(0, 0, 1).Format("2006-01-02"))
			if err != nil {
				t.Fatal(err)
			}
			var n95 []string
			for _, l := range list.Lines {
				if l.ItemCode == "MASK-N95" && l.Available > 0 {
					n95 = append(n95, fmt.Sprintf("%s %d", l.DesignationTarget, l.Available))
				}
			}
			if want := []string{"浙江大学医学院附属第一医院 1000", " 2000"}; !slices.Equal(n95, want) {
				t.Errorf("N95 on offer %q, want only today's arrivals %q", n95, want)
			}
		})
	}
}

// With no history asked for, the society is as it stands today: today's
// goods, no week behind them.
func TestSeedWithoutHistory(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, db, time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	ik, err := db.ListInKind(ctx, "", 10)
	if err != nil || len(ik) != 0 {
		t.Errorf("intakes without history: %d %v", len(ik), err)
	}
	ds, err := db.ListDispatches(ctx, 0, 100)
	if err != nil || len(ds) != 5 {
		t.Errorf("today's dispatches: %d %v, want 5", len(ds), err)
	}
}

// The same seed and moment give the same week.
func TestSeedGoodsWeekDeterministic(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 20, 0, 0, store.CertLocation)
	var prints [2]string
	for i := range prints {
		db := storetest.OpenSQLite(t)
		if _, err := demo.Seed(context.Background(), db, now, 1); err != nil {
			t.Fatal(err)
		}
		prints[i] = fingerprint(t, db, now)
	}
	if prints[0] != prints[1] {
		t.Errorf("two seeds differ:\n%s\n---\n%s", prints[0], prints[1])
	}
}

type weekFacts struct {
	intakes, lines, awaiting int
	valuations               map[inkind.Valuation]int
	verdicts                 map[string]int
	requests                 int
	allocations              map[string]int
	modes                    map[string]int
	unsigned, short, owed    int
	expected                 int
	timing                   allocation.Timing
	late                     int
	shares                   []int64 // per mille, by day of the week
}

func readWeek(t *testing.T, db *store.DB, now time.Time) weekFacts {
	t.Helper()
	ctx := context.Background()
	w := weekFacts{valuations: map[inkind.Valuation]int{}, verdicts: map[string]int{}, allocations: map[string]int{}, modes: map[string]int{}}
	ik, err := db.ListInKind(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ik {
		w.intakes++
		w.lines += s.Lines
		if s.Status == inkind.Receiving {
			w.awaiting++
		}
		d, err := db.InKind(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Lines {
			w.valuations[l.Valuation]++
		}
		for _, so := range d.SignOffs {
			if so.Verdict != inkind.Accepted {
				w.verdicts[so.Verdict]++
			}
		}
	}
	rq, err := db.ListRequests(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	w.requests = len(rq)
	al, err := db.ListAllocations(ctx, "", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range al {
		w.allocations[a.Status]++
		w.owed += a.Owed
	}
	ds, err := db.ListDispatches(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		w.modes[d.Mode]++
		if d.AllocationID == 0 {
			continue // today's latest arrivals, sent off by hand
		}
		if d.SignedAt.IsZero() {
			w.unsigned++
			continue
		}
		v, err := db.DispatchDetail(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range v.Lines {
			if l.Received < l.Sent {
				w.short++
			}
		}
	}
	pa, err := db.ListPreArrivals(ctx, true, 100)
	if err != nil {
		t.Fatal(err)
	}
	w.expected = len(pa)
	timing, late, err := db.ApprovalTiming(ctx, now.AddDate(0, 0, -30), now)
	if err != nil {
		t.Fatal(err)
	}
	w.timing, w.late = timing, len(late)
	flows, err := db.DailyFlows(ctx, now.AddDate(0, 0, -9), now.Add(-time.Minute), store.CertLocation)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flows {
		w.shares = append(w.shares, f.Share())
	}
	return w
}

// checkStockCards checks that every balance on every stock card is at
// least zero and that each card ends at what its lots hold.
func checkStockCards(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	whs, err := db.Warehouses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.SearchItems(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		for _, wh := range whs {
			card, err := db.StockCard(ctx, it.ID, wh.ID)
			if err != nil {
				t.Fatal(err)
			}
			var balance int64
			for _, c := range card {
				if c.Balance < 0 || c.Balance != balance+c.Delta {
					t.Fatalf("%s in %s: card line %+v after balance %d", it.Code, wh.Code, c, balance)
				}
				balance = c.Balance
			}
			lots, err := db.Lots(ctx, it.ID, wh.ID)
			if err != nil {
				t.Fatal(err)
			}
			var held int64
			for _, l := range lots {
				held += l.Quantity
			}
			if held != balance {
				t.Errorf("%s in %s: card ends at %d, lots hold %d", it.Code, wh.Code, balance, held)
			}
		}
	}
}

// fingerprint is the week's content without ids, links and certificate
// numbers.
func fingerprint(t *testing.T, db *store.DB, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	var rows []string
	ik, err := db.ListInKind(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ik {
		rows = append(rows, fmt.Sprintf("intake %s %s %s %d %d %d %s", s.ReceivedAt.UTC().Format(time.RFC3339), s.Donor.Name, s.Designation.Target, s.Lines, s.Units, s.Signed, s.Status))
	}
	al, err := db.ListAllocations(ctx, "", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range al {
		rows = append(rows, fmt.Sprintf("allocation %s %s %d %d %s %s %d", a.SubmittedAt.UTC().Format(time.RFC3339), a.Recipient, a.Lines, a.Units, a.Status,
			a.DecidedAt.UTC().Format(time.RFC3339), a.Owed))
	}
	ds, err := db.ListDispatches(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		rows = append(rows, fmt.Sprintf("dispatch %s %s %s %s %d %s", d.CreatedAt.UTC().Format(time.RFC3339), d.Mode, d.Recipient, d.Vehicle, d.Units, d.SignedBy))
	}
	flows, err := db.DailyFlows(ctx, now.AddDate(0, 0, -9), now, store.CertLocation)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flows {
		rows = append(rows, fmt.Sprintf("flow %+v", f))
	}
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}

// The demo shows supervisors a few alerts of every kind its own records
// give rise to, each once: seeding again, or scanning again, adds none.
func TestSeedAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		if _, err := demo.Seed(ctx, db, now, 200); err != nil {
			t.Fatalf("seed: %v", err)
		}
		open, err := db.OpenAlerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("alerts by kind: %v", open)
		for _, k := range []supervision.Kind{supervision.ExpenditureOverThreshold, supervision.RestrictedMisuse, supervision.ApprovalLate,
			supervision.GoodsWaiting, supervision.ReceiptUnanswered} {
			if open[k] == 0 {
				t.Errorf("the demo has no %s alert", k)
			}
		}
		if open[supervision.ReceiptUnanswered] != 3 {
			t.Errorf("%d receipt requests alerted, want the 3 asked over a week ago", open[supervision.ReceiptUnanswered])
		}
		if n, err := db.ScanAlerts(ctx, now, supervision.DefaultRules); err != nil || n != 0 {
			t.Errorf("scanning the demo again raised %d (%v)", n, err)
		}
	})
}
