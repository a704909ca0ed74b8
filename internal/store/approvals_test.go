package store_test

import (
	"context"
	"testing"
	"time"

	"boai"
	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// The task force submits, leadership adjusts and approves; approval time
// is measured against 10 minutes; the wrong role cannot decide.
func TestAllocationApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		lot := f.receive(t, f.n95, 500, stock.Lot{Batch: "A"})
		r := &allocation.Recipient{Name: "杭州市西溪医院", Class: "hospital"}
		if err := db.CreateRecipient(ctx, actor, r); err != nil {
			t.Fatal(err)
		}
		q := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "发热门诊", Address: "杭州", Contact: "王",
			Lines: []allocation.RequestLine{{ItemID: f.n95.ID, Quantity: 300}}}
		if err := db.CreateAllocRequest(ctx, actor, q); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		db.Now = func() time.Time { return start }
		if _, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot, Quantity: 400}}, ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("more than asked: %v", err)
		}
		al, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot, Quantity: 300, Reason: "按比例"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		roles := map[string][]string{"taskforce": {"clerk"}, "leadership": {"approver"}}
		clerk := audit.Actor{Username: "c", Role: "clerk"}
		boss := audit.Actor{Username: "b", Role: "approver"}
		if _, err := db.DecideAllocation(ctx, boss, al.ID, allocation.DefaultSteps, roles, allocation.Approve, "", nil); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("leadership deciding at the task-force step: %v", err)
		}
		db.Now = func() time.Time { return start.Add(2 * time.Minute) }
		if got, err := db.DecideAllocation(ctx, clerk, al.ID, allocation.DefaultSteps, roles, allocation.Approve, "", nil); err != nil || got.State != (allocation.State{Status: allocation.Pending, Step: 1}) {
			t.Fatalf("task force: %+v %v", got, err)
		}
		db.Now = func() time.Time { return start.Add(7 * time.Minute) }
		got, err := db.DecideAllocation(ctx, boss, al.ID, allocation.DefaultSteps, roles, allocation.Approve, "同意，减为 250", map[int64]int64{al.Lines[0].ID: 250})
		if err != nil || got.State.Status != allocation.Approved {
			t.Fatalf("leadership: %+v %v", got, err)
		}
		timing, late, err := db.ApprovalTiming(ctx, start.Add(-time.Hour), start.Add(time.Hour))
		if err != nil || timing.Count != 1 || timing.Median != 7*time.Minute || timing.OverGoal != 0 || len(late) != 0 {
			t.Errorf("timing %+v late %v %v", timing, late, err)
		}
		// A second allocation left waiting shows as late after 10 minutes.
		if _, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot, Quantity: 50}}, ""); err != nil {
			t.Fatal(err)
		}
		if _, late, _ := db.ApprovalTiming(ctx, start, start.Add(30*time.Minute)); len(late) != 1 {
			t.Errorf("late allocations %v, want 1", late)
		}
	})
}
