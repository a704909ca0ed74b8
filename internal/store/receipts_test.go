package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/receipt"
	"boai/internal/store"
	"boai/internal/store/storetest"
)

const receiptCode = "33010126"

var clerks = store.ReceiptIssue{Reviewer: "陈会计", Payee: "王出纳"}

// addRange registers numbers start to end under receiptCode for holder.
func addRange(t testing.TB, db *store.DB, start, end int64, holder string) *store.ReceiptRange {
	t.Helper()
	r := &store.ReceiptRange{Range: receipt.Range{Code: receiptCode, Start: start, End: end, Width: 10, Holder: holder}, ObtainedOn: "2026-11-02"}
	if err := db.AddReceiptRange(context.Background(), actor, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func wantCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if boai.ErrorCode(err) != code || !strings.Contains(boai.ErrorMessage(err), msg) {
		t.Errorf("%s: got %v (%s), want %s containing %q", what, err, boai.ErrorCode(err), code, msg)
	}
}

func auditClean(t *testing.T, db *store.DB) receipt.Audit {
	t.Helper()
	a, err := db.ReceiptAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Clean() || a.Live+a.Voided != a.Used {
		t.Fatalf("receipt audit not clean: %+v", a)
	}
	return a
}

// Issue, void, reissue and a spoiled form: numbers are used in order,
// every one is on a valid receipt or explained by its void, and the check
// codes verify.
func TestReceiptNumbering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		addRange(t, db, 1, 100, "陈会计")
		var ds []*donation.Donation
		var rs []*store.ReceiptView
		for i := range 3 {
			d := give(t, db, b.ID, int64(10000*(i+1)), donation.Designation{})
			r, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks)
			if err != nil {
				t.Fatal(err)
			}
			if r.Number != int64(i+1) || r.Code != receiptCode || r.Amount != d.AmountFen || r.Payer != "张小明" || r.Item != "捐赠款·非定向" ||
				r.NumberText() != fmt.Sprintf("%010d", i+1) || r.CertNo != d.CertNo || !r.Valid() {
				t.Fatalf("receipt %d: %+v", i, r)
			}
			if ok, err := db.CheckReceiptCode(ctx, &r.Receipt, strings.ToLower(r.CheckCode)); err != nil || !ok {
				t.Errorf("check code of %v does not verify: %v", r.Serial, err)
			}
			if ok, _ := db.CheckReceiptCode(ctx, &r.Receipt, "000000"); ok {
				t.Errorf("a made-up check code verifies")
			}
			ds, rs = append(ds, d), append(rs, r)
		}
		if _, err := db.VoidReceipt(ctx, actor, rs[1].ID, " "); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("void without a reason: %v", err)
		}
		v, err := db.VoidReceipt(ctx, actor, rs[1].ID, "金额录入错误")
		if err != nil || v.Valid() || v.Void == nil || v.Void.Reason != "金额录入错误" {
			t.Fatalf("void: %+v %v", v, err)
		}
		if _, err := db.VoidReceipt(ctx, actor, rs[1].ID, "again"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("voiding twice: %v", err)
		}
		// The voided gift is receipted anew: a new number.
		again, err := db.IssueMoneyReceipt(ctx, actor, ds[1].ID, clerks)
		if err != nil || again.Number != 4 {
			t.Fatalf("issue after void: %+v %v", again, err)
		}
		re, err := db.ReissueReceipt(ctx, actor, rs[2].ID, "收款人填错", store.ReceiptIssue{Reviewer: "陈会计", Payee: "李出纳"})
		if err != nil {
			t.Fatal(err)
		}
		if re.Number != 5 || re.ReissueOf != rs[2].ID || re.Reissues != rs[2].Serial || re.Payee != "李出纳" || re.Amount != ds[2].AmountFen {
			t.Errorf("reissue: %+v", re)
		}
		old, err := db.Receipt(ctx, rs[2].ID)
		if err != nil || old.Valid() || old.ReissuedAs != re.ID || old.Void == nil || old.Void.Reason != "收款人填错" {
			t.Errorf("reissued receipt: %+v %v", old, err)
		}
		if _, err := db.ReissueReceipt(ctx, actor, rs[2].ID, "再来", clerks); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("reissuing twice: %v", err)
		}
		sp, err := db.SpoilForm(ctx, actor, "", "打印卡纸")
		if err != nil || sp.Number != 6 || sp.ReceiptID != 0 {
			t.Fatalf("spoil: %+v %v", sp, err)
		}
		if _, err := db.SpoilForm(ctx, actor, "", ""); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("spoil without a reason: %v", err)
		}
		a := auditClean(t, db)
		if a.Used != 6 || a.Live != 3 || a.Voided != 3 || a.Remaining != 94 || len(a.Explained) != 3 {
			t.Errorf("audit %+v", a)
		}
		ranges, err := db.ReceiptRanges(ctx)
		if err != nil || len(ranges) != 1 || ranges[0].Used != 6 || ranges[0].Live != 3 || ranges[0].Voided != 3 || ranges[0].Remaining() != 94 {
			t.Errorf("ranges %+v %v", ranges, err)
		}
		reg, err := db.ReceiptsRegister(ctx, store.ReceiptFilter{})
		if err != nil || reg.Total != 5 || reg.Valid != 3 || reg.Amount != 10000+20000+30000 || len(reg.Receipts) != 5 || reg.Receipts[0].Number != 1 {
			t.Errorf("register %+v %v", reg, err)
		}
		if reg, _ := db.ReceiptsRegister(ctx, store.ReceiptFilter{Status: receipt.Voided}); reg.Total != 2 {
			t.Errorf("voided in the register: %d", reg.Total)
		}
		got, err := db.ReceiptBySerial(ctx, receipt.Serial{Code: receiptCode, Number: 5})
		if err != nil || got.ID != re.ID {
			t.Errorf("by serial: %+v %v", got, err)
		}
		if _, err := db.ReceiptBySerial(ctx, receipt.Serial{Code: receiptCode, Number: 6}); boai.ErrorCode(err) != boai.ENOTFOUND {
			t.Errorf("a spoiled form's number: %v", err)
		}
	})
}

func TestReceiptStock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		d := give(t, db, b.ID, 5000, donation.Designation{})
		if _, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks); boai.ErrorCode(err) != boai.ECONFLICT || !strings.Contains(err.Error(), "号码段") {
			t.Errorf("issue without stock: %v", err)
		}
		addRange(t, db, 1, 2, "王出纳")
		addRange(t, db, 101, 101, "陈会计")
		for _, r := range []store.ReceiptRange{
			{Range: receipt.Range{Code: receiptCode, Start: 2, End: 50, Width: 10, Holder: "李"}, ObtainedOn: "2026-11-02"},
			{Range: receipt.Range{Code: receiptCode, Start: 90, End: 101, Width: 10, Holder: "李"}, ObtainedOn: "2026-11-02"},
		} {
			if err := db.AddReceiptRange(ctx, actor, &r); boai.ErrorCode(err) != boai.ECONFLICT {
				t.Errorf("overlapping range %d–%d: %v", r.Start, r.End, err)
			}
		}
		bad := store.ReceiptRange{Range: receipt.Range{Code: "A1", Start: 1, End: 5, Width: 10, Holder: "李"}, ObtainedOn: "2026-11-02"}
		if err := db.AddReceiptRange(ctx, actor, &bad); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("letters in the code: %v", err)
		}
		// An invalid receipt takes no number.
		if _, err := db.IssueMoneyReceipt(ctx, actor, d.ID, store.ReceiptIssue{Reviewer: "王出纳", Payee: "王出纳"}); boai.ErrorCode(err) != boai.EINVALID {
			t.Errorf("reviewer is payee: %v", err)
		}
		r, err := db.IssueMoneyReceipt(ctx, actor, d.ID, store.ReceiptIssue{Holder: "陈会计", Reviewer: "陈会计", Payee: "王出纳"})
		if err != nil || r.Number != 101 {
			t.Fatalf("陈会计's form: %+v %v", r, err)
		}
		for i := range 2 {
			d := give(t, db, b.ID, 5000, donation.Designation{})
			if r, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks); err != nil || r.Number != int64(i+1) {
				t.Fatalf("first range: %+v %v", r, err)
			}
		}
		d = give(t, db, b.ID, 5000, donation.Designation{})
		if _, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks); boai.ErrorCode(err) != boai.ECONFLICT || !strings.Contains(err.Error(), "用完") {
			t.Errorf("stock used up: %v", err)
		}
		if hs, err := db.ReceiptHolders(ctx); err != nil || len(hs) != 0 {
			t.Errorf("holders with blanks: %v %v", hs, err)
		}
		auditClean(t, db)
	})
}

// Sixteen issues at once take sixteen distinct, consecutive numbers.
func TestReceiptConcurrentIssue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		addRange(t, db, 1, 1000, "陈会计")
		const n = 16
		ds := make([]*donation.Donation, n)
		for i := range ds {
			ds[i] = give(t, db, b.ID, int64(100+i), donation.Designation{})
		}
		nums := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r, err := db.IssueMoneyReceipt(ctx, actor, ds[i].ID, clerks)
				if err == nil {
					nums[i] = r.Number
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("issue %d: %v", i, err)
			}
		}
		slices.Sort(nums)
		for i, x := range nums {
			if x != int64(i+1) {
				t.Fatalf("numbers %v, want 1–%d", nums, n)
			}
		}
		// The same donation from many clerks at once: one receipt.
		d := give(t, db, b.ID, 999, donation.Designation{})
		var ok, conflict int
		var mu sync.Mutex
		for range 8 {
			wg.Go(func() {
				_, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks)
				mu.Lock()
				defer mu.Unlock()
				switch boai.ErrorCode(err) {
				case "":
					ok++
				case boai.ECONFLICT:
					conflict++
				default:
					t.Errorf("concurrent issue of one donation: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || conflict != 7 {
			t.Errorf("one donation issued %d times, %d refused", ok, conflict)
		}
		if a := auditClean(t, db); a.Used != n+1 {
			t.Errorf("used %d", a.Used)
		}
	})
}

// No receipt for anonymous, declined or reversed gifts, each with its
// reason; a receipted donation is locked until its receipt is voided.
func TestReceiptEligibilityAndLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		addRange(t, db, 1, 100, "陈会计")

		anon := newDonation(b.ID, "ANON-1", 5000)
		anon.Donor.Anonymous = true
		if _, err := db.CreateDonation(ctx, actor, anon); err != nil {
			t.Fatal(err)
		}
		_, err := db.IssueMoneyReceipt(ctx, actor, anon.ID, clerks)
		wantCode(t, "anonymous donation", err, boai.ECONFLICT, "匿名")

		declined := give(t, db, b.ID, 6000, donation.Designation{})
		if err := db.RecordReceiptChoice(ctx, actor, declined.ID, store.ChoiceDeclined, "电话告知不需要"); err != nil {
			t.Fatal(err)
		}
		_, err = db.IssueMoneyReceipt(ctx, actor, declined.ID, clerks)
		wantCode(t, "declined", err, boai.ECONFLICT, "不需要票据")
		g, err := db.DonationReceipt(ctx, declined.ID)
		if err != nil || g.Standing != receipt.Declined || g.Choice == nil || g.Choice.Note != "电话告知不需要" || g.Why() == "" {
			t.Errorf("declined standing: %+v %v", g, err)
		}
		// A change of mind: a receipt after all.
		if err := db.RecordReceiptChoice(ctx, actor, declined.ID, store.ChoiceWanted, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.IssueMoneyReceipt(ctx, actor, declined.ID, clerks); err != nil {
			t.Errorf("issue after the donor changed their mind: %v", err)
		}
		if err := db.RecordReceiptChoice(ctx, actor, declined.ID, store.ChoiceDeclined, ""); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("declining a receipt already issued: %v", err)
		}

		noName := give(t, db, b.ID, 7000, donation.Designation{})
		if err := db.RecordReceiptChoice(ctx, actor, noName.ID, store.ChoiceAnonymous, ""); err != nil {
			t.Fatal(err)
		}
		_, err = db.IssueMoneyReceipt(ctx, actor, noName.ID, clerks)
		wantCode(t, "anonymous by choice", err, boai.ECONFLICT, "匿名")
		choices, err := db.ReceiptChoices(ctx, time.Time{}, time.Time{})
		if err != nil || len(choices) != 3 || choices[0].Choice != store.ChoiceAnonymous || choices[0].CertNo != noName.CertNo {
			t.Errorf("choices %+v %v", choices, err)
		}

		reversed := give(t, db, b.ID, 8000, donation.Designation{})
		rev, err := db.ReverseDonation(ctx, actor, reversed.ID, "重复录入")
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.IssueMoneyReceipt(ctx, actor, reversed.ID, clerks)
		wantCode(t, "reversed donation", err, boai.ECONFLICT, "冲销")
		_, err = db.IssueMoneyReceipt(ctx, actor, rev.ID, clerks)
		wantCode(t, "reversal record", err, boai.ECONFLICT, "冲销")
		_, err = db.IssueMoneyReceipt(ctx, actor, 999999, clerks)
		wantCode(t, "no such donation", err, boai.ENOTFOUND, "")

		// Receipted: locked, for the reversal that will ask.
		d := give(t, db, b.ID, 9000, donation.Designation{})
		locked := func() bool {
			t.Helper()
			var got bool
			if err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				got, err = tx.ReceiptLocked(ctx, d.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if pub, err := db.DonationReceipted(ctx, d.ID); err != nil || pub != got {
				t.Errorf("DonationReceipted %v %v, ReceiptLocked %v", pub, err, got)
			}
			return got
		}
		if locked() {
			t.Error("locked before any receipt")
		}
		r, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks)
		if err != nil {
			t.Fatal(err)
		}
		if !locked() {
			t.Error("a receipted donation is not locked")
		}
		_, err = db.IssueMoneyReceipt(ctx, actor, d.ID, clerks)
		wantCode(t, "second receipt", err, boai.ECONFLICT, "已开具票据")
		// A receipted donation cannot be changed: reversing it is refused
		// until its receipt is voided.
		_, err = db.ReverseDonation(ctx, actor, d.ID, "金额录错")
		wantCode(t, "reversing a receipted donation", err, boai.ECONFLICT, "作废票据")
		g, err = db.DonationReceipt(ctx, d.ID)
		if err != nil || g.Live == nil || g.Live.ID != r.ID || len(g.All) != 1 || g.Standing != receipt.Eligible {
			t.Errorf("donation receipt %+v %v", g, err)
		}
		if _, err := db.VoidReceipt(ctx, actor, r.ID, "捐赠人信息有误"); err != nil {
			t.Fatal(err)
		}
		if locked() {
			t.Error("still locked after the receipt was voided")
		}
		auditClean(t, db)
	})
}

// A donor's request is listed until the receipt answers it.
func TestReceiptRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		addRange(t, db, 1, 100, "陈会计")
		d := give(t, db, b.ID, 20000, donation.Designation{})
		q, err := db.RequestReceipt(ctx, actor, d.ID, "电话 138****8000，邮寄")
		if err != nil || q.DonationID != d.ID || q.CertNo != d.CertNo || !q.AnsweredAt.IsZero() {
			t.Fatalf("request %+v %v", q, err)
		}
		if _, err := db.RequestReceipt(ctx, actor, d.ID, "again"); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("second open request: %v", err)
		}
		open, err := db.UnansweredReceiptRequests(ctx, 0)
		if err != nil || len(open) != 1 || open[0].ID != q.ID || open[0].Channel != "电话 138****8000，邮寄" {
			t.Errorf("unanswered %+v %v", open, err)
		}
		if old, err := db.UnansweredReceiptRequests(ctx, time.Hour); err != nil || len(old) != 0 {
			t.Errorf("unanswered for an hour: %+v %v", old, err)
		}
		g, err := db.DonationReceipt(ctx, d.ID)
		if err != nil || g.Request == nil || g.Request.ID != q.ID {
			t.Errorf("open request on the donation: %+v %v", g, err)
		}
		r, err := db.IssueMoneyReceipt(ctx, actor, d.ID, clerks)
		if err != nil {
			t.Fatal(err)
		}
		if open, err := db.OpenReceiptRequests(ctx); err != nil || len(open) != 0 {
			t.Errorf("still open after issue: %+v %v", open, err)
		}
		if _, err := db.RequestReceipt(ctx, actor, d.ID, ""); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("request for a receipted donation: %v", err)
		}
		g, _ = db.DonationReceipt(ctx, d.ID)
		if g.Request != nil || g.Live == nil || g.Live.ID != r.ID {
			t.Errorf("after issue: %+v", g)
		}
	})
}

// Goods get a receipt only with a valid valuation; goods that cannot be
// appraised never do.
func TestGoodsReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newStockFixture(t, db)
		addRange(t, db, 1, 100, "陈会计")
		d := &inkind.Donation{BranchID: f.main.BranchID,
			Donor: donation.Donor{Kind: donation.Organization, Name: "杭州某某医疗器械有限公司"},
			Lines: []inkind.Line{
				{ItemID: f.n95.ID, Declared: 2000, Spec: "1860", Valuation: inkind.Evidence, DeclaredFen: 2000000, EvidenceKind: "invoice", EvidenceRef: "FP-001"},
				{ItemID: f.kn95.ID, Declared: 500, Valuation: inkind.Unappraisable},
				{ItemID: f.kn95.ID, Declared: 300, Valuation: inkind.Pending},
			}}
		if err := db.CreateInKind(ctx, actor, d); err != nil {
			t.Fatal(err)
		}
		if _, err := db.IssueGoodsReceipt(ctx, actor, d.ID, 0, clerks); boai.ErrorCode(err) != boai.ECONFLICT || !strings.Contains(err.Error(), "验收完成") {
			t.Errorf("receipt before settlement: %v", err)
		}
		roles := []string{inkind.RoleUnloading, inkind.RoleSorting, inkind.RoleCounting}
		for line, l := range d.Lines {
			for _, role := range append(roles, inkind.RoleMedicalCheck) {
				if err := db.SignInKind(ctx, actor, d.ID, inkind.SignOff{Line: line, Role: role, Person: "签收人", Counted: l.Declared, Verdict: inkind.Accepted}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := db.SettleInKind(ctx, actor, d.ID, roles, f.main.ID); err != nil {
			t.Fatal(err)
		}
		r, err := db.IssueGoodsReceipt(ctx, actor, d.ID, 0, clerks)
		if err != nil {
			t.Fatal(err)
		}
		if !r.InKind || r.DonationID != d.ID || r.Line != 0 || r.Quantity != 2000 || r.Amount != 2000000 || r.Unit != f.n95.Unit ||
			!strings.Contains(r.Item, f.n95.Name) || r.CertNo != d.CertNo {
			t.Errorf("goods receipt %+v", r)
		}
		_, err = db.IssueGoodsReceipt(ctx, actor, d.ID, 1, clerks)
		wantCode(t, "unappraisable goods", err, boai.ECONFLICT, "无法评估")
		_, err = db.IssueGoodsReceipt(ctx, actor, d.ID, 2, clerks)
		wantCode(t, "goods not valued", err, boai.ECONFLICT, "尚未估值")
		_, err = db.IssueGoodsReceipt(ctx, actor, d.ID, 0, clerks)
		wantCode(t, "second goods receipt", err, boai.ECONFLICT, "已开具票据")
		_, err = db.IssueGoodsReceipt(ctx, actor, d.ID, 7, clerks)
		wantCode(t, "no such line", err, boai.EINVALID, "")
		waiting, err := db.GoodsAwaitingReceipts(ctx, 0)
		if err != nil || len(waiting) != 2 || waiting[0].Line != 1 || waiting[0].Standing != receipt.Unappraisable ||
			waiting[1].Standing != receipt.Unvalued || waiting[0].Why() == "" {
			t.Errorf("goods awaiting receipts: %+v %v", waiting, err)
		}
		re, err := db.ReissueReceipt(ctx, actor, r.ID, "复核人更正", store.ReceiptIssue{Reviewer: "赵会计", Payee: "王出纳"})
		if err != nil || !re.InKind || re.Line != 0 || re.Reviewer != "赵会计" || re.Number != 2 {
			t.Errorf("goods reissue: %+v %v", re, err)
		}
		if err := db.RecordGoodsReceiptChoice(ctx, actor, d.ID, store.ChoiceDeclined, ""); boai.ErrorCode(err) != boai.ECONFLICT {
			t.Errorf("declining receipted goods: %v", err)
		}
		auditClean(t, db)
	})
}

// The database refuses to delete or edit receipts; what a direct write
// can still do (skip a number, void without a record) the audit finds.
func TestReceiptAuditFindsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, b := seed(t, db)
		rng := addRange(t, db, 1, 100, "陈会计")
		var rs []*store.ReceiptView
		for range 3 {
			r, err := db.IssueMoneyReceipt(ctx, actor, give(t, db, b.ID, 1000, donation.Designation{}).ID, clerks)
			if err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		if _, err := db.VoidReceipt(ctx, actor, rs[0].ID, "测试"); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordReceiptChoice(ctx, actor, rs[0].DonationID, store.ChoiceDeclined, ""); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			fmt.Sprintf("DELETE FROM receipts WHERE id = %d", rs[1].ID),
			fmt.Sprintf("UPDATE receipts SET amount_fen = 1 WHERE id = %d", rs[1].ID),
			fmt.Sprintf("UPDATE receipts SET payer_name = 'x' WHERE id = %d", rs[1].ID),
			fmt.Sprintf("UPDATE receipts SET status = 'issued' WHERE id = %d", rs[0].ID),
			"DELETE FROM receipt_voids",
			"UPDATE receipt_voids SET reason = ''",
			fmt.Sprintf("DELETE FROM receipt_ranges WHERE id = %d", rng.ID),
			fmt.Sprintf("UPDATE receipt_ranges SET used = 1 WHERE id = %d", rng.ID),
			fmt.Sprintf("UPDATE receipt_ranges SET end_no = 5000 WHERE id = %d", rng.ID),
			"DELETE FROM receipt_choices",
			"UPDATE receipt_keys SET check_key = sign_seed",
			"DELETE FROM receipt_keys",
		} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("the database allowed %q", q)
			}
		}
		auditClean(t, db)
		// A number skipped behind boai's back is unexplained.
		if err := db.ExecForTest(ctx, fmt.Sprintf("UPDATE receipt_ranges SET used = used + 1 WHERE id = %d", rng.ID)); err != nil {
			t.Fatal(err)
		}
		a, err := db.ReceiptAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		skipped := receipt.Serial{Code: receiptCode, Number: 4}
		if a.Clean() || !slices.Equal(a.Unexplained, []receipt.Serial{skipped}) {
			t.Errorf("skipped number: audit %+v", a)
		}
		// A receipt marked void without its void record is unexplained too.
		if err := db.ExecForTest(ctx, fmt.Sprintf("UPDATE receipts SET status = 'voided' WHERE id = %d", rs[2].ID)); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.ReceiptAudit(ctx); !slices.Equal(a.Unexplained, []receipt.Serial{rs[2].Serial, skipped}) {
			t.Errorf("void without a record: unexplained %v", a.Unexplained)
		}
	})
}
