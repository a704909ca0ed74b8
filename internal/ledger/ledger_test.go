package ledger

import (
	"strings"
	"testing"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

var (
	covid   = donation.Designation{Kind: donation.Purpose, Target: "新冠肺炎疫情防控"}
	chunan  = donation.Designation{Kind: donation.Region, Target: "淳安县"}
	general = donation.Designation{Kind: donation.Undesignated}
	day     = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
)

// wantErr checks err against a wanted code and message fragment; an
// empty code wants no error.
func wantErr(t *testing.T, name string, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", name, err)
		}
		return
	}
	if got := boai.ErrorCode(err); got != code || !strings.Contains(boai.ErrorMessage(err), msg) {
		t.Errorf("%s: got %v (code %q), want code %q containing %q", name, err, got, code, msg)
	}
}

func TestAccounts(t *testing.T) {
	covidFund := FundOf(covid)
	for _, tt := range []struct {
		a          Account
		valid      bool
		class      Class
		fund       Account
		restricted bool
		label      string
	}{
		{Bank, true, ClassAsset, "", false, "银行存款"},
		{GoodsAtValue, true, ClassAsset, "", false, "受赠物资"},
		{GeneralFund, true, ClassFund, GeneralFund, false, "非限定性基金"},
		{covidFund, true, ClassFund, covidFund, true, "限定性基金（定向·用途·新冠肺炎疫情防控）"},
		{ExpenseAccount(Procurement, GeneralFund), true, ClassExpense, GeneralFund, false, "采购支出"},
		{ExpenseAccount(Grant, covidFund), true, ClassExpense, covidFund, true, "拨付受助机构（定向·用途·新冠肺炎疫情防控）"},
		{"3102", false, "", "", false, "3102"},                       // a restricted fund names its designation
		{"3102:purpose:", false, "", "", false, "3102:purpose:"},     // …with a target
		{"3102:nonsense:x", false, "", "", false, "3102:nonsense:x"}, // …of a known kind
		{"3102:undesignated:x", false, "", "", false, "3102:undesignated:x"},
		{"3102:purpose: x", false, "", "", false, "3102:purpose: x"}, // one spelling per designation
		{"1002:purpose:x", false, "", "", false, "1002:purpose:x"},   // assets carry no fund
		{"9999", false, "", "", false, "9999"},
		{"", false, "", "", false, ""},
	} {
		if tt.a.Valid() != tt.valid || tt.a.Class() != tt.class || tt.a.Fund() != tt.fund ||
			tt.a.Restricted() != tt.restricted || tt.a.Label() != tt.label {
			t.Errorf("%q: valid %v class %q fund %q restricted %v label %q; want %v %q %q %v %q", tt.a,
				tt.a.Valid(), tt.a.Class(), tt.a.Fund(), tt.a.Restricted(), tt.a.Label(),
				tt.valid, tt.class, tt.fund, tt.restricted, tt.label)
		}
	}
	if got := FundOf(covid); got != "3102:purpose:新冠肺炎疫情防控" {
		t.Errorf("FundOf(covid) = %q", got)
	}
	if got := FundOf(donation.Designation{Kind: donation.Region, Target: " 淳安县 "}); got != FundOf(chunan) {
		t.Errorf("a padded target makes another fund: %q", got)
	}
	if got := FundOf(covid).Designation(); got != covid {
		t.Errorf("Designation round trip = %+v", got)
	}
	if got := ExpenseAccount(Operating, FundOf(chunan)); got != "5201:region:淳安县" {
		t.Errorf("ExpenseAccount = %q", got)
	}
	if got := ExpenseAccount(Operating, Bank); got != "" {
		t.Errorf("ExpenseAccount on an asset = %q, want none", got)
	}
	if got := FundOf(covid).LabelEn(); got != "Restricted fund (Designated · purpose · 新冠肺炎疫情防控)" {
		t.Errorf("LabelEn = %q", got)
	}
	for _, c := range donation.Channels {
		if a := ChannelAccount(c); !a.Money() {
			t.Errorf("channel %s posts to %q, not a money account", c, a)
		}
	}
	if GoodsAtValue.Money() || GeneralFund.Money() {
		t.Error("goods at value or a fund counted as money")
	}
}

func TestValidate(t *testing.T) {
	cf := FundOf(covid)
	good := func() Transaction {
		return Transaction{Kind: KindDonation, At: day, Postings: []Posting{Dr(Bank, 100), Cr(cf, 100)}}
	}
	for _, tt := range []struct {
		name      string
		edit      func(*Transaction)
		code, msg string
	}{
		{"good", func(*Transaction) {}, "", ""},
		{"split", func(t *Transaction) { t.Postings = []Posting{Dr(Bank, 70), Dr(Cash, 30), Cr(cf, 100)} }, "", ""},
		{"unbalanced", func(t *Transaction) { t.Postings[0].Debit = 99 }, boai.EINVALID, "借贷不平"},
		{"one posting", func(t *Transaction) { t.Postings = t.Postings[:1] }, boai.EINVALID, "两条"},
		{"zero", func(t *Transaction) { t.Postings = []Posting{Dr(Bank, 0), Cr(cf, 0)} }, boai.EINVALID, "有且只有"},
		{"both sides", func(t *Transaction) { t.Postings[0].Credit = 5; t.Postings[1].Debit = 5 }, boai.EINVALID, "有且只有"},
		{"negative", func(t *Transaction) { t.Postings = []Posting{Dr(Bank, -100), Cr(cf, -100)} }, boai.EINVALID, "负"},
		{"unknown account", func(t *Transaction) { t.Postings[0].Account = "1999" }, boai.EINVALID, "未知科目"},
		{"unknown kind", func(t *Transaction) { t.Kind = "gift" }, boai.EINVALID, "类型"},
		{"no date", func(t *Transaction) { t.At = time.Time{} }, boai.EINVALID, "日期"},
		{"huge", func(t *Transaction) { t.Postings = []Posting{Dr(Bank, MaxPosting+1), Cr(cf, MaxPosting+1)} }, boai.EINVALID, "过大"},
		{"pooling designated money", func(t *Transaction) {
			t.Kind, t.Postings = KindPayment, []Posting{Dr(cf, 100), Cr(GeneralFund, 100)}
		}, boai.EINVALID, "新冠肺炎疫情防控"},
		{"reversal without reason", func(t *Transaction) {
			t.Kind, t.Reverses, t.Approver = KindReversal, 1, "李四"
		}, boai.EINVALID, "原因和审批人"},
		{"reversal without target", func(t *Transaction) {
			t.Kind, t.Reason, t.Approver = KindReversal, "重复录入", "李四"
		}, boai.EINVALID, "所冲销"},
		{"reversal", func(t *Transaction) {
			t.Kind, t.Reverses, t.Reason, t.Approver = KindReversal, 1, "重复录入", "李四"
		}, "", ""},
		{"release without consent", func(t *Transaction) {
			t.Kind, t.Reason, t.Approver, t.Postings = KindRelease, "项目结余", "李四", []Posting{Dr(cf, 100), Cr(GeneralFund, 100)}
		}, boai.EINVALID, "同意"},
		{"release through the bank", func(t *Transaction) {
			t.Kind, t.Reason, t.Approver, t.Consent = KindRelease, "项目结余", "李四", "同意书-1"
		}, boai.EINVALID, "基金之间"},
	} {
		tx := good()
		tt.edit(&tx)
		wantErr(t, tt.name, tx.Validate(), tt.code, tt.msg)
	}
}

func TestReverse(t *testing.T) {
	orig := Transaction{ID: 7, Kind: KindDonation, At: day, Ref: "donation:3",
		Postings: []Posting{Dr(ClearingWeChat, 5000), Cr(FundOf(chunan), 5000)}}
	later := day.AddDate(0, 1, 0)
	r, err := Reverse(orig, later, " 重复录入 ", "李四")
	if err != nil {
		t.Fatal(err)
	}
	want := []Posting{Cr(ClearingWeChat, 5000), Dr(FundOf(chunan), 5000)}
	if r.Kind != KindReversal || r.Reverses != 7 || r.Ref != "donation:3" || !r.At.Equal(later) ||
		r.Reason != "重复录入" || r.Approver != "李四" || len(r.Postings) != 2 || r.Postings[0] != want[0] || r.Postings[1] != want[1] {
		t.Errorf("Reverse = %+v", r)
	}
	b, _ := Trial([]Transaction{orig, r})
	for a, v := range b {
		if v != 0 {
			t.Errorf("after reversal %s = %d, want 0", a, v)
		}
	}
	_, err = Reverse(orig, later, "", "李四")
	wantErr(t, "no reason", err, boai.EINVALID, "原因")
	_, err = Reverse(orig, later, "错", "")
	wantErr(t, "no approver", err, boai.EINVALID, "审批人")
	_, err = Reverse(Transaction{Kind: KindDonation, At: day, Postings: orig.Postings}, later, "错", "李四")
	wantErr(t, "unrecorded", err, boai.EINVALID, "已记账")
	r.ID = 8
	_, err = Reverse(r, later, "错", "李四")
	wantErr(t, "reversal of a reversal", err, boai.ECONFLICT, "不能再冲销")
}

func TestForDonation(t *testing.T) {
	for _, tt := range []struct {
		name      string
		d         donation.Donation
		debit     Account
		credit    Account
		code, msg string
	}{
		{"wechat, undesignated", donation.Donation{ID: 1, AmountFen: 10000, Channel: donation.WeChat, Designation: general, ReceivedAt: day},
			ClearingWeChat, GeneralFund, "", ""},
		{"bank, designated", donation.Donation{ID: 2, AmountFen: 10000, Channel: donation.Bank, Designation: covid, ReceivedAt: day},
			Bank, FundOf(covid), "", ""},
		{"cash, region", donation.Donation{ID: 3, AmountFen: 5, Channel: donation.Cash, Designation: chunan, ReceivedAt: day},
			Cash, "3102:region:淳安县", "", ""},
		{"alipay", donation.Donation{ID: 4, AmountFen: 5, Channel: donation.Alipay, ReceivedAt: day}, ClearingAlipay, GeneralFund, "", ""},
		{"online", donation.Donation{ID: 5, AmountFen: 5, Channel: donation.Online, ReceivedAt: day}, ClearingOther, GeneralFund, "", ""},
		{"reversal record", donation.Donation{ID: 6, Kind: donation.KindReversal, AmountFen: -5, Channel: donation.Bank, ReceivedAt: day},
			"", "", boai.EINVALID, "Reverse"},
		{"unknown channel", donation.Donation{ID: 7, AmountFen: 5, Channel: "paypal", ReceivedAt: day}, "", "", boai.EINVALID, "渠道"},
		{"designated without target", donation.Donation{ID: 8, AmountFen: 5, Channel: donation.Bank, ReceivedAt: day,
			Designation: donation.Designation{Kind: donation.Project}}, "", "", boai.EINVALID, "定向对象"},
	} {
		tx, err := ForDonation(&tt.d)
		wantErr(t, tt.name, err, tt.code, tt.msg)
		if err != nil {
			continue
		}
		if tx.Kind != KindDonation || !tx.At.Equal(day) || len(tx.Postings) != 2 ||
			tx.Postings[0] != Dr(tt.debit, tt.d.AmountFen) || tx.Postings[1] != Cr(tt.credit, tt.d.AmountFen) {
			t.Errorf("%s: %+v", tt.name, tx)
		}
	}
	g, err := ForGoods(9, day, 123456)
	if err != nil || g.Postings[0] != Dr(GoodsAtValue, 123456) || g.Postings[1] != Cr(GoodsFund, 123456) || g.Ref != "inkind:9" {
		t.Errorf("ForGoods = %+v, %v", g, err)
	}
	_, err = ForGoods(9, day, 0)
	wantErr(t, "goods without value", err, boai.EINVALID, "借方或贷方")
	out, err := ForGoodsOut("stock:3", day, 500, false)
	if err != nil || out.Postings[0] != Dr(GoodsDistributed, 500) || out.Postings[1] != Cr(GoodsAtValue, 500) {
		t.Errorf("ForGoodsOut = %+v, %v", out, err)
	}
	back, err := ForGoodsOut("stock:4", day, -200, true)
	if err != nil || back.Postings[0] != Dr(GoodsAtValue, 200) || back.Postings[1] != Cr(GoodsWrittenOff, 200) {
		t.Errorf("ForGoodsOut (back) = %+v, %v", back, err)
	}
	if GoodsDistributed.Fund() != GoodsFund || !GoodsWrittenOff.Goods() || GoodsFund.Fund() != GoodsFund || GoodsFund.Restricted() {
		t.Errorf("goods accounts: %q %v", GoodsDistributed.Fund(), GoodsWrittenOff.Goods())
	}
	wantErr(t, "money spent from the goods fund", CheckSpend(GoodsFund, donation.Designation{Kind: donation.Undesignated}), boai.EINVALID, "受赠物资基金")
}

// The value of a line's goods leaves with them, in proportion, and in
// whatever pieces the units leave the line posts exactly its value.
func TestGoodsValueOut(t *testing.T) {
	tests := []struct {
		value         money.Fen
		accepted, out int64
		want          money.Fen
	}{
		{1000, 10, 3, 300}, {1000, 3, 1, 333}, {1000, 3, 2, 666}, {1000, 3, 3, 1000},
		{1000, 3, 4, 1000}, {1000, 3, -1, 0}, {0, 3, 1, 0}, {1000, 0, 1, 0},
	}
	for _, tc := range tests {
		if got := GoodsValueOut(tc.value, tc.accepted, tc.out); got != tc.want {
			t.Errorf("GoodsValueOut(%v, %d, %d) = %v, want %v", tc.value, tc.accepted, tc.out, got, tc.want)
		}
	}
	// Any split of 7 units of ¥10.00 into documents posts ¥10.00 in all.
	for _, parts := range [][]int64{{1, 1, 1, 1, 1, 1, 1}, {3, 4}, {2, 2, 3}, {7}} {
		var sum money.Fen
		var out int64
		for _, q := range parts {
			sum += GoodsValueOut(1000, 7, out+q) - GoodsValueOut(1000, 7, out)
			out += q
		}
		if sum != 1000 {
			t.Errorf("split %v posts %v", parts, sum)
		}
	}
}

func TestTrialBalance(t *testing.T) {
	cf := FundOf(covid)
	txns := []Transaction{
		{ID: 1, Kind: KindDonation, At: day, Postings: []Posting{Dr(Bank, 100_000), Cr(cf, 100_000)}},
		{ID: 2, Kind: KindDonation, At: day, Postings: []Posting{Dr(ClearingWeChat, 50_000), Cr(GeneralFund, 50_000)}},
		{ID: 3, Kind: KindPayment, At: day, Postings: []Posting{Dr(ExpenseAccount(Procurement, cf), 30_000),
			Dr(ExpenseAccount(Procurement, GeneralFund), 10_000), Cr(Bank, 40_000)}},
		{ID: 4, Kind: KindRelease, At: day, Consent: "同意书-1", Reason: "项目结余", Approver: "李四",
			Postings: []Posting{Dr(cf, 20_000), Cr(GeneralFund, 20_000)}},
	}
	b, err := Trial(txns)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Error(err)
	}
	funds := b.Funds()
	if funds[cf] != 50_000 || funds[GeneralFund] != 60_000 || len(funds) != 2 {
		t.Errorf("funds = %v, want covid 50,000, general 60,000", funds)
	}
	if b[Bank] != 60_000 || b[ClearingWeChat] != 50_000 {
		t.Errorf("assets = %v", b)
	}

	bad := Balances{Bank: 100, GeneralFund: -99}
	wantErr(t, "off by one", bad.Check(), boai.EINTERNAL, "试算不平")
	over := Balances{Bank: 100, cf: -100, ExpenseAccount(Grant, cf): 150, Cash: -150}
	wantErr(t, "overdrawn", over.Check(), boai.EINTERNAL, "新冠肺炎疫情防控")

	txns[1].Postings[0].Debit = 1
	_, err = Trial(txns)
	if err == nil || !strings.Contains(err.Error(), "transaction 2") {
		t.Errorf("Trial of an unbalanced transaction: %v, want it named", err)
	}
}

func TestPeriods(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	// 16:30 UTC on 30 November is 00:30 on 1 December in Hangzhou.
	late := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
	if got := PeriodOf(late, sh); got != "2026-12" {
		t.Errorf("PeriodOf = %s, want 2026-12", got)
	}
	if got := Period("2026-12").Next(); got != "2027-01" {
		t.Errorf("Next = %s", got)
	}
	for _, s := range []string{"2026-1", "2026-13", "26-11", "2026-11-01", "", "1999-12"} {
		if _, err := ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", s)
		}
	}
	for _, tt := range []struct {
		closed    Period
		at        time.Time
		code, msg string
	}{
		{"", late, "", ""},
		{"2026-10", late, "", ""},
		{"2026-11", late, "", ""}, // December in Hangzhou
		{"2026-11", late.Add(-time.Hour), boai.ECONFLICT, "2026-11 已结账"},
		{"2026-12", late, boai.ECONFLICT, "已结账"},
		{"2027-03", late, boai.ECONFLICT, "closed"},
	} {
		wantErr(t, "CheckOpen "+string(tt.closed)+" "+tt.at.String(), CheckOpen(tt.closed, tt.at, sh), tt.code, tt.msg)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, sh)
	for _, tt := range []struct {
		closed, p Period
		code, msg string
	}{
		{"2026-10", "2026-11", "", ""},
		{"", "2026-11", "", ""},
		{"2026-11", "2026-12", boai.ECONFLICT, "尚未结束"},
		{"2026-09", "2026-11", boai.ECONFLICT, "2026-10"},
		{"2026-11", "2026-11", boai.ECONFLICT, "依次"},
		{"2026-10", "2026-xx", boai.EINVALID, "YYYY-MM"},
	} {
		wantErr(t, "CheckClose "+string(tt.p), CheckClose(tt.closed, tt.p, now, sh), tt.code, tt.msg)
	}
}

func TestRate(t *testing.T) {
	yuan := func(y int64) money.Fen { return money.Fen(y * 100) }
	for _, tt := range []struct {
		received, spent money.Fen
		want            string
	}{
		{yuan(177_000_000), yuan(165_000_000), "93.2%"}, // Hangzhou, 2020
		{yuan(3), yuan(1), "33.3%"},
		{yuan(3), yuan(2), "66.7%"},
		{16, 1, "6.3%"},   // 6.25: half up
		{2000, 1, "0.1%"}, // 0.05: half up
		{2001, 1, "0.0%"}, // just under half
		{8, 1, "12.5%"},   // exact
		{1000, 1000, "100.0%"},
		{1000, 1500, "150.0%"}, // spending earlier periods' money
		{16, -1, "-6.3%"},      // a period with more reversed than spent
		{0, 100, "—"},
		{money.Fen(9e17), money.Fen(9e17 - 1), "100.0%"}, // no overflow
	} {
		if got := (Rate{Received: tt.received, Spent: tt.spent}).String(); got != tt.want {
			t.Errorf("Rate(%d, %d) = %s, want %s", tt.spent, tt.received, got, tt.want)
		}
	}
	if r := (Rate{Received: 177, Spent: 165}).Rat(); r.String() != "55/59" {
		t.Errorf("Rat = %v, want 55/59", r)
	}

	rates := Rates(map[string]money.Fen{"a": 100, "b": 50}, map[string]money.Fen{"a": 25, "c": 10})
	if rates["a"] != (Rate{100, 25}) || rates["b"] != (Rate{50, 0}) || rates["c"] != (Rate{0, 10}) || len(rates) != 3 {
		t.Errorf("Rates = %v", rates)
	}
	if got := Total(rates); got != (Rate{150, 35}) {
		t.Errorf("Total = %v", got)
	}

	cf := FundOf(covid)
	don := Transaction{ID: 1, Kind: KindDonation, At: day, Postings: []Posting{Dr(Bank, yuan(177_000_000)), Cr(cf, yuan(177_000_000))}}
	pay := Transaction{ID: 2, Kind: KindPayment, At: day, Postings: []Posting{Dr(ExpenseAccount(Grant, cf), yuan(165_000_000)), Cr(Bank, yuan(165_000_000))}}
	goods := Transaction{ID: 3, Kind: KindGoods, At: day, Postings: []Posting{Dr(GoodsAtValue, 999), Cr(cf, 999)}}
	rel := Transaction{ID: 4, Kind: KindRelease, At: day, Postings: []Posting{Dr(cf, 5), Cr(GeneralFund, 5)}}
	small := Transaction{ID: 5, Kind: KindDonation, At: day, Postings: []Posting{Dr(Cash, 500), Cr(GeneralFund, 500)}}
	undo, _ := Reverse(small, day, "录错", "李四")
	flows := Flows([]Transaction{don, pay, goods, rel, small, undo})
	if got := flows[cf].String(); got != "93.2%" || flows[cf].Received != yuan(177_000_000) {
		t.Errorf("covid fund flows %+v = %s, want 93.2%% of ¥177M", flows[cf], got)
	}
	if g := flows[GeneralFund]; g != (Rate{}) {
		t.Errorf("general fund flows = %+v, want nothing (a release and a reversed gift)", g)
	}
}
