package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/stock"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

// Goods arrive, four people sign, and only what all accepted enters stock,
// in a lot of the donor's designation; the quarantined line stays out.
func TestInKindIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		d := &inkind.Donation{BranchID: f.main.BranchID,
			Donor:       donation.Donor{Kind: donation.Organization, Name: "杭州某某医疗器械有限公司"},
			Designation: donation.Designation{Kind: donation.Institution, Target: "浙大一院"},
			Lines: []inkind.Line{
				{ItemID: f.n95.ID, Declared: 2000, Batch: "N-1", ExpiresOn: "2028-01-31", Valuation: inkind.Evidence,
					DeclaredFen: 2000000, EvidenceKind: "invoice", EvidenceRef: "FP-001"},
				{ItemID: f.kn95.ID, Declared: 500, Batch: "K-1", Valuation: inkind.Unappraisable},
			}}
		if err := db.CreateInKind(ctx, actor, d); err != nil {
			t.Fatal(err)
		}
		sign := func(line int, role, verdict, reason string, counted int64) error {
			return db.SignInKind(ctx, actor, d.ID, inkind.SignOff{Line: line, Role: role, Person: "签收人" + role, Counted: counted, Verdict: verdict, Reason: reason})
		}
		for _, role := range []string{inkind.RoleUnloading, inkind.RoleSorting} {
			for line := range 2 {
				if err := sign(line, role, inkind.Accepted, "", 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := sign(0, inkind.RoleCounting, inkind.Accepted, "", 1980); err != nil {
			t.Fatal(err)
		}
		if err := sign(1, inkind.RoleCounting, inkind.Quarantined, "外箱标注与申报不符", 500); err != nil {
			t.Fatal(err)
		}
		if err := sign(1, inkind.RoleCounting, inkind.Accepted, "", 500); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("a role signing twice: %v", err)
		}
		roles := []string{inkind.RoleUnloading, inkind.RoleSorting, inkind.RoleCounting}
		if _, err := db.SettleInKind(ctx, actor, d.ID, roles, f.main.ID); err == nil || !strings.Contains(boai.ErrorMessage(err), inkind.RoleMedicalCheck) {
			t.Fatalf("settled N95 without the medical-grade check: %v", err)
		}
		if err := sign(0, inkind.RoleMedicalCheck, inkind.Accepted, "", 0); err != nil {
			t.Fatal(err)
		}
		got, err := db.SettleInKind(ctx, actor, d.ID, roles, f.main.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcomes[0].Accepted != 1980 || got.Outcomes[1].Quarantined != 500 || got.ReceiptDocID == 0 {
			t.Fatalf("outcomes %+v, receipt doc %d", got.Outcomes, got.ReceiptDocID)
		}
		lots, _ := db.Lots(ctx, f.n95.ID, f.main.ID)
		if len(lots) != 1 || lots[0].Quantity != 1980 || lots[0].DesignationTarget != "浙大一院" || lots[0].Expiry != "2028-01-31" {
			t.Errorf("N95 lots %+v", lots)
		}
		if lots, _ := db.Lots(ctx, f.kn95.ID, f.main.ID); len(lots) != 0 {
			t.Errorf("quarantined KN95 entered stock: %+v", lots)
		}
		if got.Lines[1].Receiptable() || !got.Lines[0].Receiptable() {
			t.Error("only the invoiced line may ever get a receipt")
		}
		if _, err := db.SettleInKind(ctx, actor, d.ID, roles, f.main.ID); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("settling twice: %v", err)
		}

		// In the book: the accepted 1,980 of 2,000 invoiced at ¥20,000 go
		// into the goods fund at ¥19,800; the unappraisable KN95 post
		// nothing. Goods leave at value, in whatever pieces, and the money
		// funds never see them.
		goods := func() money.Fen {
			t.Helper()
			b, err := db.FundBalance(ctx, ledger.GoodsFund)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if g := goods(); g != 19_800_00 {
			t.Errorf("goods fund after settling: %v", g)
		}
		lot := lots[0].ID
		for _, q := range []int64{7, 7, 7} { // 21 of 1,980 units: ¥210 between them
			doc := &stock.Doc{Kind: stock.Dispatch, WarehouseID: f.main.ID, Recipient: "浙大一院", CreatedBy: actor.Username,
				CreatedAt: time.Now(), Lines: []stock.Line{{LotID: lot, Quantity: q}}}
			if err := db.RecordDoc(ctx, actor, doc); err != nil {
				t.Fatal(err)
			}
		}
		if g := goods(); g != 19_590_00 {
			t.Errorf("goods fund after dispatching 21 units: %v", g)
		}
		writeOff := &stock.Doc{Kind: stock.Adjustment, WarehouseID: f.main.ID, Reason: "damaged", CreatedBy: actor.Username, CreatedAt: time.Now(),
			Lines: []stock.Line{{LotID: lot, Delta: -9}}}
		if err := db.RecordDoc(ctx, actor, writeOff); err != nil {
			t.Fatal(err)
		}
		if g := goods(); g != 19_500_00 {
			t.Errorf("goods fund after writing off 9 units: %v", g)
		}
		funds, err := db.Funds(ctx, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fv := range funds {
			if fv.Fund != ledger.GoodsFund {
				t.Errorf("goods touched a money fund: %+v", fv)
			} else if fv.Received != 19_800_00 || fv.Spent != 300_00 || fv.Balance != 19_500_00 {
				t.Errorf("goods fund %+v", fv)
			}
		}
		if tb, err := db.TrialBalance(ctx); err != nil || tb.Check() != nil || tb[ledger.GoodsAtValue] != 19_500_00 || tb[ledger.GoodsWrittenOff] != 90_00 {
			t.Errorf("trial balance %v (%v)", tb, err)
		}
	})
}

// A pledge arrives in two deliveries: each becomes an intake to sign for,
// and the notice keeps what is still to come.
func TestPreArrivalPartialArrival(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		p := &inkind.PreArrival{BranchID: f.main.BranchID, ExpectedOn: "2026-12-01",
			Donor:       donation.Donor{Kind: donation.Organization, Name: "某某集团"},
			Designation: donation.Designation{Kind: donation.Region, Target: "淳安县"},
			Lines:       []inkind.Expected{{ItemID: f.n95.ID, Expected: 1000}, {ItemID: f.kn95.ID, Expected: 300}}}
		if err := db.CreatePreArrival(ctx, actor, p); err != nil {
			t.Fatal(err)
		}
		first, err := db.ArrivePreArrival(ctx, actor, p.ID, map[int]int64{0: 600})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Lines) != 1 || first.Lines[0].Declared != 600 || first.Designation.Target != "淳安县" || first.Status != inkind.Receiving {
			t.Errorf("first intake %+v", first)
		}
		got, err := db.PreArrival(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Lines[0].Remaining() != 400 || got.Lines[1].Remaining() != 300 {
			t.Errorf("remaining after the first delivery: %+v", got.Lines)
		}
		if _, err := db.ArrivePreArrival(ctx, actor, p.ID, map[int]int64{0: 400, 1: 300}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.PreArrival(ctx, p.ID)
		if got.Lines[0].Remaining() != 0 || got.Lines[1].Remaining() != 0 {
			t.Errorf("remaining after everything arrived: %+v", got.Lines)
		}
		if _, err := db.ArrivePreArrival(ctx, actor, p.ID, map[int]int64{7: 1}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("arrival for a line the notice lacks: %v", err)
		}
	})
}
