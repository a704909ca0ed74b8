package disclosure

import (
	"strings"
	"testing"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/ledger"
	"boai/internal/money"
)

var (
	shanghai = mustLoc("Asia/Shanghai")
	kn95     = goods.Item{Code: "MASK-KN95", Name: "KN95 口罩", Spec: "GB 2626-2006", Unit: "只", PackUnit: "箱", PackSize: 20}
	suits    = goods.Item{Code: "SUIT", Name: "医用防护服", Unit: "件"}
	covid    = donation.Designation{Kind: donation.Purpose, Target: "新冠肺炎疫情防控"}
	general  = donation.Designation{Kind: donation.Undesignated}
	zheyi    = donation.Designation{Kind: donation.Institution, Target: "浙江大学医学院附属第一医院"}
)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a time on 2020-02-01 in Shanghai.
func at(h, m int) time.Time { return time.Date(2020, 2, 1, h, m, 0, 0, shanghai) }

// privateNames are the full names in sampleInput that must never be public.
var privateNames = []string{"张小明", "欧阳小明", "李四", "王大伟", "John Smith"}

// sampleInput is a small day whose donors carry phones, ID numbers and
// full names, as the store reads them.
func sampleInput() Input {
	return Input{
		Date: "2020-02-01",
		Loc:  shanghai,
		Money: []MoneyIn{
			{at(8, 5), donation.Donor{Kind: donation.Person, Name: "张小明", Phone: "13800138000", IDNumber: "110101199003074258"}, 10000, general},
			{at(9, 30), donation.Donor{Kind: donation.Organization, Name: "杭州某某科技有限公司", Phone: "0571-88888888"}, 5000000, covid},
			{at(10, 0), donation.Donor{Kind: donation.Person, Name: "李四", Phone: "139 1234 5678", Anonymous: true}, 20000, zheyi},
			{at(23, 59), donation.Donor{Kind: donation.Person, Name: "欧阳小明", IDNumber: "33010619850615002X"}, 8800, general},
			{at(23, 59), donation.Donor{Name: "John Smith"}, -1000, general},
		},
		Goods: []GoodsIn{
			{at(11, 0), donation.Donor{Kind: donation.Person, Name: "王大伟", Phone: "+86 186-0000-1111"}, kn95, 85, zheyi},
			{at(12, 0), donation.Donor{Kind: donation.Organization, Name: "杭州某某医疗器械有限公司"}, suits, 300, covid},
		},
		Allocations: []AllocationIn{
			{at(15, 0), "浙江大学医学院附属第一医院", kn95, 80},
		},
		Expenditures: []ExpenditureIn{
			{at(16, 0), "杭州某某医疗器械有限公司", "采购医用防护服", 3000000, covid},
		},
		Cumulative: ledger.Rate{Received: 200000000, Spent: 186400000},
		Checkpoint: &CheckpointIn{Size: 42, Root: []byte("0123456789abcdef0123456789abcdef")},
	}
}

func mustDay(t testing.TB, in Input) *Day {
	t.Helper()
	d, err := NewDay(in)
	if err != nil {
		t.Fatalf("NewDay: %v", err)
	}
	return d
}

func wantCode(t *testing.T, name string, err error, code string) {
	t.Helper()
	if got := boai.ErrorCode(err); got != code {
		t.Errorf("%s: got %v (code %q), want code %q", name, err, got, code)
	}
}

func TestMasking(t *testing.T) {
	for _, tt := range []struct {
		donor donation.Donor
		want  string
	}{
		{donation.Donor{Kind: donation.Person, Name: "张小明", Phone: "13800138000"}, "张*明"},
		{donation.Donor{Kind: donation.Person, Name: "张三"}, "张*"},
		{donation.Donor{Kind: donation.Person, Name: "欧阳小明"}, "欧**明"},
		{donation.Donor{Kind: donation.Person, Name: " 王 "}, "*"},
		{donation.Donor{Name: "张小明"}, "张*明"}, // no kind: treated as a person
		{donation.Donor{Kind: donation.Person, Name: "John Smith"}, "J********h"},
		{donation.Donor{Kind: donation.Person, Name: "张小明", Anonymous: true}, "爱心人士"},
		{donation.Donor{Kind: donation.Person}, "爱心人士"},
		{donation.Donor{Kind: donation.Organization, Name: "杭州某某科技有限公司"}, "杭州某某科技有限公司"},
		{donation.Donor{Kind: donation.Organization, Name: "杭州某某科技有限公司", Anonymous: true}, "爱心人士"},
	} {
		in := Input{Date: "2020-02-01", Loc: shanghai,
			Money: []MoneyIn{{ReceivedAt: at(9, 0), Donor: tt.donor, Amount: 100, Designation: general}},
			Goods: []GoodsIn{{ReceivedAt: at(9, 0), Donor: tt.donor, Item: suits, Qty: 1, Designation: general}},
		}
		d := mustDay(t, in)
		if got := d.Money[0].Donor; got != tt.want {
			t.Errorf("money donor %+v: got %q, want %q", tt.donor, got, tt.want)
		}
		if got := d.Goods[0].Donor; got != tt.want {
			t.Errorf("goods donor %+v: got %q, want %q", tt.donor, got, tt.want)
		}
	}
}

func TestNewDay(t *testing.T) {
	d := mustDay(t, sampleInput())
	if d.Date != "2020-02-01" || len(d.Money) != 5 || d.Money[4].No != 5 {
		t.Fatalf("got %+v", d)
	}
	if got, want := d.Totals.DayReceived, money.Fen(10000+5000000+20000+8800-1000); got != want {
		t.Errorf("day received %d, want %d", got, want)
	}
	if got := d.Totals.DaySpent; got != 3000000 {
		t.Errorf("day spent %d, want 3000000", got)
	}
	if got := d.Totals.Cumulative.String(); got != "93.2%" {
		t.Errorf("utilisation %q, want 93.2%%", got)
	}
	if got := d.Goods[0].Quantity; got != "4 箱 + 5 只 (85 只)" {
		t.Errorf("goods quantity %q", got)
	}
	if got := d.Money[2].Designation; got != "定向·受赠机构·浙江大学医学院附属第一医院" {
		t.Errorf("designation %q", got)
	}
	if d.Checkpoint == nil || d.Checkpoint.Root != "3031323334353637383961626364656630313233343536373839616263646566" {
		t.Errorf("checkpoint %+v", d.Checkpoint)
	}
	// Line dates are in the society's zone: 23:59 in Shanghai is still the 1st
	// although it is 15:59 UTC; 00:30 on the 2nd is the 2nd.
	in := sampleInput()
	in.Money[0].ReceivedAt = time.Date(2020, 2, 1, 16, 30, 0, 0, time.UTC)
	d = mustDay(t, in)
	if d.Money[0].Date != "2020-02-02" || d.Money[3].Date != "2020-02-01" {
		t.Errorf("line dates %q, %q", d.Money[0].Date, d.Money[3].Date)
	}
}

func TestNewDayRefuses(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*Input)
		msg    string
	}{
		{"no zone", func(in *Input) { in.Loc = nil }, "时区"},
		{"bad date", func(in *Input) { in.Date = "2020-2-1" }, "YYYY-MM-DD"},
		{"zero amount", func(in *Input) { in.Money[1].Amount = 0 }, "捐款第 2 行"},
		{"phone in purpose", func(in *Input) { in.Expenditures[0].Purpose = "联系人电话 138-0013-8000" }, "支出第 1 行"},
		{"ID in designation", func(in *Input) {
			in.Money[0].Designation = donation.Designation{Kind: donation.Purpose, Target: "资助 330102198001010018"}
		}, "身份证号"},
		{"donor's full name in designation", func(in *Input) {
			in.Money[0].Designation = donation.Designation{Kind: donation.Purpose, Target: "结对资助王大伟"}
		}, "捐赠人全名"},
		{"anonymous donor's name in purpose", func(in *Input) { in.Expenditures[0].Purpose = "李四指定采购" }, "捐赠人全名"},
		{"phone in an organisation's name", func(in *Input) {
			in.Money[1].Donor.Name = "某某公司13800138000"
		}, "手机号"},
		{"card in recipient", func(in *Input) { in.Allocations[0].Recipient = "某医院 6222021200001233" }, "银行卡号"},
		{"bad checkpoint", func(in *Input) { in.Checkpoint.Root = []byte{1, 2} }, "检查点"},
		{"bad UTF-8", func(in *Input) { in.Expenditures[0].Payee = "\xff" }, "UTF-8"},
	} {
		in := sampleInput()
		tt.change(&in)
		_, err := NewDay(in)
		if boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), tt.msg) {
			t.Errorf("%s: got %v, want invalid containing %q", tt.name, err, tt.msg)
		}
	}
	// An organisation's name may contain a word that is a person's name: it is public by rule.
	in := sampleInput()
	in.Money[1].Donor.Name = "李四餐饮有限公司"
	if _, err := NewDay(in); err != nil {
		t.Errorf("organisation named after a person: %v", err)
	}
}
