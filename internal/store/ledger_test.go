package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/supervision"
)

var (
	wuhan     = donation.Designation{Kind: donation.Purpose, Target: "武汉抗疫"}
	wuhanFund = ledger.FundOf(wuhan)
	boss      = audit.Actor{Username: "boss", Role: "finance"}
	boss2     = audit.Actor{Username: "boss2", Role: "finance"}
	noAlerts  = ledger.Policy{SecondApprovalOver: money.Fen(1) << 60}
)

func give(t testing.TB, db *store.DB, branch int64, fen int64, des donation.Designation) *donation.Donation {
	t.Helper()
	d := newDonation(branch, fmt.Sprintf("L-%d-%d", fen, rand.Int64()), fen)
	d.Designation = des
	if _, err := db.CreateDonation(context.Background(), actor, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func checkBook(t *testing.T, db *store.DB) ledger.Balances {
	t.Helper()
	ctx := context.Background()
	b, err := db.TrialBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Fatalf("book: %v (%v)", err, b)
	}
	if bad, err := db.UnbalancedTxns(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("unbalanced transactions %v %v", bad, err)
	}
	return b
}

func spend(t testing.TB, db *store.DB, fund ledger.Account, purpose donation.Designation, fen int64) (*ledger.Expenditure, error) {
	t.Helper()
	ctx := context.Background()
	e := &ledger.Expenditure{Kind: ledger.Procurement, Payee: "杭州某某医疗器械有限公司", Purpose: purpose, Amount: money.Fen(fen),
		Draws: []ledger.Draw{{Fund: fund, Amount: money.Fen(fen)}}}
	if err := db.CreateExpenditure(ctx, actor, e, noAlerts); err != nil {
		return e, err
	}
	if _, err := db.ApproveExpenditure(ctx, boss, e.ID, noAlerts); err != nil {
		return e, err
	}
	_, err := db.PayExpenditure(ctx, boss, e.ID)
	return e, err
}

// Each money donation posts with its intake; spending designated money
// elsewhere is refused by name; payment links the oldest donations first;
// a donation can answer where its money went; spent money cannot be
// reversed, unspent money can.
func TestLedgerDonationsAndSpending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		d1 := give(t, db, b.ID, 300_00, wuhan)
		d2 := give(t, db, b.ID, 500_00, wuhan)
		general := give(t, db, b.ID, 1000_00, donation.Designation{})
		checkBook(t, db)
		if bal, err := db.FundBalance(ctx, wuhanFund); err != nil || bal != 800_00 {
			t.Fatalf("wuhan fund %v %v", bal, err)
		}

		// Designated for 武汉抗疫: refused for anything else, by name.
		_, err := spend(t, db, wuhanFund, donation.Designation{Kind: donation.Purpose, Target: "养老院"}, 100_00)
		if boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), "武汉抗疫") {
			t.Fatalf("misuse: %v", err)
		}
		if alerts, _, _ := db.Alerts(ctx, supervision.Filter{Limit: 10}); len(alerts) == 0 || alerts[0].Kind != "restricted_misuse" {
			t.Errorf("no supervisor alert for the misuse: %+v", alerts)
		}
		// Nobody approves their own request.
		e := &ledger.Expenditure{Kind: ledger.Grant, Payee: "武汉市第一医院", Purpose: wuhan, Amount: 400_00,
			Draws: []ledger.Draw{{Fund: wuhanFund, Amount: 400_00}}}
		if err := db.CreateExpenditure(ctx, actor, e, noAlerts); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApproveExpenditure(ctx, actor, e.ID, noAlerts); boai.ErrorCode(err) != boai.EFORBIDDEN {
			t.Errorf("self-approval: %v", err)
		}
		if _, err := db.PayExpenditure(ctx, boss, e.ID); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("paid before approval: %v", err)
		}
		if _, err := db.ApproveExpenditure(ctx, boss, e.ID, noAlerts); err != nil {
			t.Fatal(err)
		}
		paid, err := db.PayExpenditure(ctx, boss, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		// First in, first out: all of d1's 300, then 100 of d2's.
		if len(paid.Donations) != 2 || paid.Donations[0].DonationID != d1.ID || paid.Donations[0].Amount != 300_00 ||
			paid.Donations[1].DonationID != d2.ID || paid.Donations[1].Amount != 100_00 {
			t.Fatalf("links %+v", paid.Donations)
		}
		fund, unused, trail, err := db.MoneyTrail(ctx, d2.ID)
		if err != nil || fund != wuhanFund || unused != 400_00 || len(trail) != 1 || trail[0].Payee != "武汉市第一医院" || trail[0].Amount != 100_00 {
			t.Fatalf("trail of d2: %v %v %+v %v", fund, unused, trail, err)
		}
		// 400 left: 500 more cannot be spent.
		if _, err := spend(t, db, wuhanFund, wuhan, 500_00); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("overdraw: %v", err)
		}
		checkBook(t, db)

		// Spent money cannot be reversed; unspent money can.
		if _, err := db.ReverseDonation(ctx, actor, d1.ID, "录入错误"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("reversed a spent donation: %v", err)
		}
		if _, err := db.ReverseDonation(ctx, actor, general.ID, "重复录入"); err != nil {
			t.Fatal(err)
		}
		if bal, _ := db.FundBalance(ctx, ledger.GeneralFund); bal != 0 {
			t.Errorf("general fund after reversal: %v", bal)
		}
		checkBook(t, db)

		// A release with the donors' consent moves the rest to the general
		// fund; the money stays traceable to its donor.
		if _, err := db.Release(ctx, actor, ledger.Release{From: wuhanFund, To: ledger.GeneralFund, Amount: 400_00, Consent: "同意书 2026-01",
			Reason: "疫情结束，余款转用", Approver: actor.Username}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("release approved by its maker: %v", err)
		}
		if _, err := db.Release(ctx, actor, ledger.Release{From: wuhanFund, To: ledger.GeneralFund, Amount: 400_00, Consent: "同意书 2026-01",
			Reason: "疫情结束，余款转用", Approver: "boss"}); err != nil {
			t.Fatal(err)
		}
		if _, err := spend(t, db, ledger.GeneralFund, donation.Designation{Kind: donation.Purpose, Target: "养老院"}, 400_00); err != nil {
			t.Fatal(err)
		}
		_, unused, trail, err = db.MoneyTrail(ctx, d2.ID)
		if err != nil || unused != 0 || len(trail) != 3 || trail[2].Payee != "杭州某某医疗器械有限公司" {
			t.Fatalf("trail after release: %v %+v %v", unused, trail, err)
		}
		funds, err := db.Funds(ctx, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range funds {
			if f.Fund == wuhanFund && (f.Received != 800_00 || f.Spent != 400_00 || f.Balance != 0 || f.Moved != 400_00) {
				t.Errorf("wuhan fund figures %+v", f)
			}
		}
		checkBook(t, db)
	})
}

// A closed month refuses back-dated entries; a second approver is needed
// over the threshold, and supervisors hear of it.
func TestLedgerPeriodsAndThresholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		now := time.Date(2026, 3, 5, 10, 0, 0, 0, store.CertLocation)
		db.Now = func() time.Time { return now }
		if err := db.ClosePeriod(ctx, boss, "2026-03"); boai.ErrorCode(err) == "" {
			t.Errorf("closed a month not yet over")
		}
		if err := db.ClosePeriod(ctx, boss, "2026-02"); err != nil {
			t.Fatal(err)
		}
		late := newDonation(b.ID, "LATE-1", 100_00)
		late.ReceivedAt = time.Date(2026, 2, 27, 9, 0, 0, 0, store.CertLocation)
		if _, err := db.CreateDonation(ctx, actor, late); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("back-dated into a closed month: %v", err)
		}
		fresh := newDonation(b.ID, "MARCH-1", 100_000_00)
		fresh.ReceivedAt = now.Add(-time.Hour)
		if _, err := db.CreateDonation(ctx, actor, fresh); err != nil {
			t.Fatal(err)
		}
		p := ledger.Policy{SecondApprovalOver: 50_000_00}
		e := &ledger.Expenditure{Kind: ledger.Procurement, Payee: "某某医疗器械公司", Amount: 80_000_00,
			Draws: []ledger.Draw{{Fund: ledger.GeneralFund, Amount: 80_000_00}}}
		if err := db.CreateExpenditure(ctx, actor, e, p); err != nil {
			t.Fatal(err)
		}
		if v, err := db.ApproveExpenditure(ctx, boss, e.ID, p); err != nil || v.Status != ledger.Pending {
			t.Fatalf("one approval over the threshold: %v %v", v.Status, err)
		}
		if _, err := db.ApproveExpenditure(ctx, boss, e.ID, p); boai.ErrorCode(err) != boai.EFORBIDDEN {
			t.Errorf("same approver twice: %v", err)
		}
		if v, err := db.ApproveExpenditure(ctx, boss2, e.ID, p); err != nil || v.Status != ledger.Approved {
			t.Fatalf("second approval: %v %v", v, err)
		}
		if alerts, _, _ := db.Alerts(ctx, supervision.Filter{Limit: 10}); len(alerts) == 0 || alerts[0].Kind != "expenditure_over_threshold" {
			t.Errorf("alerts %+v", alerts)
		}
	})
}

// Donations that arrive together share a batch (on PostgreSQL one
// statement inserts and posts them): one dated into a closed month is
// refused on its own, the others post.
func TestLedgerClosedMonthInABatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		now := time.Date(2026, 3, 5, 10, 0, 0, 0, store.CertLocation)
		db.Now = func() time.Time { return now }
		if err := db.ClosePeriod(ctx, boss, "2026-02"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 48)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := newDonation(b.ID, fmt.Sprintf("BATCH-%d", i), 10_00)
				d.ReceivedAt = now.Add(-time.Hour)
				if i%8 == 0 {
					d.ReceivedAt = time.Date(2026, 2, 27, 9, 0, 0, 0, store.CertLocation)
				}
				_, errs[i] = db.CreateDonation(ctx, actor, d)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if i%8 == 0 && boai.ErrorCode(err) != boai.ECONFLICT {
				t.Errorf("donation %d, back-dated into a closed month: %v", i, err)
			} else if i%8 != 0 && err != nil {
				t.Errorf("donation %d: %v", i, err)
			}
		}
		if bal, err := db.FundBalance(ctx, ledger.GeneralFund); err != nil || bal != 42*10_00 {
			t.Errorf("general fund %v (%v), want %v", bal, err, money.Fen(42*10_00))
		}
		checkBook(t, db)
	})
}

// Concurrent spending from one fund never overdraws it: of 12 payments of
// 40% each, exactly two go through.
func TestLedgerConcurrentSpending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		for range 10 {
			give(t, db, b.ID, 100_00, wuhan)
		}
		var ids []int64
		for range 12 {
			e := &ledger.Expenditure{Kind: ledger.Grant, Payee: "武汉市第一医院", Purpose: wuhan, Amount: 400_00,
				Draws: []ledger.Draw{{Fund: wuhanFund, Amount: 400_00}}}
			if err := db.CreateExpenditure(ctx, actor, e, noAlerts); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApproveExpenditure(ctx, boss, e.ID, noAlerts); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for _, id := range ids {
			wg.Go(func() {
				_, err := db.PayExpenditure(ctx, boss, id)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if boai.ErrorCode(err) != boai.ECONFLICT {
					t.Errorf("pay %d: %v", id, err)
				}
			})
		}
		wg.Wait()
		if ok != 2 {
			t.Errorf("%d payments of 40%% went through, want 2", ok)
		}
		if bal, _ := db.FundBalance(ctx, wuhanFund); bal != 200_00 {
			t.Errorf("balance %v", bal)
		}
		checkBook(t, db)
	})
}

// Random sequences of donations, expenditures, reversals and releases
// keep every transaction balanced, the trial balance at zero, no fund
// negative, and every payment's links equal to its amount.
func TestLedgerProperty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		rng := rand.New(rand.NewPCG(7, 11))
		designations := []donation.Designation{{}, wuhan, {Kind: donation.Region, Target: "淳安县"}}
		var gifts []*donation.Donation
		var paid []int64
		steps := 300
		if testing.Short() {
			steps = 60
		}
		for range steps {
			des := designations[rng.IntN(len(designations))]
			fund := ledger.FundOf(des)
			switch op := rng.IntN(10); {
			case op < 5:
				gifts = append(gifts, give(t, db, b.ID, 1+rng.Int64N(100_000), des))
			case op < 8:
				e, err := spend(t, db, fund, des, 1+rng.Int64N(150_000))
				if err == nil {
					paid = append(paid, e.ID)
				} else if c := boai.ErrorCode(err); c != boai.ECONFLICT {
					t.Fatalf("spend: %v", err)
				}
			case op < 9 && len(gifts) > 0:
				g := gifts[rng.IntN(len(gifts))]
				if _, err := db.ReverseDonation(ctx, actor, g.ID, "随机冲正"); err != nil && boai.ErrorCode(err) != boai.ECONFLICT {
					t.Fatalf("reverse: %v", err)
				}
			default:
				if fund == ledger.GeneralFund {
					continue
				}
				_, err := db.Release(ctx, actor, ledger.Release{From: fund, To: ledger.GeneralFund, Amount: money.Fen(1 + rng.Int64N(50_000)),
					Consent: "同意书", Reason: "转用", Approver: "boss"})
				if err != nil && boai.ErrorCode(err) != boai.ECONFLICT {
					t.Fatalf("release: %v", err)
				}
			}
		}
		checkBook(t, db)
		for _, id := range paid {
			v, err := db.Expenditure(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Fen
			for _, u := range v.Donations {
				sum += u.Amount
			}
			if sum != v.Amount {
				t.Errorf("expenditure %d of %v links %v", id, v.Amount, sum)
			}
		}
		if n, err := db.RollCheckpoints(ctx); err != nil || n == 0 {
			t.Fatalf("roll: %d %v", n, err)
		}
		funds, err := db.Funds(ctx, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range funds {
			bal, err := db.FundBalance(ctx, f.Fund)
			if err != nil || bal != f.Balance || bal < 0 {
				t.Errorf("fund %s: balance %v after checkpoint, %v summed (%v)", f.Fund, bal, f.Balance, err)
			}
		}
	})
}

// The brief's figures: ¥177 million received, ¥165 million spent, 93.2%.
func TestLedgerHangzhouRate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, b := seed(t, db)
		for range 3 {
			give(t, db, b.ID, 59_000_000_00, donation.Designation{})
		}
		for _, fen := range []int64{100_000_000_00, 65_000_000_00} {
			if _, err := spend(t, db, ledger.GeneralFund, donation.Designation{}, fen); err != nil {
				t.Fatal(err)
			}
		}
		funds, err := db.Funds(context.Background(), time.Time{}, time.Time{})
		if err != nil || len(funds) != 1 {
			t.Fatalf("funds %+v %v", funds, err)
		}
		if got := funds[0].Rate().String(); got != "93.2%" || funds[0].Received != 177_000_000_00 || funds[0].Spent != 165_000_000_00 {
			t.Errorf("rate %s of %+v", got, funds[0])
		}
		checkBook(t, db)
	})
}

// First in, first out is the default; finance may instead name the
// donations a payment uses (a donor asked for this purchase). The chosen
// amounts must cover the draw and stay within each donation's unused money.
func TestLedgerChosenDonations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		old := give(t, db, b.ID, 500_00, wuhan)
		mine := give(t, db, b.ID, 300_00, wuhan)
		pay := func(chosen map[int64]money.Fen) (*store.ExpenditureView, error) {
			e := &ledger.Expenditure{Kind: ledger.Procurement, Payee: "某某公司", Purpose: wuhan, Amount: 200_00,
				Draws: []ledger.Draw{{Fund: wuhanFund, Amount: 200_00}}}
			if err := db.CreateExpenditure(ctx, actor, e, noAlerts); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApproveExpenditure(ctx, boss, e.ID, noAlerts); err != nil {
				t.Fatal(err)
			}
			return db.PayExpenditureFrom(ctx, boss, e.ID, chosen)
		}
		if _, err := pay(map[int64]money.Fen{mine.ID: 150_00}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("chosen amounts short of the draw: %v", err)
		}
		if _, err := pay(map[int64]money.Fen{mine.ID: 400_00}); err == nil {
			t.Errorf("a donation gave more than it has")
		}
		v, err := pay(map[int64]money.Fen{mine.ID: 200_00})
		if err != nil || len(v.Donations) != 1 || v.Donations[0].DonationID != mine.ID {
			t.Fatalf("chosen payment: %+v %v", v, err)
		}
		// The older donation was left untouched; the next FIFO payment
		// starts with it.
		v, err = pay(nil)
		if err != nil || len(v.Donations) != 1 || v.Donations[0].DonationID != old.ID {
			t.Fatalf("FIFO after a chosen payment: %+v %v", v, err)
		}
		checkBook(t, db)
	})
}
