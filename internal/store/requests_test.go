package store_test

import (
	"context"
	"testing"

	"boai/internal/allocation"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// From the database to a proposal: designated masks go to the hospital
// they were given for, the rest by class and pro rata, KN95 never stands
// in for N95, and what is not met stays open.
func TestProposeAllocationFromStock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		zy := &allocation.Recipient{Name: "浙江大学医学院附属第一医院", Class: "treatment_hospital"}
		xx := &allocation.Recipient{Name: "杭州市西溪医院", Class: "hospital"}
		cp := &allocation.Recipient{Name: "文新街道社区卡口", Class: "community_checkpoint"}
		for _, r := range []*allocation.Recipient{zy, xx, cp} {
			if err := db.CreateRecipient(ctx, actor, r); err != nil {
				t.Fatal(err)
			}
		}
		f.receive(t, f.n95, 100, stock.Lot{Batch: "G"})
		f.receive(t, f.n95, 40, stock.Lot{Batch: "D", DesignationKind: "institution", DesignationTarget: zy.Name})
		f.receive(t, f.kn95, 500, stock.Lot{Batch: "K"})
		ask := func(r *allocation.Recipient, qty int64) *allocation.AllocRequest {
			q := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "发热门诊", Address: "杭州", Contact: "王医生",
				Lines: []allocation.RequestLine{{ItemID: f.n95.ID, Quantity: qty}}}
			if err := db.CreateAllocRequest(ctx, actor, q); err != nil {
				t.Fatal(err)
			}
			return q
		}
		qz, qx, qc := ask(zy, 60), ask(xx, 100), ask(cp, 100)
		p, err := db.ProposeAllocation(ctx, "2026-12-01", allocation.DefaultClasses)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]int64{}
		for _, a := range p.Allocations {
			got[a.LineID] += a.Quantity
		}
		// 浙大一院: its 40 designated + 20 general (class 1); 西溪: the other 80; the checkpoint: none.
		if got[qz.Lines[0].ID] != 60 || got[qx.Lines[0].ID] != 80 || got[qc.Lines[0].ID] != 0 {
			t.Errorf("allocated %v", got)
		}
		open := map[int64]int64{}
		for _, u := range p.Unmet {
			open[u.LineID] = u.Remaining
		}
		if open[qx.Lines[0].ID] != 20 || open[qc.Lines[0].ID] != 100 {
			t.Errorf("still open %v", open)
		}
		for _, l := range p.Leftover {
			if l.ItemID == f.n95.ID {
				t.Errorf("N95 left over although asked for: %+v", l)
			}
		}
	})
}
