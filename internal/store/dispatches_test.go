package store_test

import (
	"context"
	"testing"
	"time"

	"boai"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

func TestDispatchAndRecipientSignOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		lot := f.receive(t, f.n95, 100, stock.Lot{Batch: "A"})
		relay := &store.Dispatch{Mode: stock.Relay, Recipient: "杭州市西溪医院",
			Doc: &stock.Doc{WarehouseID: f.main.ID, Lines: []stock.Line{{LotID: lot, Quantity: 60}}}}
		if _, err := db.CreateDispatch(ctx, actor, relay); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("relay without route: %v", err)
		}
		relay.Route, relay.Vehicle, relay.Driver = "分发中心—西溪", "浙A·12345", "李师傅"
		secret, err := db.CreateDispatch(ctx, actor, relay)
		if err != nil {
			t.Fatal(err)
		}
		if ls, _ := db.Lots(ctx, f.n95.ID, f.main.ID); ls[0].Quantity != 40 {
			t.Errorf("stock after dispatch %+v", ls)
		}
		if err := db.SignDispatch(ctx, secret, "张护士长", []stock.Received{{LotID: lot, Received: 55}}, "", nil); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("shortfall without reason: %v", err)
		}
		if err := db.SignDispatch(ctx, "sign_wrong", "x", nil, "", nil); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("wrong link: %v", err)
		}
		if err := db.SignDispatch(ctx, secret, "张护士长", []stock.Received{{LotID: lot, Received: 55, Reason: "一箱外包装破损"}}, "", []byte("jpeg")); err != nil {
			t.Fatal(err)
		}
		if err := db.SignDispatch(ctx, secret, "张护士长", []stock.Received{{LotID: lot, Received: 60}}, "", nil); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("signing twice: %v", err)
		}
	})
}

func TestDailyFlowsAndWaitingGoods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		day := time.Date(2026, 2, 1, 9, 0, 0, 0, loc)
		db.Now = func() time.Time { return day }
		f := newStockFixture(t, db)
		fast := f.receive(t, f.n95, 1000, stock.Lot{Batch: "FAST"})
		f.receive(t, f.kn95, 100, stock.Lot{Batch: "SLOW"})
		db.Now = func() time.Time { return day.Add(6 * time.Hour) }
		out := &store.Dispatch{Mode: stock.PointToPoint, Recipient: "杭州市西溪医院",
			Doc: &stock.Doc{WarehouseID: f.main.ID, Lines: []stock.Line{{LotID: fast, Quantity: 950}}}}
		if _, err := db.CreateDispatch(ctx, actor, out); err != nil {
			t.Fatal(err)
		}
		flows, err := db.DailyFlows(ctx, day.Add(-9*time.Hour), day.Add(15*time.Hour), loc)
		if err != nil || len(flows) != 1 || flows[0].Received != 1100 || flows[0].SameDay != 950 || flows[0].Share() != 863 {
			t.Errorf("flows %+v %v", flows, err)
		}
		waiting, err := db.WaitingLots(ctx, day.Add(30*time.Hour), 24*time.Hour)
		if err != nil || len(waiting) != 2 {
			t.Errorf("waiting after 30 h: %+v %v", waiting, err)
		}
		if w, _ := db.WaitingLots(ctx, day.Add(10*time.Hour), 24*time.Hour); len(w) != 0 {
			t.Errorf("waiting after 10 h: %+v", w)
		}
	})
}
