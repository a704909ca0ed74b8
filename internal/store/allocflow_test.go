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
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// intake records and settles an in-kind donation of one valued line and
// returns the lot its goods went into.
func intake(t *testing.T, db *store.DB, f *stockFixture, qty, fen int64) (*inkind.Donation, stock.Lot) {
	t.Helper()
	ctx := context.Background()
	d := &inkind.Donation{BranchID: f.main.BranchID, Donor: donation.Donor{Kind: donation.Organization, Name: "杭州某某医疗器械有限公司"},
		Lines: []inkind.Line{{ItemID: f.n95.ID, Declared: qty, Batch: "N-7", Valuation: inkind.Evidence, DeclaredFen: money.Fen(fen), EvidenceKind: "invoice", EvidenceRef: "FP-7"}}}
	if err := db.CreateInKind(ctx, actor, d); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{inkind.RoleUnloading, inkind.RoleMedicalCheck, inkind.RoleCounting} {
		if err := db.SignInKind(ctx, actor, d.ID, inkind.SignOff{Line: 0, Role: role, Person: "张三", Counted: qty, Verdict: inkind.Accepted}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SettleInKind(ctx, actor, d.ID, []string{inkind.RoleUnloading, inkind.RoleCounting}, f.main.ID); err != nil {
		t.Fatal(err)
	}
	lots, err := db.Lots(ctx, f.n95.ID, f.main.ID)
	if err != nil || len(lots) != 1 || lots[0].SourceLine == 0 {
		t.Fatalf("lots after intake: %+v %v", lots, err)
	}
	return d, lots[0]
}

// One request's whole way: a submitted allocation holds its stock and its
// request line, so neither is offered twice; approval lists the paperwork
// owed; dispatch fulfils the request, and each unit on the dispatch note
// traces back to the donation line it came from.
func TestAllocationFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		day := time.Date(2026, 2, 3, 9, 0, 0, 0, store.CertLocation)
		now := day
		db.Now = func() time.Time { return now }
		gift, lot := intake(t, db, f, 1000, 250000) // ¥2,500 for 1,000 masks
		r := &allocation.Recipient{Name: "杭州市西溪医院", Class: "hospital", Address: "杭州市西湖区"}
		if err := db.CreateRecipient(ctx, actor, r); err != nil {
			t.Fatal(err)
		}
		q := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "发热门诊", Address: "杭州", Contact: "王",
			Lines: []allocation.RequestLine{{ItemID: f.n95.ID, Quantity: 600}}}
		if err := db.CreateAllocRequest(ctx, actor, q); err != nil {
			t.Fatal(err)
		}
		// A KN95 request cannot be met from an N95 lot.
		kq := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "社区", Address: "杭州", Contact: "王",
			Lines: []allocation.RequestLine{{ItemID: f.kn95.ID, Quantity: 10}}}
		if err := db.CreateAllocRequest(ctx, actor, kq); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitAllocation(ctx, actor, kq.ID, []store.AllocLine{{RequestLineID: kq.Lines[0].ID, LotID: lot.ID, Quantity: 10}}, ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("KN95 from an N95 lot: %v", err)
		}
		al, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot.ID, Quantity: 600}}, "")
		if err != nil {
			t.Fatal(err)
		}
		// Held: the list offers 400, the proposal asks nothing more of
		// the line, a second allocation for it is refused.
		l, err := db.CompileList(ctx, "2026-02-04")
		if err != nil || len(l.Lines) != 1 || l.Lines[0].Available != 400 {
			t.Fatalf("list while held: %+v %v", l, err)
		}
		p, err := db.ProposeAllocation(ctx, "2026-02-04", allocation.DefaultClasses)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Allocations {
			if x.LineID == q.Lines[0].ID {
				t.Errorf("the held line was proposed again: %+v", x)
			}
		}
		if _, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot.ID, Quantity: 1}}, ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("a second allocation of a held line: %v", err)
		}
		// Nor can a manual dispatch take the held stock.
		if _, err := db.CreateDispatch(ctx, actor, &store.Dispatch{Mode: stock.Storage, Recipient: "分发中心",
			Doc: &stock.Doc{WarehouseID: f.main.ID, Lines: []stock.Line{{LotID: lot.ID, Quantity: 500}}}}); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("a dispatch took held stock: %v", err)
		}
		if _, err := db.DispatchAllocation(ctx, actor, al.ID, store.DispatchOrder{Mode: stock.PointToPoint}); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("dispatched before approval: %v", err)
		}

		roles := map[string][]string{"taskforce": {"admin"}, "leadership": {"admin"}}
		now = now.Add(3 * time.Minute)
		for range allocation.DefaultSteps {
			if _, err := db.DecideAllocation(ctx, actor, al.ID, allocation.DefaultSteps, roles, allocation.Approve, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		v, err := db.AllocationDetail(ctx, al.ID)
		if err != nil || v.Status != allocation.Approved || v.Owed != len(allocation.Paperwork) || v.Elapsed(now) != 3*time.Minute {
			t.Fatalf("approved: %+v %v", v, err)
		}

		now = now.Add(2 * time.Hour)
		links, err := db.DispatchAllocation(ctx, actor, al.ID, store.DispatchOrder{Mode: stock.Relay})
		if boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("relay without route: %v %v", links, err)
		}
		links, err = db.DispatchAllocation(ctx, actor, al.ID, store.DispatchOrder{Mode: stock.Relay, Route: "备灾中心→分发中心→西溪", Vehicle: "浙A·12345", Driver: "陈师傅"})
		if err != nil || len(links) != 1 {
			t.Fatalf("dispatch: %v %v", links, err)
		}
		if _, err := db.DispatchAllocation(ctx, actor, al.ID, store.DispatchOrder{Mode: stock.PointToPoint}); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("dispatched twice: %v", err)
		}
		rq, err := db.Request(ctx, q.ID)
		if err != nil || rq.Status != "fulfilled" || rq.Lines[0].Fulfilled != 600 {
			t.Fatalf("request after dispatch: %+v %v", rq, err)
		}
		dv, err := db.DispatchDetail(ctx, links[0].ID)
		if err != nil || len(dv.Lines) != 1 {
			t.Fatalf("dispatch detail: %+v %v", dv, err)
		}
		tl := dv.Lines[0]
		if tl.Sent != 600 || tl.SourceDonationID != gift.ID || tl.SourceCertNo != gift.CertNo || tl.SourceLineNo != 1 || tl.Item.Code != "MASK-N95" ||
			dv.Route == "" || dv.AllocationID != al.ID || dv.Address != "杭州市西湖区" {
			t.Errorf("trace: %+v / %+v", dv.DispatchSummary, tl)
		}

		// The old link stops working once the note is reprinted.
		secret, err := db.RelinkDispatch(ctx, actor, links[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DispatchForSigning(ctx, links[0].Secret); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("the old link still works: %v", err)
		}
		if err := db.SignDispatch(ctx, secret, "王护士长", []stock.Received{{LotID: lot.ID, Received: 600}}, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RelinkDispatch(ctx, actor, links[0].ID); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("relinked a signed dispatch: %v", err)
		}

		// 日进日清 by value: 600 of the 1,000 masks left the same day.
		flows, err := db.DailyFlows(ctx, day.Add(-9*time.Hour), day.Add(15*time.Hour), store.CertLocation)
		if err != nil || len(flows) != 1 {
			t.Fatalf("flows: %+v %v", flows, err)
		}
		if fl := flows[0]; fl.Received != 1000 || fl.SameDay != 600 || fl.ReceivedFen != 250000 || fl.SameDayFen != 150000 {
			t.Errorf("flow: %+v", fl)
		}

		// Paperwork owed: reminded once per day until recorded.
		link := func(id int64) string { return "/goods/allocations/" }
		if n, err := db.RemindPaperwork(ctx, now, 24*time.Hour, link); err != nil || n != 0 {
			t.Errorf("reminded too early: %d %v", n, err)
		}
		now = now.Add(25 * time.Hour)
		if n, err := db.RemindPaperwork(ctx, now, 24*time.Hour, link); err != nil || n != 1 {
			t.Errorf("reminders: %d %v", n, err)
		}
		if n, err := db.RemindPaperwork(ctx, now.Add(time.Hour), 24*time.Hour, link); err != nil || n != 0 {
			t.Errorf("reminded twice in a day: %d %v", n, err)
		}
		for _, k := range allocation.Paperwork {
			if err := db.RecordPaperwork(ctx, actor, al.ID, k, "HZ-2026-"+k); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordPaperwork(ctx, actor, al.ID, allocation.Paperwork[0], "again"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("recorded twice: %v", err)
		}
		if owed, err := db.PaperworkOwed(ctx); err != nil || len(owed) != 0 {
			t.Errorf("still owed: %+v %v", owed, err)
		}
		if n, err := db.RemindPaperwork(ctx, now.Add(48*time.Hour), 24*time.Hour, link); err != nil || n != 0 {
			t.Errorf("reminded of recorded paperwork: %d %v", n, err)
		}
	})
}

// Attachments: kept with the request, limited in size and number.
func TestRequestFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		r := &allocation.Recipient{Name: "拱墅区疫情防控指挥部", Class: "district_hq"}
		if err := db.CreateRecipient(ctx, actor, r); err != nil {
			t.Fatal(err)
		}
		q := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "卡口", Address: "杭州", Contact: "李",
			Lines: []allocation.RequestLine{{ItemID: f.n95.ID, Quantity: 10}, {ItemID: f.kn95.ID, Quantity: 20}}}
		if err := db.CreateAllocRequest(ctx, actor, q); err != nil {
			t.Fatal(err)
		}
		a := audit.Actor{Username: "clerk", Role: "clerk"}
		if err := db.AddRequestFile(ctx, a, &store.RequestFile{RequestID: q.ID, Name: "申请函.pdf", ContentType: "application/pdf", Data: make([]byte, store.MaxRequestFile+1)}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("oversized file: %v", err)
		}
		for i := range store.MaxRequestFiles {
			if err := db.AddRequestFile(ctx, a, &store.RequestFile{RequestID: q.ID, Name: "申请函.pdf", ContentType: "application/pdf", Data: []byte{'%', byte(i)}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddRequestFile(ctx, a, &store.RequestFile{RequestID: q.ID, Name: "x", Data: []byte("x")}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("one file too many: %v", err)
		}
		v, err := db.Request(ctx, q.ID)
		if err != nil || len(v.Files) != store.MaxRequestFiles || len(v.Lines) != 2 || v.Items[f.n95.ID].Code != "MASK-N95" || v.Items[f.kn95.ID].Code != "MASK-KN95" {
			t.Fatalf("request view: %+v %v", v, err)
		}
		got, err := db.RequestFileData(ctx, q.ID, v.Files[1].ID)
		if err != nil || string(got.Data) != "%\x01" || !strings.HasSuffix(got.Name, ".pdf") {
			t.Errorf("file: %+v %v", got, err)
		}
		if _, err := db.RequestFileData(ctx, q.ID+1, v.Files[1].ID); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("file of another request: %v", err)
		}
		list, err := db.ListRequests(ctx, "open", 10)
		if err != nil || len(list) != 1 || list[0].Recipient != r.Name {
			t.Errorf("list: %+v %v", list, err)
		}
	})
}

// Designated goods are never allocated elsewhere: a lot designated to one
// hospital cannot be proposed for another, even by hand.
func TestDesignatedLotOnlyForItsRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		lot := f.receive(t, f.n95, 100, stock.Lot{DesignationKind: "institution", DesignationTarget: "浙江大学医学院附属第一医院"})
		other := &allocation.Recipient{Name: "杭州市西溪医院", Class: "treatment_hospital"}
		if err := db.CreateRecipient(ctx, actor, other); err != nil {
			t.Fatal(err)
		}
		q := &allocation.AllocRequest{RecipientID: other.ID, Purpose: "病房", Address: "杭州", Contact: "王",
			Lines: []allocation.RequestLine{{ItemID: f.n95.ID, Quantity: 50}}}
		if err := db.CreateAllocRequest(ctx, actor, q); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitAllocation(ctx, actor, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: lot, Quantity: 50}}, ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("designated goods allocated to another hospital: %v", err)
		}
		p, err := db.ProposeAllocation(ctx, "2099-01-01", allocation.DefaultClasses)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Allocations {
			if a.LotID == lot {
				t.Errorf("the proposal offers designated goods elsewhere: %+v", a)
			}
		}
	})
}
