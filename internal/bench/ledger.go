package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/store"
)

// LedgerOptions configure the ledger read benchmark.
type LedgerOptions struct {
	DB        string // PostgreSQL URL; empty for SQLite in a temp dir
	Donations int    // how many donations the book holds
	Samples   int    // reads measured per question
	Out       io.Writer
}

// Ledger fills a book with o.Donations donations over 20 funds, pays out
// about a third of each fund (linking hundreds of thousands of donations
// first-in-first-out), and then measures the two questions people ask:
// a fund's balance, and "where did my money go" for one donation.
func Ledger(ctx context.Context, o LedgerOptions) error {
	if o.Donations <= 0 {
		o.Donations = 1_000_000
	}
	if o.Samples <= 0 {
		o.Samples = 2000
	}
	db, u, done, err := fresh(ctx, o.DB)
	if err != nil {
		return err
	}
	defer done()
	a := audit.Actor{UserID: u.ID, Username: u.Username, Role: string(u.Role), Via: "bench"}
	rng := rand.New(rand.NewPCG(1, 2))
	des := make([]donation.Designation, 20)
	for i := range des {
		if i > 0 {
			des[i] = donation.Designation{Kind: donation.Purpose, Target: fmt.Sprintf("项目%02d", i)}
		}
	}
	start := time.Now()
	imp := &store.Import{Filename: "bench.csv", Mapping: "{}", BranchID: u.BranchID, Designation: `{"kind":"undesignated"}`, Content: []byte("bench")}
	if err := db.CreateImport(ctx, a, imp); err != nil {
		return err
	}
	const chunk = 50_000
	at := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	for n := 0; n < o.Donations; n += chunk {
		ds := make([]*donation.Donation, 0, chunk)
		for i := n; i < min(n+chunk, o.Donations); i++ {
			ds = append(ds, &donation.Donation{Donor: donation.Donor{Kind: donation.Person, Name: donorName(i)},
				AmountFen: money.Fen(1000 + rng.Int64N(100_000)), Channel: donation.Bank, ReceivedAt: at, Designation: des[i%len(des)],
				BranchID: u.BranchID, ExternalRef: fmt.Sprintf("BENCH-%09d", i), Source: donation.SourceImport})
		}
		if _, _, _, err := db.CommitImport(ctx, a, imp.ID, ds, len(ds), nil); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Out, "boai bench ledger: %d donations with their postings in %.1fs\n", o.Donations, time.Since(start).Seconds())

	start = time.Now()
	approver := audit.Actor{Username: "bench-approver", Role: "finance", Via: "bench"}
	policy := ledger.Policy{SecondApprovalOver: money.Fen(1) << 60}
	payments := 0
	for _, d := range des {
		fund := ledger.FundOf(d)
		bal, err := db.FundBalance(ctx, fund)
		if err != nil {
			return err
		}
		for range 5 {
			e := &ledger.Expenditure{Kind: ledger.Procurement, Payee: "杭州某某医疗器械有限公司", Purpose: d, Amount: bal / 15,
				Draws: []ledger.Draw{{Fund: fund, Amount: bal / 15}}}
			if err := db.CreateExpenditure(ctx, a, e, policy); err != nil {
				return err
			}
			if _, err := db.ApproveExpenditure(ctx, approver, e.ID, policy); err != nil {
				return err
			}
			if _, err := db.PayExpenditure(ctx, approver, e.ID); err != nil {
				return err
			}
			payments++
		}
	}
	fmt.Fprintf(o.Out, "%d payments linked first-in-first-out in %.1fs\n", payments, time.Since(start).Seconds())
	// Statistics as after autovacuum (or an operator's ANALYZE after a bulk
	// load): a planner that still thinks the tables empty picks scans.
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	if _, err := db.RollCheckpoints(ctx); err != nil {
		return err
	}
	// Donations after the checkpoint, as between two runs of the job.
	for i := range 5000 {
		d := &donation.Donation{Donor: donation.Donor{Kind: donation.Organization, Name: "某某公司"}, AmountFen: 100_00, Channel: donation.WeChat,
			ReceivedAt: at, Designation: des[i%len(des)], BranchID: u.BranchID, ExternalRef: fmt.Sprintf("TAIL-%06d", i), Source: donation.SourceAPI}
		if _, err := db.CreateDonation(ctx, a, d); err != nil {
			return err
		}
	}

	measure := func(name string, op func(i int) error) error {
		lat := make([]time.Duration, 0, o.Samples)
		for i := range o.Samples {
			t := time.Now()
			if err := op(i); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		slices.Sort(lat)
		fmt.Fprintf(o.Out, "%-34s %6d reads  p50 %7.3fms  p99 %7.3fms  max %7.3fms\n", name, len(lat), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1]))
		return nil
	}
	if err := measure("fund balance", func(i int) error {
		_, err := db.FundBalance(ctx, ledger.FundOf(des[rng.IntN(len(des))]))
		return err
	}); err != nil {
		return err
	}
	return measure("where did my money go (1 donation)", func(i int) error {
		id := 1 + rng.Int64N(int64(o.Donations))
		_, _, _, err := db.MoneyTrail(ctx, id)
		return err
	})
}
