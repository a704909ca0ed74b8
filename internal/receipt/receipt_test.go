package receipt

import (
	"strings"
	"testing"

	"boai"
	"boai/internal/donation"
	"boai/internal/inkind"
)

func draft(donationID int64) Receipt {
	return Receipt{DonationID: donationID, PayerKind: donation.Organization, Payer: "北京小米科技有限责任公司",
		PayerUSCC: "91110108551385082Q", Item: "捐赠款·非定向", Quantity: 1, Amount: 1_000_000,
		Reviewer: "陈会计", Payee: "王出纳", Date: "2026-11-30"}
}

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

func TestReceiptValidate(t *testing.T) {
	for _, tt := range []struct {
		name      string
		edit      func(*Receipt)
		code, msg string
	}{
		{"good", func(*Receipt) {}, "", ""},
		{"person", func(r *Receipt) { r.PayerKind, r.Payer, r.PayerUSCC = donation.Person, "张小明", "" }, "", ""},
		{"organisation without a code (overseas)", func(r *Receipt) { r.PayerUSCC = "" }, "", ""},
		{"lower-case code", func(r *Receipt) { r.PayerUSCC = "91110108551385082q" }, "", ""},
		{"bad code", func(r *Receipt) { r.PayerUSCC = "91110108551385082R" }, boai.EINVALID, "校验位"},
		{"code on a person", func(r *Receipt) { r.PayerKind = donation.Person }, boai.EINVALID, "只用于单位"},
		{"no payer", func(r *Receipt) { r.Payer = " " }, boai.EINVALID, "交款人"},
		{"no item", func(r *Receipt) { r.Item = "" }, boai.EINVALID, "项目"},
		{"no quantity", func(r *Receipt) { r.Quantity = 0 }, boai.EINVALID, "数量"},
		{"no amount", func(r *Receipt) { r.Amount = 0 }, boai.EINVALID, "金额"},
		{"no reviewer", func(r *Receipt) { r.Reviewer = "" }, boai.EINVALID, "复核人"},
		{"reviews own", func(r *Receipt) { r.Reviewer = "王出纳" }, boai.EINVALID, "不能是收款人"},
		{"bad date", func(r *Receipt) { r.Date = "2026-11-31" }, boai.EINVALID, "日期"},
		{"no donation", func(r *Receipt) { r.DonationID = 0 }, boai.EINVALID, "捐赠"},
	} {
		r := draft(1)
		tt.edit(&r)
		wantErr(t, tt.name, r.Validate(), tt.code, tt.msg)
	}
}

func TestCheckCode(t *testing.T) {
	key := []byte("society secret")
	s := Serial{"33010126", 123}
	c := CheckCode(key, s, 1_000_000, "2026-11-30")
	if len(c) != 6 || strings.Trim(c, crockford) != "" {
		t.Fatalf("check code %q", c)
	}
	if CheckCode(key, s, 1_000_000, "2026-11-30") != c {
		t.Error("check code not deterministic")
	}
	for name, other := range map[string]string{
		"other key":    CheckCode([]byte("other"), s, 1_000_000, "2026-11-30"),
		"other number": CheckCode(key, Serial{"33010126", 124}, 1_000_000, "2026-11-30"),
		"other code":   CheckCode(key, Serial{"33010127", 123}, 1_000_000, "2026-11-30"),
		"other amount": CheckCode(key, s, 1_000_001, "2026-11-30"),
		"other date":   CheckCode(key, s, 1_000_000, "2026-12-01"),
	} {
		if other == c {
			t.Errorf("%s gives the same check code", name)
		}
	}
	rng := Range{Code: "33010126", Start: 1, End: 100, Width: 10, Holder: "陈"}
	r, err := Issue(draft(1), &rng, key)
	if err != nil {
		t.Fatal(err)
	}
	if r.Serial != (Serial{"33010126", 1}) || r.NumberText() != "0000000001" || r.Status != Issued || !VerifyCheckCode(key, &r) {
		t.Errorf("issued %+v", r)
	}
	r.Amount++
	if VerifyCheckCode(key, &r) {
		t.Error("an altered amount still verifies")
	}
}

func TestVoidAndReissue(t *testing.T) {
	key := []byte("k")
	rng := Range{Code: "33010126", Start: 1, End: 100, Width: 10, Holder: "陈"}
	r, _ := Issue(draft(1), &rng, key)
	_, err := r.Void(" ", "陈", now)
	wantErr(t, "void without reason", err, boai.EINVALID, "原因")
	if r.Status != Issued {
		t.Error("a refused void changed the receipt")
	}
	fixed := r
	fixed.Amount = 999_999
	_, err = Reissue(&r, fixed)
	wantErr(t, "reissue before void", err, boai.ECONFLICT, "先作废")
	v, err := r.Void("金额录入错误", "陈", now)
	if err != nil || r.Status != Voided || v.Serial != r.Serial || v.Reason != "金额录入错误" {
		t.Fatalf("void: %+v %v", v, err)
	}
	_, err = r.Void("again", "陈", now)
	wantErr(t, "void twice", err, boai.ECONFLICT, "有效")
	other := fixed
	other.DonationID = 2
	_, err = Reissue(&r, other)
	wantErr(t, "reissue for another gift", err, boai.EINVALID, "同一笔")
	next, err := Reissue(&r, fixed)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Issue(next, &rng, key)
	if err != nil || n.Serial.Number != 2 || n.Reissues != r.Serial || n.Amount != 999_999 || !VerifyCheckCode(key, &n) {
		t.Errorf("reissued %+v, %v", n, err)
	}
	a := Gaps([]Serial{n.Serial}, []Void{v}, []Range{rng})
	if !a.Clean() || a.Live != 1 || a.Voided != 1 {
		t.Errorf("audit after reissue %+v", a)
	}
}

func TestStanding(t *testing.T) {
	org := donation.Donor{Kind: donation.Organization, Name: "杭州某某科技有限公司", IDNumber: "91330100716105852F"}
	moneyGift := func(edit func(*donation.Donation)) *donation.Donation {
		d := &donation.Donation{ID: 5, Kind: donation.KindDonation, Donor: org, AmountFen: 50_000,
			Designation: donation.Designation{Kind: donation.Purpose, Target: "新冠肺炎疫情防控"}}
		edit(d)
		return d
	}
	for _, tt := range []struct {
		name     string
		d        *donation.Donation
		declined bool
		want     Standing
	}{
		{"money", moneyGift(func(*donation.Donation) {}), false, Eligible},
		{"declined", moneyGift(func(*donation.Donation) {}), true, Declined},
		{"anonymous", moneyGift(func(d *donation.Donation) { d.Donor.Anonymous = true }), false, Anonymous},
		{"reversed", moneyGift(func(d *donation.Donation) { d.ReversedBy = 9 }), false, Reversed},
		{"reversal record", moneyGift(func(d *donation.Donation) { d.Kind, d.AmountFen = donation.KindReversal, -50_000 }), false, Reversed},
	} {
		if got := MoneyStanding(tt.d, tt.declined); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		r, err := ForMoney(tt.d, tt.declined)
		if tt.want != Eligible {
			wantErr(t, tt.name, err, boai.ECONFLICT, "")
			continue
		}
		if err != nil || r.Payer != org.Name || r.PayerUSCC != org.IDNumber || r.Amount != 50_000 ||
			r.Item != "捐赠款·定向·用途·新冠肺炎疫情防控" || r.Quantity != 1 {
			t.Errorf("%s: draft %+v, %v", tt.name, r, err)
		}
	}
	person := moneyGift(func(d *donation.Donation) {
		d.Donor = donation.Donor{Kind: donation.Person, Name: "张小明", IDNumber: "330106199001011234"}
	})
	if r, _ := ForMoney(person, false); r.PayerUSCC != "" {
		t.Errorf("a person's ID number on the receipt: %q", r.PayerUSCC)
	}

	evidence := inkind.Line{ItemID: 1, Declared: 1000, Valuation: inkind.Evidence, DeclaredFen: 300_000, EvidenceKind: "invoice", EvidenceRef: "No.1"}
	appraised := inkind.Line{ItemID: 2, Declared: 10, Valuation: inkind.Appraisal, AppraisedFen: 80_000, Appraiser: "天源", ReportNo: "TY-1", AppraisedOn: "2026-11-01"}
	for _, tt := range []struct {
		name     string
		l        inkind.Line
		donor    donation.Donor
		declined bool
		want     Standing
	}{
		{"invoice", evidence, org, false, Eligible},
		{"appraisal", appraised, org, false, Eligible},
		{"cannot be appraised", inkind.Line{Declared: 5, Valuation: inkind.Unappraisable, DeclaredFen: 100}, org, false, Unappraisable},
		{"cannot be appraised, even if the donor wants one", inkind.Line{Declared: 5, Valuation: inkind.Unappraisable, AppraisedFen: 100}, org, false, Unappraisable},
		{"not yet valued", inkind.Line{Declared: 5, Valuation: inkind.Pending}, org, false, Unvalued},
		{"anonymous", evidence, donation.Donor{Anonymous: true}, false, Anonymous},
		{"declined", evidence, org, true, Declined},
	} {
		if got := GoodsStanding(tt.donor, &tt.l, tt.declined); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}

	gift := &inkind.Donation{ID: 7, Donor: org, Status: inkind.Settled,
		Lines:    []inkind.Line{evidence, {ItemID: 3, Declared: 5, Valuation: inkind.Unappraisable}, appraised},
		Outcomes: []inkind.Outcome{{Accepted: 1000}, {Accepted: 5}, {Accepted: 8}}}
	r, err := ForGoods(gift, 0, "医用外科口罩", "只", false)
	if err != nil || !r.InKind || r.DonationID != 7 || r.Quantity != 1000 || r.Amount != 300_000 || r.Unit != "只" || r.Item != "医用外科口罩" {
		t.Errorf("goods draft %+v, %v", r, err)
	}
	_, err = ForGoods(gift, 1, "旧衣物", "件", false)
	wantErr(t, "unappraisable goods", err, boai.ECONFLICT, "只登记、不开具票据")
	_, err = ForGoods(gift, 2, "呼吸机", "台", false)
	wantErr(t, "partly accepted", err, boai.ECONFLICT, "重新估值")
	_, err = ForGoods(gift, 3, "x", "", false)
	wantErr(t, "no such line", err, boai.EINVALID, "没有")
	gift.Status = inkind.Receiving
	_, err = ForGoods(gift, 0, "医用外科口罩", "只", false)
	wantErr(t, "not settled", err, boai.ECONFLICT, "验收完成")
}

func TestCheckLocked(t *testing.T) {
	base := donation.Donation{ID: 5, Kind: donation.KindDonation, Donor: donation.Donor{Kind: donation.Person, Name: "张小明", Phone: "13800138000"},
		AmountFen: 50_000, Channel: donation.WeChat, Designation: donation.Designation{Kind: donation.Undesignated}, Message: "加油"}
	for _, tt := range []struct {
		name string
		edit func(*donation.Donation)
		msg  string
	}{
		{"nothing", func(*donation.Donation) {}, ""},
		{"message and phone may change", func(d *donation.Donation) { d.Message, d.Donor.Phone = "武汉加油", "13900139000" }, ""},
		{"amount", func(d *donation.Donation) { d.AmountFen = 5_000 }, "不能更改金额；"},
		{"donor", func(d *donation.Donation) { d.Donor.Name = "张晓明" }, "不能更改捐赠人；"},
		{"donor kind", func(d *donation.Donation) { d.Donor.Kind = donation.Organization }, "捐赠人类型"},
		{"anonymity", func(d *donation.Donation) { d.Donor.Anonymous = true }, "匿名"},
		{"type", func(d *donation.Donation) { d.Kind = donation.KindReversal }, "类型"},
		{"designation", func(d *donation.Donation) { d.Designation = donation.ParseDesignation("淳安县") }, "项目（定向）"},
		{"several", func(d *donation.Donation) { d.AmountFen, d.Donor.Name = 1, "李四" }, "不能更改金额、捐赠人；须先作废票据 / receipted: the amount, donor cannot change"},
	} {
		after := base
		tt.edit(&after)
		err := CheckLocked(&base, &after)
		if tt.msg == "" {
			wantErr(t, tt.name, err, "", "")
		} else {
			wantErr(t, tt.name, err, boai.ECONFLICT, tt.msg)
		}
	}

	line := inkind.Line{ItemID: 1, Declared: 1000, Valuation: inkind.Evidence, DeclaredFen: 300_000, EvidenceKind: "invoice", EvidenceRef: "No.1"}
	before := inkind.Donation{Donor: donation.Donor{Kind: donation.Organization, Name: "某公司"}, Lines: []inkind.Line{line}}
	for _, tt := range []struct {
		name string
		edit func(*inkind.Donation)
		msg  string
	}{
		{"nothing", func(*inkind.Donation) {}, ""},
		{"batch may change", func(d *inkind.Donation) { d.Lines[0].Batch = "B2" }, ""},
		{"value", func(d *inkind.Donation) { d.Lines[0].DeclaredFen = 1 }, "金额"},
		{"same value, other evidence", func(d *inkind.Donation) { d.Lines[0].EvidenceRef = "No.2" }, ""},
		{"item", func(d *inkind.Donation) { d.Lines[0].ItemID = 2 }, "物资"},
		{"quantity", func(d *inkind.Donation) { d.Lines[0].Declared = 999 }, "数量"},
		{"donor", func(d *inkind.Donation) { d.Donor.Name = "另一公司" }, "捐赠人"},
		{"line gone", func(d *inkind.Donation) { d.Lines = nil }, "物资行"},
	} {
		after := before
		after.Lines = append([]inkind.Line(nil), before.Lines...)
		tt.edit(&after)
		err := CheckLockedGoods(&before, &after, 0)
		if tt.msg == "" {
			wantErr(t, tt.name, err, "", "")
		} else {
			wantErr(t, tt.name, err, boai.ECONFLICT, tt.msg)
		}
	}
}
