package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"boai"
	"boai/internal/goods"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

type stockFixture struct {
	db         *store.DB
	n95, kn95  *goods.Item
	main, dist *stock.Warehouse
}

func newStockFixture(t *testing.T, db *store.DB) *stockFixture { return newStockFixtureB(t, db) }

func newStockFixtureB(t testing.TB, db *store.DB) *stockFixture {
	t.Helper()
	ctx := context.Background()
	city, _ := seedB(t, db)
	if ok, err := db.SeedCatalogue(ctx, actor); err != nil || !ok {
		t.Fatalf("seed catalogue: %v %v", ok, err)
	}
	f := &stockFixture{db: db}
	items, err := db.SearchItems(ctx, "95", 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("search 95: %v %v", items, err)
	}
	for i := range items {
		switch items[i].Code {
		case "MASK-N95":
			f.n95 = &items[i]
		case "MASK-KN95":
			f.kn95 = &items[i]
		}
	}
	f.main = &stock.Warehouse{Code: "HZ-RELIEF", Name: "备灾救灾中心仓库", Kind: stock.ReliefCentre, BranchID: city.ID}
	f.dist = &stock.Warehouse{Code: "HZ-DIST", Name: "分发中心", Kind: stock.Distribution, BranchID: city.ID}
	for _, w := range []*stock.Warehouse{f.main, f.dist} {
		if err := db.CreateWarehouse(ctx, actor, w); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *stockFixture) receive(t *testing.T, it *goods.Item, qty int64, lot stock.Lot) int64 {
	t.Helper()
	lot.ItemID = it.ID
	d := &stock.Doc{Kind: stock.Receipt, WarehouseID: f.main.ID, Lines: []stock.Line{{Lot: lot, Quantity: qty}}}
	if err := f.db.RecordDoc(context.Background(), actor, d); err != nil {
		t.Fatal(err)
	}
	return d.Lines[0].LotID
}

func TestStockDocumentsAndCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		lot := f.receive(t, f.n95, 200, stock.Lot{Batch: "B1", Expiry: "2027-06-30"})
		again := f.receive(t, f.n95, 40, stock.Lot{Batch: "B1", Expiry: "2027-06-30"})
		if again != lot {
			t.Errorf("the same batch made a second lot")
		}
		kn := f.receive(t, f.kn95, 500, stock.Lot{Batch: "B1", Expiry: "2027-06-30"})
		if kn == lot {
			t.Fatal("KN95 went into the N95 lot")
		}
		out := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "杭州市西溪医院", Lines: []stock.Line{{LotID: lot, Quantity: 60}}}
		if err := db.RecordDoc(ctx, actor, out); err != nil {
			t.Fatal(err)
		}
		tr := &stock.Doc{Kind: stock.Transfer, WarehouseID: f.main.ID, ToWarehouse: f.dist.ID, Lines: []stock.Line{{LotID: lot, Quantity: 100}}}
		if err := db.RecordDoc(ctx, actor, tr); err != nil {
			t.Fatal(err)
		}
		adj := &stock.Doc{Kind: stock.Adjustment, WarehouseID: f.main.ID, Reason: "damaged", Lines: []stock.Line{{LotID: lot, Delta: -5}}}
		if err := db.RecordDoc(ctx, actor, adj); err != nil {
			t.Fatal(err)
		}
		card, err := db.StockCard(ctx, f.n95.ID, f.main.ID)
		if err != nil {
			t.Fatal(err)
		}
		var deltas, balances []int64
		for _, c := range card {
			deltas, balances = append(deltas, c.Delta), append(balances, c.Balance)
		}
		if want := []int64{200, 40, -60, -100, -5}; !equal(deltas, want) {
			t.Errorf("card deltas %v, want %v", deltas, want)
		}
		if want := []int64{200, 240, 180, 80, 75}; !equal(balances, want) {
			t.Errorf("card balances %v, want %v", balances, want)
		}
		if !strings.HasPrefix(card[2].DocNo, "CK") || card[2].Kind != stock.Dispatch {
			t.Errorf("dispatch line %+v", card[2])
		}
		if c, _ := db.StockCard(ctx, f.kn95.ID, f.main.ID); len(c) != 1 || c[0].Balance != 500 {
			t.Errorf("KN95 card %+v: N95 documents must not show there", c)
		}
		dist, _ := db.Lots(ctx, f.n95.ID, f.dist.ID)
		if len(dist) != 1 || dist[0].Quantity != 100 || dist[0].Batch != "B1" {
			t.Errorf("distribution centre lots %+v", dist)
		}
		// More than the lot holds: refused, nothing changes.
		over := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "x", Lines: []stock.Line{{LotID: lot, Quantity: 76}}}
		if err := db.RecordDoc(ctx, actor, over); boai.ErrorCode(err) != boai.ECONFLICT || !strings.Contains(boai.ErrorMessage(err), "库存不足") {
			t.Errorf("overdraw: %v", err)
		}
		if ls, _ := db.Lots(ctx, f.n95.ID, f.main.ID); len(ls) != 1 || ls[0].Quantity != 75 {
			t.Errorf("after refused dispatch: %+v", ls)
		}
	})
}

func TestDesignatedGoodsOnlyToTheirDesignation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		general := f.receive(t, f.n95, 100, stock.Lot{Batch: "B1"})
		designated := f.receive(t, f.n95, 100, stock.Lot{Batch: "B1", DesignationKind: "institution", DesignationTarget: "浙大一院"})
		if general == designated {
			t.Fatal("designated goods were pooled with general stock")
		}
		wrong := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "杭州市西溪医院", Lines: []stock.Line{{LotID: designated, Quantity: 10}}}
		if err := db.RecordDoc(ctx, actor, wrong); boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), "定向") {
			t.Errorf("designated goods to another recipient: %v", err)
		}
		right := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "浙大一院", Lines: []stock.Line{{LotID: designated, Quantity: 10}}}
		if err := db.RecordDoc(ctx, actor, right); err != nil {
			t.Errorf("designated goods to their recipient: %v", err)
		}
	})
}

// Many dispatches race for the last units of a lot: exactly one wins and
// stock never goes below zero.
func TestConcurrentDispatchOfLastUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		lot := f.receive(t, f.n95, 20, stock.Lot{Batch: "LAST"})
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "社区卡口", Lines: []stock.Line{{LotID: lot, Quantity: 20}}}
				err := db.RecordDoc(ctx, actor, d)
				mu.Lock()
				defer mu.Unlock()
				switch boai.ErrorCode(err) {
				case "":
					ok++
				case boai.ECONFLICT:
					refused++
				default:
					t.Errorf("dispatch: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || refused != 15 {
			t.Errorf("%d dispatches succeeded and %d were refused; want 1 and 15", ok, refused)
		}
		if ls, _ := db.Lots(ctx, f.n95.ID, f.main.ID); len(ls) != 0 {
			t.Errorf("lots left: %+v", ls)
		}
		card, _ := db.StockCard(ctx, f.n95.ID, f.main.ID)
		if len(card) != 2 || card[1].Balance != 0 {
			t.Errorf("card %+v", card)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
