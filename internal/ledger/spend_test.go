package ledger

import (
	"slices"
	"testing"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

func TestCheckSpend(t *testing.T) {
	for _, tt := range []struct {
		name      string
		fund      Account
		purpose   donation.Designation
		code, msg string
	}{
		{"restricted on its purpose", FundOf(covid), covid, "", ""},
		{"general on anything", GeneralFund, covid, "", ""},
		{"general on nothing in particular", GeneralFund, general, "", ""},
		{"restricted elsewhere", FundOf(covid), chunan, boai.EINVALID, "定向基金「定向·用途·新冠肺炎疫情防控」只能用于「新冠肺炎疫情防控」，不能用于「定向·地区·淳安县」"},
		{"…named in English too", FundOf(covid), chunan, boai.EINVALID, `the restricted fund "Designated · purpose · 新冠肺炎疫情防控" can only be spent on`},
		{"restricted on general costs", FundOf(chunan), general, boai.EINVALID, "淳安县"},
		{"same target, other kind", FundOf(donation.Designation{Kind: donation.Project, Target: "淳安县"}), chunan, boai.EINVALID, "不能用于"},
		{"not a fund", Bank, covid, boai.EINVALID, "不是基金"},
	} {
		wantErr(t, tt.name, CheckSpend(tt.fund, tt.purpose), tt.code, tt.msg)
	}
}

func TestCheckAvailable(t *testing.T) {
	cf := FundOf(covid)
	for _, tt := range []struct {
		available, amount money.Fen
		code, msg         string
	}{
		{100, 100, "", ""},
		{100, 1, "", ""},
		{100, 101, boai.ECONFLICT, "基金「定向·用途·新冠肺炎疫情防控」可用余额 ¥1.00，不足以支出 ¥1.01"},
		{0, 1, boai.ECONFLICT, "不足"},
		{-5, 1, boai.ECONFLICT, "不足"},
		{100, 0, boai.EINVALID, "大于零"},
		{100, -1, boai.EINVALID, "大于零"},
	} {
		wantErr(t, "CheckAvailable", CheckAvailable(cf, tt.available, tt.amount), tt.code, tt.msg)
	}
}

func TestRelease(t *testing.T) {
	cf := FundOf(covid)
	good := func() Release {
		return Release{From: cf, To: GeneralFund, Amount: 2000, At: day, Consent: "捐赠人同意书 2026-031", Reason: "项目结余", Approver: "李四"}
	}
	for _, tt := range []struct {
		name      string
		edit      func(*Release)
		code, msg string
	}{
		{"to general", func(*Release) {}, "", ""},
		{"to another project", func(r *Release) { r.To = FundOf(chunan) }, "", ""},
		{"no consent", func(r *Release) { r.Consent = " " }, boai.EINVALID, "同意书"},
		{"no approver", func(r *Release) { r.Approver = "" }, boai.EINVALID, "审批人"},
		{"no reason", func(r *Release) { r.Reason = "" }, boai.EINVALID, "原因"},
		{"from general", func(r *Release) { r.From, r.To = GeneralFund, cf }, boai.EINVALID, "限定性基金"},
		{"to itself", func(r *Release) { r.To = cf }, boai.EINVALID, "另一个基金"},
		{"to the bank", func(r *Release) { r.To = Bank }, boai.EINVALID, "另一个基金"},
		{"nothing", func(r *Release) { r.Amount = 0 }, boai.EINVALID, "借方或贷方"},
	} {
		r := good()
		tt.edit(&r)
		tx, err := r.Transaction()
		wantErr(t, tt.name, err, tt.code, tt.msg)
		if err == nil && (tx.Kind != KindRelease || tx.Postings[0] != Dr(cf, 2000) || tx.Postings[1] != Cr(r.To, 2000) || tx.Consent == "") {
			t.Errorf("%s: %+v", tt.name, tx)
		}
	}
}

func newExpenditure() Expenditure {
	return Expenditure{ID: 9, Kind: Procurement, Payee: "杭州某某医疗器械有限公司", Purpose: covid, Amount: 1_000_000,
		Draws: []Draw{{FundOf(covid), 600_000}, {GeneralFund, 400_000}}, RequestedBy: "王五"}
}

func TestExpenditureValidate(t *testing.T) {
	for _, tt := range []struct {
		name      string
		edit      func(*Expenditure)
		code, msg string
	}{
		{"good", func(*Expenditure) {}, "", ""},
		{"undesignated purpose from general", func(e *Expenditure) {
			e.Purpose, e.Draws = general, []Draw{{GeneralFund, e.Amount}}
		}, "", ""},
		{"restricted spent elsewhere", func(e *Expenditure) { e.Purpose = chunan }, boai.EINVALID, "定向基金「定向·用途·新冠肺炎疫情防控」只能用于"},
		{"draws short", func(e *Expenditure) { e.Draws[1].Amount-- }, boai.EINVALID, "不符"},
		{"draws over", func(e *Expenditure) { e.Draws[1].Amount++ }, boai.EINVALID, "不符"},
		{"fund twice", func(e *Expenditure) { e.Draws = []Draw{{GeneralFund, 500_000}, {GeneralFund, 500_000}} }, boai.EINVALID, "一次"},
		{"zero draw", func(e *Expenditure) { e.Draws = append(e.Draws, Draw{FundOf(chunan), 0}) }, boai.EINVALID, "大于零"},
		{"no draws", func(e *Expenditure) { e.Draws = nil }, boai.EINVALID, "基金"},
		{"draw on the bank", func(e *Expenditure) { e.Draws[1].Fund = Bank }, boai.EINVALID, "不是基金"},
		{"no payee", func(e *Expenditure) { e.Payee = " " }, boai.EINVALID, "收款单位"},
		{"bad category", func(e *Expenditure) { e.Kind = "party" }, boai.EINVALID, "类别"},
		{"zero", func(e *Expenditure) { e.Amount = 0 }, boai.EINVALID, "大于零"},
		{"no requester", func(e *Expenditure) { e.RequestedBy = "" }, boai.EINVALID, "申请人"},
	} {
		e := newExpenditure()
		tt.edit(&e)
		wantErr(t, tt.name, e.Validate(), tt.code, tt.msg)
		if tt.code == "" && e.Status != Pending {
			t.Errorf("%s: status %q, want pending", tt.name, e.Status)
		}
	}
}

func TestExpenditureFlow(t *testing.T) {
	p := Policy{SecondApprovalOver: 500_000}
	type step struct {
		op, who   string // approve, reject, pay
		code, msg string
		status    Status
	}
	for _, tt := range []struct {
		name   string
		amount money.Fen
		steps  []step
	}{
		{"small: one approver", 500_000, []step{
			{"approve", "李四", "", "", Approved},
			{"approve", "赵六", boai.ECONFLICT, "待审批", Approved},
			{"pay", "", "", "", Paid},
			{"pay", "", boai.ECONFLICT, "已审批", Paid},
		}},
		{"large: two different approvers", 500_001, []step{
			{"pay", "", boai.ECONFLICT, "已审批", Pending},
			{"approve", "李四", "", "", Pending},
			{"approve", "李四", boai.EFORBIDDEN, "另一位审批人", Pending},
			{"pay", "", boai.ECONFLICT, "已审批", Pending},
			{"approve", "赵六", "", "", Approved},
			{"pay", "", "", "", Paid},
		}},
		{"own request", 100, []step{
			{"approve", "王五", boai.EFORBIDDEN, "自己", Pending},
			{"approve", " ", boai.EINVALID, "审批人", Pending},
		}},
		{"rejected", 100, []step{
			{"reject", "", boai.EINVALID, "原因", Pending},
			{"reject", "李四", "", "", Rejected},
			{"approve", "赵六", boai.ECONFLICT, "待审批", Rejected},
			{"pay", "", boai.ECONFLICT, "已审批", Rejected},
		}},
	} {
		e := newExpenditure()
		e.Amount, e.Draws = tt.amount, []Draw{{FundOf(covid), tt.amount}}
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		for i, s := range tt.steps {
			var err error
			switch s.op {
			case "approve":
				err = e.Approve(p, s.who)
			case "reject":
				reason := ""
				if s.who != "" {
					reason = "价格过高"
				}
				err = e.Reject(s.who, reason)
			case "pay":
				var tx Transaction
				tx, err = e.Pay(day, Bank)
				if err == nil && (tx.Kind != KindPayment || tx.Ref != "expenditure:9" ||
					tx.Postings[0] != Dr(ExpenseAccount(Procurement, FundOf(covid)), tt.amount) || tx.Postings[1] != Cr(Bank, tt.amount)) {
					t.Errorf("%s: payment %+v", tt.name, tx)
				}
			}
			wantErr(t, tt.name+" step "+string(rune('1'+i)), err, s.code, s.msg)
			if e.Status != s.status {
				t.Errorf("%s step %d: status %q, want %q", tt.name, i+1, e.Status, s.status)
			}
		}
	}
	if !p.Alert(500_001) || p.Alert(500_000) || (Policy{}).Approvals(1) != 2 || DefaultPolicy.Approvals(5_000_000) != 1 {
		t.Error("thresholds wrong")
	}
	e := newExpenditure()
	e.Status = Approved
	if _, err := e.Pay(day, GoodsAtValue); boai.ErrorCode(err) != boai.EINVALID || e.Status != Approved {
		t.Errorf("paid from goods: %v, status %s", err, e.Status)
	}
}

func TestLinkFIFO(t *testing.T) {
	cf := FundOf(covid)
	inflows := []Inflow{{1, 100, 100}, {2, 300, 50}, {3, 200, 0}, {4, 500, 0}}
	for _, tt := range []struct {
		amount    money.Fen
		want      []Link
		code, msg string
	}{
		{250, []Link{{2, 9, 250}}, "", ""},
		{251, []Link{{2, 9, 250}, {3, 9, 1}}, "", ""},
		{950, []Link{{2, 9, 250}, {3, 9, 200}, {4, 9, 500}}, "", ""},
		{951, nil, boai.ECONFLICT, "尚未使用的捐赠只有 ¥9.50，不足 ¥9.51"},
		{0, nil, boai.EINVALID, "大于零"},
	} {
		got, err := LinkFIFO(inflows, 9, Draw{cf, tt.amount})
		wantErr(t, "LinkFIFO", err, tt.code, tt.msg)
		if !slices.Equal(got, tt.want) {
			t.Errorf("LinkFIFO(%d) = %v, want %v", tt.amount, got, tt.want)
		}
	}
	if _, err := LinkFIFO([]Inflow{{1, 100, 101}}, 9, Draw{cf, 1}); boai.ErrorCode(err) != boai.EINTERNAL {
		t.Errorf("overused inflow: %v", err)
	}
	if inflows[1].Used != 50 {
		t.Error("LinkFIFO changed its input")
	}
}

func TestCheckLinks(t *testing.T) {
	cf := FundOf(covid)
	inflows := []Inflow{{1, 100, 100}, {2, 300, 50}, {3, 200, 0}}
	for _, tt := range []struct {
		name      string
		amount    money.Fen
		links     []Link
		code, msg string
	}{
		{"newest first, by hand", 300, []Link{{3, 9, 200}, {2, 9, 100}}, "", ""},
		{"one donation split over two links", 250, []Link{{2, 9, 100}, {2, 9, 150}}, "", ""},
		{"more than unused", 251, []Link{{2, 9, 251}}, boai.ECONFLICT, "只有 ¥2.50"},
		{"used up", 1, []Link{{1, 9, 1}}, boai.ECONFLICT, "donation 1"},
		{"split beyond unused", 260, []Link{{2, 9, 130}, {2, 9, 130}}, boai.ECONFLICT, "不能关联"},
		{"sum short", 300, []Link{{3, 9, 200}}, boai.EINVALID, "不符"},
		{"other fund's donation", 10, []Link{{77, 9, 10}}, boai.EINVALID, "不属于该基金"},
		{"other expenditure", 10, []Link{{3, 8, 10}}, boai.EINVALID, "本支出"},
		{"zero link", 10, []Link{{3, 9, 10}, {2, 9, 0}}, boai.EINVALID, "大于零"},
		{"negative link", 10, []Link{{3, 9, 20}, {2, 9, -10}}, boai.EINVALID, "大于零"},
	} {
		wantErr(t, tt.name, CheckLinks(inflows, 9, Draw{cf, tt.amount}, tt.links), tt.code, tt.msg)
	}
}

// BenchmarkLinkFIFO links draws against a fund of 1,000,000 donations:
// "half" consumes half of them in one draw, "tail" finds the last unused
// donation behind 999,999 used ones (the worst scan), "check" validates
// 1,000 hand-chosen links against all of them.
func BenchmarkLinkFIFO(b *testing.B) {
	const n = 1_000_000
	cf := FundOf(covid)
	fresh := make([]Inflow, n)
	var total money.Fen
	for i := range fresh {
		fresh[i] = Inflow{ID: int64(i + 1), Amount: money.Fen(100 + i%997*100)}
		total += fresh[i].Amount
	}
	b.Run("half", func(b *testing.B) {
		for b.Loop() {
			links, err := LinkFIFO(fresh, 1, Draw{cf, total / 2})
			if err != nil || len(links) < n/3 {
				b.Fatal(err, len(links))
			}
		}
	})
	b.Run("tail", func(b *testing.B) {
		used := make([]Inflow, n)
		for i, in := range fresh {
			used[i] = Inflow{ID: in.ID, Amount: in.Amount, Used: in.Amount}
		}
		used[n-1].Used = 0
		for b.Loop() {
			if links, err := LinkFIFO(used, 1, Draw{cf, 1}); err != nil || len(links) != 1 {
				b.Fatal(err)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		links := make([]Link, 1000)
		var sum money.Fen
		for i := range links {
			links[i] = Link{DonationID: int64(i*997 + 1), ExpenditureID: 1, Amount: 100}
			sum += 100
		}
		for b.Loop() {
			if err := CheckLinks(fresh, 1, Draw{cf, sum}, links); err != nil {
				b.Fatal(err)
			}
		}
	})
}
