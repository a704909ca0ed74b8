package store_test

import (
	"context"
	"testing"

	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

func TestCompileList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		f.receive(t, f.n95, 200, stock.Lot{Batch: "A"})
		f.receive(t, f.n95, 100, stock.Lot{Batch: "B"})
		f.receive(t, f.n95, 50, stock.Lot{Batch: "C", DesignationKind: "institution", DesignationTarget: "浙大一院"})
		f.receive(t, f.kn95, 70, stock.Lot{Batch: "A"})
		for _, day := range []string{"2026-12-01", "2026-12-05"} {
			p := &inkind.PreArrival{BranchID: f.main.BranchID, ExpectedOn: day, Donor: donation.Donor{Name: "某公司"},
				Lines: []inkind.Expected{{ItemID: f.n95.ID, Expected: 1000}}}
			if err := db.CreatePreArrival(ctx, actor, p); err != nil {
				t.Fatal(err)
			}
		}
		l, err := db.CompileList(ctx, "2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			item, target string
			wh           int64
		}
		got := map[key][2]int64{}
		for _, ln := range l.Lines {
			got[key{ln.Item, ln.DesignationTarget, ln.WarehouseID}] = [2]int64{ln.Available, ln.Expected}
		}
		want := map[key][2]int64{
			{f.n95.Label(), "", f.main.ID}:     {300, 0},
			{f.n95.Label(), "浙大一院", f.main.ID}: {50, 0},
			{f.n95.Label(), "", 0}:             {0, 1000}, // only the pledge due by the 1st
			{f.kn95.Label(), "", f.main.ID}:    {70, 0},
		}
		if len(got) != len(want) {
			t.Errorf("list %+v, want %v", l.Lines, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%v: got %v, want %v", k, got[k], v)
			}
		}
		if saved, err := db.SaveList(ctx, l); err != nil || !saved {
			t.Fatalf("save: %v %v", saved, err)
		}
		if saved, _ := db.SaveList(ctx, l); saved {
			t.Error("a day's list was saved twice")
		}
		back, err := db.SavedList(ctx, "2026-12-01")
		if err != nil || len(back.Lines) != len(l.Lines) {
			t.Errorf("saved list %+v %v", back, err)
		}
	})
}

// BenchmarkCompileList: 1,000 items and 100,000 stock lots (target: the
// list in under 1 s).
func BenchmarkCompileList(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			db := be.Open(b)
			newStockFixtureB(b, db)
			for _, q := range []string{
				`INSERT INTO goods_items (category_id, code, name, spec, unit)
				 SELECT 1, 'BENCH-' || n, '物资' || n, '', '件' FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) SELECT n FROM c) x`,
				`INSERT INTO stock_lots (item_id, warehouse_id, batch, designation_kind, quantity)
				 SELECT (SELECT MIN(id) FROM goods_items WHERE code LIKE 'BENCH-%') + n % 1000, 1 + n % 2, 'B' || n,
				        CASE WHEN n % 10 = 0 THEN 'institution' ELSE 'undesignated' END, 10
				 FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000) SELECT n FROM c) x`,
			} {
				if err := db.ExecForTest(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				l, err := db.CompileList(ctx, "2026-12-01")
				if err != nil || len(l.Lines) < 1000 {
					b.Fatalf("%d lines, %v", len(l.Lines), err)
				}
			}
		})
	}
}
