package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"boai"
	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/notify"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/supervision"
)

// An alert is raised once per kind and subject, goes to the robots told
// of alerts and no others, and is acknowledged once, with a note, in the
// audit trail; it is never changed otherwise, nor deleted.
func TestRaiseAndAcknowledgeAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, store.CertLocation)
		db.Now = func() time.Time { return t0 }
		approvals := &store.Webhook{Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=approvers"}
		alerts := &store.Webhook{Kind: notify.DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=supervisors", Topic: store.TopicAlerts}
		for _, w := range []*store.Webhook{approvals, alerts} {
			if err := db.CreateWebhook(ctx, actor, w); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateWebhook(ctx, actor, &store.Webhook{Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/x?key=k", Topic: "everything"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("robot with an unknown topic: %v", err)
		}

		raised, err := db.RaiseAlert(ctx, supervision.DisclosureLate, "day:2026-11-29", "2026-11-29 的公示未在 12:00 前发布", supervision.Critical)
		if err != nil || !raised {
			t.Fatalf("first raise: %v %v", raised, err)
		}
		raised, err = db.RaiseAlert(ctx, supervision.DisclosureLate, "day:2026-11-29", "again, other words", supervision.Warning)
		if err != nil || raised {
			t.Errorf("second raise of the same subject: %v %v, want false", raised, err)
		}
		if raised, err := db.RaiseAlert(ctx, supervision.LogMismatch, "day:2026-11-29", "同一对象、另一类型", supervision.Critical); err != nil || !raised {
			t.Errorf("same subject, another kind: %v %v", raised, err)
		}
		for _, bad := range []struct {
			kind    supervision.Kind
			subject string
			sev     supervision.Severity
		}{{"typo_kind", "x:1", supervision.Info}, {supervision.LogMismatch, " ", supervision.Info}, {supervision.LogMismatch, "x:1", "loud"}} {
			if _, err := db.RaiseAlert(ctx, bad.kind, bad.subject, "m", bad.sev); boai.ErrorCode(err) != boai.EINVALID {
				t.Errorf("raise %+v: %v, want invalid", bad, err)
			}
		}

		due, err := db.DueDeliveries(ctx, t0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 2 {
			t.Fatalf("%d deliveries queued, want 2 (one per alert, to the alerts robot only)", len(due))
		}
		for _, d := range due {
			if d.URL != alerts.URL || !strings.Contains(string(d.Body), "预警") {
				t.Errorf("delivery to %s: %s", d.URL, d.Body)
			}
		}

		list, total, err := db.Alerts(ctx, supervision.Filter{Kind: supervision.DisclosureLate})
		if err != nil || total != 1 || len(list) != 1 || list[0].Severity != supervision.Critical || list[0].Message != "2026-11-29 的公示未在 12:00 前发布" || !list[0].Open() {
			t.Fatalf("disclosure alerts %+v (%d) %v", list, total, err)
		}
		id := list[0].ID
		if _, _, err := db.Alerts(ctx, supervision.Filter{Kind: "nope"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("filter by an unknown kind: %v", err)
		}
		if _, _, err := db.Alerts(ctx, supervision.Filter{State: "closed"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("filter by an unknown state: %v", err)
		}

		admin := audit.Actor{UserID: 0, Username: "admin", Role: "admin", Via: "web"}
		if err := db.AckAlert(ctx, admin, id, "  "); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("ack without a note: %v", err)
		}
		if err := db.AckAlert(ctx, admin, id+1000, "看过"); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("ack of no alert: %v", err)
		}
		db.Now = func() time.Time { return t0.Add(time.Hour) }
		if err := db.AckAlert(ctx, admin, id, "已催办，次日补发"); err != nil {
			t.Fatal(err)
		}
		if err := db.AckAlert(ctx, admin, id, "再次确认"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("second ack: %v, want conflict", err)
		}
		a, err := db.Alert(ctx, id)
		if err != nil || a.Open() || a.AckedBy != "admin" || a.AckNote != "已催办，次日补发" || !a.AckedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("acknowledged alert %+v %v", a, err)
		}
		for state, want := range map[string]int{"open": 1, "acked": 1, "": 2} {
			if _, n, err := db.Alerts(ctx, supervision.Filter{State: state}); err != nil || n != want {
				t.Errorf("state %q: %d alerts, want %d (%v)", state, n, want, err)
			}
		}
		if _, n, _ := db.Alerts(ctx, supervision.Filter{From: t0.Add(time.Second)}); n != 0 {
			t.Errorf("raised after %v: %d, want 0", t0, n)
		}
		if _, n, _ := db.Alerts(ctx, supervision.Filter{From: t0, To: t0.Add(time.Second)}); n != 2 {
			t.Errorf("raised in [t0, t0+1s): %d, want 2", n)
		}
		open, err := db.OpenAlerts(ctx)
		if err != nil || open[supervision.LogMismatch] != 1 || open[supervision.DisclosureLate] != 0 {
			t.Errorf("open by kind %v %v", open, err)
		}
		entries, _, err := db.AuditEntries(ctx, audit.Filter{Entity: "alert", EntityID: id})
		if err != nil || len(entries) != 1 || entries[0].Action != "alert.ack" || !strings.Contains(entries[0].After, "已催办") {
			t.Errorf("audit of the ack %+v %v", entries, err)
		}
		for _, q := range []string{"UPDATE alerts SET message = 'rewritten'", "DELETE FROM alerts",
			"UPDATE alerts SET acked_at = NULL, acked_by = '', ack_note = ''"} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s: the database allowed it", q)
			}
		}
	})
}

// The scan raises each rule's alerts once, at the limit's edge and not
// before: approvals over 10 minutes (still pending, or decided late),
// goods in stock longer than the goods limit, receipt requests
// unanswered longer than the receipt limit.
func TestScanAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Now().Truncate(time.Second) // the donation behind the receipt request is received an hour before now
		at := func(d time.Duration) { db.Now = func() time.Time { return t0.Add(d) } }
		at(0)
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
		gift := give(t, db, f.main.BranchID, 20000, donation.Designation{})
		if _, err := db.RequestReceipt(ctx, actor, gift.ID, "邮寄"); err != nil {
			t.Fatal(err)
		}
		roles := map[string][]string{"taskforce": {"clerk"}, "leadership": {"approver"}}
		clerk := audit.Actor{Username: "c", Role: "clerk"}
		boss := audit.Actor{Username: "b", Role: "approver"}
		submit := func(qty int64) int64 {
			t.Helper()
			al, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot, Quantity: qty}}, "")
			if err != nil {
				t.Fatal(err)
			}
			return al.ID
		}
		decide := func(id int64, by audit.Actor) {
			t.Helper()
			if _, err := db.DecideAllocation(ctx, by, id, allocation.DefaultSteps, roles, allocation.Approve, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		rules := supervision.DefaultRules
		scan := func(d time.Duration, want int, why string) {
			t.Helper()
			n, err := db.ScanAlerts(ctx, t0.Add(d), rules)
			if err != nil || n != want {
				t.Errorf("scan at t0+%v (%s): raised %d, %v; want %d", d, why, n, err, want)
			}
		}

		al1 := submit(100)
		scan(10*time.Minute, 0, "the first allocation has waited exactly ten minutes")
		at(time.Minute)
		decide(al1, clerk)
		at(9 * time.Minute)
		decide(al1, boss) // approved in nine minutes: never late
		al2 := submit(50)
		scan(19*time.Minute, 0, "the second has waited exactly ten minutes")
		scan(19*time.Minute+time.Microsecond, 1, "the second is now late")
		scan(20*time.Minute, 0, "already alerted")
		at(30 * time.Minute)
		decide(al2, clerk)
		decide(al2, boss)
		scan(31*time.Minute, 0, "decided late, but alerted while pending")
		at(31 * time.Minute)
		al3 := submit(50)
		at(35 * time.Minute)
		decide(al3, clerk)
		at(43 * time.Minute)
		decide(al3, boss) // twelve minutes, and no scan saw it pending
		scan(44*time.Minute, 1, "the third was decided late")

		scan(24*time.Hour, 0, "goods received exactly 24 hours ago")
		scan(24*time.Hour+time.Second, 1, "goods now waiting longer than 24 hours")
		scan(48*time.Hour, 0, "the same goods, already alerted")
		scan(7*24*time.Hour, 0, "the receipt request is exactly a week old")
		scan(7*24*time.Hour+time.Second, 1, "the receipt request is now unanswered for over a week")
		scan(30*24*time.Hour, 0, "nothing new")

		list, total, err := db.Alerts(ctx, supervision.Filter{Limit: 100})
		if err != nil || total != 4 {
			t.Fatalf("alerts %d %v", total, err)
		}
		want := map[string]supervision.Kind{
			supervision.AllocationSubject(al2): supervision.ApprovalLate,
			supervision.AllocationSubject(al3): supervision.ApprovalLate,
			supervision.LotSubject(lot, t0):    supervision.GoodsWaiting,
		}
		for _, a := range list {
			if a.Kind == supervision.ReceiptUnanswered {
				if !strings.Contains(a.Message, gift.CertNo) || strings.Contains(a.Message, gift.Donor.Name) {
					t.Errorf("receipt alert message %q: wants the certificate number and no donor name", a.Message)
				}
				continue
			}
			if want[a.Subject] != a.Kind {
				t.Errorf("unexpected alert %s %s: %s", a.Kind, a.Subject, a.Message)
			}
			delete(want, a.Subject)
		}
		if len(want) != 0 {
			t.Errorf("missing alerts %v", want)
		}

		// A later receipt into the same lot waits anew; a shorter limit
		// raises it sooner.
		at(31 * 24 * time.Hour)
		f.receive(t, f.n95, 10, stock.Lot{Batch: "A"})
		rules.GoodsWait = 2 * time.Hour
		scan(31*24*time.Hour+2*time.Hour, 0, "received again exactly two hours ago")
		scan(31*24*time.Hour+2*time.Hour+time.Second, 1, "received again over two hours ago")
		if _, err := db.ScanAlerts(ctx, t0, supervision.Rules{}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("scan with no limits: %v", err)
		}
	})
}
