package demo

import (
	"context"
	"fmt"
	"time"

	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/receipt"
	"boai/internal/store"
)

// payees are where the demo society's money went: hospitals it granted
// to, suppliers it bought from, the branches it passed money on to.
var payees = []struct {
	kind  ledger.Category
	payee string
}{
	{ledger.Grant, "浙江大学医学院附属第一医院"},
	{ledger.Procurement, "杭州某某医疗器械有限公司"},
	{ledger.Grant, "杭州市西溪医院"},
	{ledger.Transfer, "淳安县红十字会"},
	{ledger.Procurement, "浙江某某防护用品有限公司"},
}

// Spending pays out most of what each fund received, as a society does
// in an emergency: a request by the clerk, approval (a second approver
// for large sums), payment by finance, each linked to the donations it
// used. The utilisation rate then reads like the brief's (about 90%).
func Spending(ctx context.Context, db *store.DB, staff map[string]audit.Actor, now time.Time) error {
	orig := db.Now
	defer func() { db.Now = orig }()
	db.Now = func() time.Time { return now.Add(-2 * time.Hour) }
	funds, err := db.Funds(ctx, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	policy := ledger.DefaultPolicy
	for i, f := range funds {
		if f.Fund.Goods() || f.Balance < 10_000_00 {
			continue // small funds wait for more gifts
		}
		share := f.Balance * money.Fen(85+i%10) / 100
		for part := range 2 {
			p := payees[(i+part)%len(payees)]
			amount := share / 2
			purpose := f.Fund.Designation()
			e := &ledger.Expenditure{Kind: p.kind, Payee: p.payee, Purpose: purpose, Amount: amount,
				Note: fmt.Sprintf("第 %d 批", part+1), Draws: []ledger.Draw{{Fund: f.Fund, Amount: amount}}}
			if err := db.CreateExpenditure(ctx, staff["clerk"], e, policy); err != nil {
				return fmt.Errorf("demo expenditure: %w", err)
			}
			for _, who := range []string{"approver", "finance"} {
				v, err := db.Expenditure(ctx, e.ID)
				if err != nil {
					return err
				}
				if v.Status != ledger.Pending {
					break
				}
				if _, err := db.ApproveExpenditure(ctx, staff[who], e.ID, policy); err != nil {
					return fmt.Errorf("demo approval: %w", err)
				}
			}
			if _, err := db.PayExpenditure(ctx, staff["finance"], e.ID); err != nil {
				return fmt.Errorf("demo payment: %w", err)
			}
		}
	}
	// Twice someone tried to pay the society's running costs from money
	// designated for something else: refused, and supervisors alerted.
	tried := 0
	for _, f := range funds {
		if tried == 2 || !f.Fund.Restricted() || f.Fund.Goods() {
			continue
		}
		db.Now = func() time.Time { return now.Add(-time.Duration(30+tried*90) * time.Minute) }
		e := &ledger.Expenditure{Kind: ledger.Operating, Payee: "杭州某某广告有限公司", Purpose: donation.Designation{}, Amount: 2_000_00,
			Note: "宣传物料", Draws: []ledger.Draw{{Fund: f.Fund, Amount: 2_000_00}}}
		if err := db.CreateExpenditure(ctx, staff["clerk"], e, policy); err == nil {
			return fmt.Errorf("demo: paying running costs from %s was accepted", f.Fund)
		}
		tried++
	}
	return nil
}

// Receipts gives the demo society a stock of receipt forms from the
// finance bureau and receipts for its larger named gifts, one of them
// voided and reissued, as a finance office's register looks.
func Receipts(ctx context.Context, db *store.DB, staff map[string]audit.Actor, now time.Time) error {
	orig := db.Now
	defer func() { db.Now = orig }()
	db.Now = func() time.Time { return now.Add(-time.Hour) }
	fin := staff["finance"]
	r := &store.ReceiptRange{Range: receipt.Range{Code: "33010120", Start: 1, End: 500, Width: 10, Holder: "周敏"},
		ObtainedOn: now.AddDate(0, -2, 0).Format("2006-01-02"), Note: "市财政局领购"}
	if err := db.AddReceiptRange(ctx, fin, r); err != nil {
		return fmt.Errorf("demo receipt stock: %w", err)
	}
	ds, _, _, err := db.Donations(ctx, store.DonationFilter{Kind: donation.KindDonation, Limit: 200})
	if err != nil {
		return err
	}
	issued := 0
	for _, d := range ds {
		if issued == 40 || d.Donor.Anonymous || d.ReversedBy != 0 || d.AmountFen < 1000_00 {
			continue
		}
		rc, err := db.IssueMoneyReceipt(ctx, fin, d.ID, store.ReceiptIssue{Holder: "周敏", Reviewer: "王丽", Payee: "周敏"})
		if err != nil {
			continue // not every gift can have one (a declined donor): the register shows what could
		}
		issued++
		if issued == 7 {
			if _, err := db.ReissueReceipt(ctx, fin, rc.ID, "交款人名称有误 / payer's name misspelt", store.ReceiptIssue{Holder: "周敏", Reviewer: "王丽", Payee: "周敏"}); err != nil {
				return fmt.Errorf("demo reissue: %w", err)
			}
		}
	}
	// Donors who asked for a receipt and have not had one yet: three
	// asked over a week ago (supervisors are alerted), two this week.
	older, _, _, err := db.Donations(ctx, store.DonationFilter{Kind: donation.KindDonation, To: now.AddDate(0, 0, -13), Limit: 100})
	if err != nil {
		return err
	}
	asked := 0
	for _, d := range older {
		if asked == 5 {
			break
		}
		ago := []int{12, 10, 9, 2, 1}[asked]
		at := now.AddDate(0, 0, -ago)
		if d.Donor.Anonymous || d.ReversedBy != 0 || d.AmountFen < 100_00 || !d.ReceivedAt.Before(at) {
			continue
		}
		if ok, err := db.DonationReceipted(ctx, d.ID); err != nil || ok {
			continue
		}
		db.Now = func() time.Time { return at }
		if _, err := db.RequestReceipt(ctx, staff["clerk"], d.ID, []string{"电话来询，邮寄", "微信留言", "来函索取"}[asked%3]); err != nil {
			continue // a donor who declined a receipt cannot ask for one
		}
		asked++
	}
	return nil
}
