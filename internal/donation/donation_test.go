package donation

import (
	"strings"
	"testing"
	"time"

	"boai"
)

func TestPublicName(t *testing.T) {
	for _, tt := range []struct {
		d    Donor
		want string
	}{
		{Donor{Kind: Person, Name: "张小明"}, "张*明"},
		{Donor{Kind: Person, Name: "张三"}, "张*"},
		{Donor{Kind: Person, Name: "欧阳小明"}, "欧**明"},
		{Donor{Kind: Person, Name: "王"}, "*"},
		{Donor{Kind: Organization, Name: "杭州某某科技有限公司"}, "杭州某某科技有限公司"},
		{Donor{Kind: Organization, Name: "杭州某某科技有限公司", Anonymous: true}, "爱心人士"},
		{Donor{Kind: Person, Name: "张小明", Anonymous: true}, "爱心人士"},
		{Donor{Kind: Person, Name: ""}, "爱心人士"},
	} {
		if got := tt.d.PublicName(); got != tt.want {
			t.Errorf("PublicName(%+v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestParseDesignation(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Designation
	}{
		{"", Designation{Kind: Undesignated}},
		{"非定向", Designation{Kind: Undesignated}},
		{"institution:浙江大学医学院附属第一医院", Designation{Institution, "浙江大学医学院附属第一医院"}},
		{"地区：淳安县", Designation{Region, "淳安县"}},
		{"新冠肺炎疫情防控", Designation{Purpose, "新冠肺炎疫情防控"}},
		{"note: something", Designation{Purpose, "note: something"}},
	} {
		if got := ParseDesignation(tt.in); got != tt.want {
			t.Errorf("ParseDesignation(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got := (Designation{Institution, "浙大一院"}).FundLabel(); got != "定向·受赠机构·浙大一院" {
		t.Errorf("FundLabel = %q", got)
	}
}

func TestValidate(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	good := func() Donation {
		return Donation{Donor: Donor{Kind: Person, Name: "张小明", Phone: "138 0013-8000"}, AmountFen: 10000,
			Channel: WeChat, ReceivedAt: now.Add(-time.Hour), BranchID: 1}
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Donation)
		valid bool
		msg   string
	}{
		{"good", func(*Donation) {}, true, ""},
		{"anonymous without name", func(d *Donation) { d.Donor.Name = ""; d.Donor.Anonymous = true }, true, ""},
		{"no name", func(d *Donation) { d.Donor.Name = " " }, false, "捐赠人名称"},
		{"zero amount", func(d *Donation) { d.AmountFen = 0 }, false, "金额必须大于零"},
		{"negative amount", func(d *Donation) { d.AmountFen = -1 }, false, "金额必须大于零"},
		{"huge amount", func(d *Donation) { d.AmountFen = MaxAmount + 1 }, false, "上限"},
		{"bad channel", func(d *Donation) { d.Channel = "paypal" }, false, "渠道"},
		{"future", func(d *Donation) { d.ReceivedAt = now.Add(time.Hour) }, false, "晚于现在"},
		{"designated without target", func(d *Donation) { d.Designation = Designation{Kind: Region} }, false, "定向对象"},
		{"bad donor kind", func(d *Donation) { d.Donor.Kind = "robot" }, false, "类型"},
		{"no branch", func(d *Donation) { d.BranchID = 0 }, false, "接收机构"},
		{"bad phone", func(d *Donation) { d.Donor.Phone = "12" }, false, "电话"},
	} {
		d := good()
		tt.edit(&d)
		err := d.Validate(now)
		if tt.valid && err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
		}
		if !tt.valid {
			if boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), tt.msg) {
				t.Errorf("%s: got %v, want invalid mentioning %q", tt.name, err, tt.msg)
			}
		}
	}
	d := good()
	_ = d.Validate(now)
	if d.Donor.Phone != "13800138000" || d.Donor.PhoneLast4() != "8000" {
		t.Errorf("phone normalised to %q", d.Donor.Phone)
	}
	a, b := good(), good()
	_, _ = a.Validate(now), b.Validate(now)
	if a.Fingerprint != b.Fingerprint {
		t.Error("same content, different fingerprints")
	}
	b.AmountFen++
	_ = b.Validate(now)
	if a.Fingerprint == b.Fingerprint {
		t.Error("different amounts, same fingerprint")
	}
}

func TestCertNo(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	n := NewCertNo("HZ", time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), loc)
	if !strings.HasPrefix(n, "HZ20261130-") || len(n) != len("HZ20261130-")+9 {
		t.Errorf("NewCertNo = %q", n)
	}
	later := NewCertNo("HZ", time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC), loc)
	if later[:len("HZ20261130-")+4] <= n[:len("HZ20261130-")+4] {
		t.Errorf("numbers do not sort by time: %s then %s", n, later)
	}
	if NormalizeCertNo(" hz20261130-7kq4 m9xp ") != "HZ20261130-7KQ4M9XP" {
		t.Error("NormalizeCertNo")
	}
}
