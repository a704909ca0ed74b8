package store_test

import (
	"context"
	"testing"

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
