package goodsimport

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"boai"
	"boai/internal/allocation"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/inkind"
)

var update = flag.Bool("update", false, "rewrite the sample files in testdata")

var shanghai = time.FixedZone("CST", 8*60*60)

// seedCatalogue is the catalogue a new society starts with, ids 1….
func seedCatalogue() *Items {
	items := slices.Clone(goods.SeedItems)
	for i := range items {
		items[i].ID, items[i].Active = int64(i+1), true
	}
	return NewCatalogue(items)
}

func itemID(code string) int64 {
	for i, it := range goods.SeedItems {
		if it.Code == code {
			return int64(i + 1)
		}
	}
	panic("no seed item " + code)
}

var testRecipients = NewRecipients([]allocation.Recipient{
	{ID: 1, Name: "浙江大学医学院附属第一医院", Class: "treatment_hospital", Contact: "院办", Phone: "0571-87236114", Address: "杭州市上城区庆春路 79 号"},
	{ID: 2, Name: "杭州市西溪医院", Class: "hospital"},
	{ID: 3, Name: "文新街道社区卡口", Class: "community_checkpoint", Contact: "赵主任", Phone: "13900000003", Address: "杭州市西湖区文新街道"},
})

// csvFile writes records as a CSV file.
func csvFile(records ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(records)
	return b.Bytes()
}

var inKindHeader = []string{"捐赠方", "物资编码", "物资名称", "规格", "数量", "批号", "有效期", "申报价值(元)", "凭据类型", "凭据号", "定向", "接收日期"}

// inKindRow is a register row: donor, code, name, spec, quantity, then
// optional batch, expiry, value, evidence, evidence no., designation, date.
func inKindRow(cells ...string) []string {
	row := make([]string, len(inKindHeader))
	copy(row, cells)
	if row[11] == "" {
		row[11] = "2026-05-06"
	}
	return row
}

func mustParseInKind(t *testing.T, b []byte) *Sheet {
	t.Helper()
	sh, err := ParseInKind(b, seedCatalogue(), shanghai)
	if err != nil {
		t.Fatalf("ParseInKind: %v", err)
	}
	return sh
}

// Items resolve exactly: N95 and KN95 never stand in for each other, and
// what the catalogue lacks is an error, not a guess.
func TestItemResolution(t *testing.T) {
	for _, tt := range []struct {
		name             string
		code, item, spec string
		want             string // item code, or "" for an error
		reason           string // in the error
	}{
		{"N95 by name and spec", "", "N95 医用防护口罩", "GB 19083-2010", "MASK-N95", ""},
		{"KN95 by name and spec", "", "KN95 防护口罩", "GB 2626-2019（非医用）", "MASK-KN95", ""},
		{"KN95 spec in half-width brackets", "", "KN95 防护口罩", "GB 2626-2019(非医用)", "MASK-KN95", ""},
		{"full-width N95", "", "Ｎ９５　医用防护口罩", "ＧＢ 19083-2010", "MASK-N95", ""},
		{"extra spaces", "", " N95  医用防护口罩 ", "GB  19083-2010", "MASK-N95", ""},
		{"English name", "", "N95 medical respirator", "GB 19083-2010", "MASK-N95", ""},
		{"label", "", "N95 医用防护口罩（GB 19083-2010）", "", "MASK-N95", ""},
		{"by code", "MASK-KN95", "", "", "MASK-KN95", ""},
		{"code in lower case", "mask-n95", "", "独立包装", "MASK-N95", ""},
		{"code and matching name", "MASK-N95", "N95 医用防护口罩", "", "MASK-N95", ""},
		{"N95 alone", "", "N95", "", "", "物资目录中没有“N95”"},
		{"KN95 as N95", "", "N95 防护口罩", "GB 2626-2019（非医用）", "", "物资目录中没有"},
		{"N95 name with KN95 spec", "", "N95 医用防护口罩", "GB 2626-2019（非医用）", "", "GB 19083-2010"},
		{"KN95 name with N95 spec", "", "KN95 防护口罩", "GB 19083-2010", "", "物资目录中没有"},
		{"name without its spec", "", "N95 医用防护口罩", "", "", "目录中该名称的规格为：“GB 19083-2010”"},
		{"KN95 prefix of N95", "", "KN95 医用防护口罩", "GB 19083-2010", "", "物资目录中没有"},
		{"code contradicts name", "MASK-KN95", "N95 医用防护口罩", "", "", "与物资名称“N95 医用防护口罩”不符"},
		{"unknown code", "MASK-K95", "", "", "", "物资编码“MASK-K95”不在物资目录中"},
		{"no item", "", "", "GB 19083-2010", "", "请填写物资名称或物资编码"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sh := mustParseInKind(t, csvFile(inKindHeader, inKindRow("某公司", tt.code, tt.item, tt.spec, "100")))
			if len(sh.Rows) != 1 {
				t.Fatalf("%d rows, want 1", len(sh.Rows))
			}
			r := sh.Rows[0]
			if tt.want != "" {
				if r.Verdict != OK || r.Item == nil || r.Item.Code != tt.want {
					t.Fatalf("got %s %v (%s), want OK %s", r.Verdict, r.Item, r.Reason, tt.want)
				}
				if got := sh.Groups[0].Donation.Lines[0].ItemID; got != itemID(tt.want) {
					t.Errorf("line item %d, want %d", got, itemID(tt.want))
				}
				return
			}
			if r.Verdict != Error || r.Item != nil || !strings.Contains(r.Reason, tt.reason) || !strings.Contains(r.Reason, " / ") {
				t.Errorf("got %s %v %q, want a bilingual error containing %q", r.Verdict, r.Item, r.Reason, tt.reason)
			}
			if len(sh.Ready()) != 0 {
				t.Errorf("an erroneous row is ready to record")
			}
		})
	}
}

// Row rules are manual entry's, each reported with the row's own number.
func TestInKindRowRules(t *testing.T) {
	for _, tt := range []struct {
		name   string
		row    []string
		reason string // "" when the row is OK
		check  func(t *testing.T, l inkind.Line, d *inkind.Donation)
	}{
		{"invoiced", inKindRow("某公司", "MASK-N95", "", "", "2,000", "N-1", "2029-02-28", "¥20,000.00", "发票", "FP-1", "机构:浙大一院"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.Declared != 2000 || l.Valuation != inkind.Evidence || l.DeclaredFen != 2000000 || l.EvidenceKind != "invoice" ||
					l.EvidenceRef != "FP-1" || l.ExpiresOn != "2029-02-28" || l.Batch != "N-1" {
					t.Errorf("line %+v", l)
				}
				if d.Designation != (donation.Designation{Kind: donation.Institution, Target: "浙大一院"}) || d.Donor.Kind != donation.Organization {
					t.Errorf("donation %+v", d)
				}
				if want := time.Date(2026, 5, 6, 0, 0, 0, 0, shanghai); !d.ReceivedAt.Equal(want) {
					t.Errorf("received %v, want %v", d.ReceivedAt, want)
				}
			}},
		{"customs", inKindRow("Acme Ltd", "MASK-N95", "", "", "10", "", "", "100", "报关单", "CD-1"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.EvidenceKind != "customs" {
					t.Errorf("evidence %q", l.EvidenceKind)
				}
			}},
		{"not valued", inKindRow("某公司", "QUILT", "", "", "300"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.Valuation != inkind.Pending || d.Designation.Kind != donation.Undesignated {
					t.Errorf("line %+v, designation %+v", l, d.Designation)
				}
			}},
		{"packs", inKindRow("某公司", "OIL-5", "", "", "50箱"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.Declared != 200 {
					t.Errorf("50 箱 of 4 桶 = %d", l.Declared)
				}
			}},
		{"anonymous", inKindRow("匿名", "QUILT", "", "", "3"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if !d.Donor.Anonymous || d.Donor.Name != "" {
					t.Errorf("donor %+v", d.Donor)
				}
			}},
		{"person", inKindRow("张三", "QUILT", "", "", "3"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if d.Donor.Kind != donation.Person {
					t.Errorf("donor %+v", d.Donor)
				}
			}},
		{"Excel serial date", inKindRow("某公司", "QUILT", "", "", "3", "", "46783", "", "", "", "", "46148"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.ExpiresOn != "2028-01-31" || d.ReceivedAt.Format("2006-01-02") != "2026-05-06" {
					t.Errorf("expiry %s, received %v", l.ExpiresOn, d.ReceivedAt)
				}
			}},
		{"Excel float noise", inKindRow("某公司", "QUILT", "", "", "3.0", "", "", "1234.5600000000001", "协议", "X-1"), "",
			func(t *testing.T, l inkind.Line, d *inkind.Donation) {
				if l.DeclaredFen != 123456 || l.Declared != 3 {
					t.Errorf("line %+v", l)
				}
			}},
		{"value without evidence", inKindRow("某公司", "QUILT", "", "", "3", "", "", "100"), "第 2 行：按凭据估值须有金额、凭据类型", nil},
		{"unknown evidence", inKindRow("某公司", "QUILT", "", "", "3", "", "", "100", "收据", "R-1"), "凭据类型“收据”", nil},
		{"zero value", inKindRow("某公司", "QUILT", "", "", "3", "", "", "0", "发票", "F"), "申报价值“0”", nil},
		{"fractional quantity", inKindRow("某公司", "QUILT", "", "", "2.5"), "应为正整数", nil},
		{"zero quantity", inKindRow("某公司", "QUILT", "", "", "0"), "数量必须大于零", nil},
		{"no quantity", inKindRow("某公司", "QUILT", "", "", ""), "请填写数量", nil},
		{"wrong unit", inKindRow("某公司", "MASK-N95", "", "", "10盒"), "数量单位“盒”", nil},
		{"bad expiry", inKindRow("某公司", "QUILT", "", "", "3", "", "2028-02-30"), "有效期“2028-02-30”", nil},
		{"bad date", inKindRow("某公司", "QUILT", "", "", "3", "", "", "", "", "", "", "下周"), "接收日期“下周”", nil},
		{"no donor", inKindRow("", "QUILT", "", "", "3"), "请填写捐赠人名称", nil},
		{"designated without target", inKindRow("某公司", "QUILT", "", "", "3", "", "", "", "", "", "机构:"), "定向捐赠须写明定向对象", nil},
		{"two errors", inKindRow("某公司", "N95", "", "", "x"), "；", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sh := mustParseInKind(t, csvFile(inKindHeader, tt.row))
			r := sh.Rows[0]
			if r.Line != 2 {
				t.Errorf("line %d, want 2", r.Line)
			}
			if tt.reason != "" {
				if r.Verdict != Error || !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("got %s %q, want an error with %q", r.Verdict, r.Reason, tt.reason)
				}
				return
			}
			if r.Verdict != OK || len(sh.Ready()) != 1 {
				t.Fatalf("got %s %q, want OK", r.Verdict, r.Reason)
			}
			d := sh.Ready()[0].Donation
			tt.check(t, d.Lines[0], d)
		})
	}
}

// The sample register: two donations of two lines, one single, a row the
// catalogue cannot place, a blank and a totals row; every row accounted for.
func TestInKindSample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "inkind-sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sh := mustParseInKind(t, b)
	if sh.HeaderRow != 2 || len(sh.Ignored) != 1 || sh.Ignored[0] != "备注" {
		t.Errorf("header row %d, ignored %q", sh.HeaderRow, sh.Ignored)
	}
	want := []struct {
		line    int
		verdict Verdict
		group   int
		code    string
		qty     int64
	}{
		{3, OK, 0, "MASK-N95", 2000},
		{4, OK, 0, "MASK-KN95", 500},
		{5, OK, 1, "RICE-10", 300},
		{6, OK, 1, "OIL-5", 200},
		{7, Error, 2, "", 100},
		{8, OK, 3, "MASK-SURG", 1000},
		{9, Skipped, -1, "", 0},
		{10, Skipped, -1, "", 0},
	}
	if len(sh.Rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(sh.Rows), len(want), sh.Rows)
	}
	for i, w := range want {
		r := sh.Rows[i]
		code := ""
		if r.Item != nil {
			code = r.Item.Code
		}
		if r.Line != w.line || r.Verdict != w.verdict || r.Group != w.group || code != w.code || (w.verdict == OK && r.Quantity != w.qty) {
			t.Errorf("row %d: line %d %s group %d %s (%s), want line %d %s group %d %s", i, r.Line, r.Verdict, r.Group, code, r.Reason,
				w.line, w.verdict, w.group, w.code)
		}
	}
	if !strings.Contains(sh.Rows[7].Reason, "合计行") || !strings.Contains(sh.Rows[6].Reason, "空行") {
		t.Errorf("skip reasons %q, %q", sh.Rows[6].Reason, sh.Rows[7].Reason)
	}
	if !strings.Contains(sh.Rows[3].Note, "50 箱 = 200 桶") {
		t.Errorf("pack note %q", sh.Rows[3].Note)
	}
	ready := sh.Ready()
	if len(ready) != 3 || len(ready[0].Donation.Lines) != 2 || len(ready[1].Donation.Lines) != 2 || len(ready[2].Donation.Lines) != 1 {
		t.Fatalf("ready groups %+v", ready)
	}
	if d := ready[2].Donation; d.Designation.Kind != donation.Region || d.Designation.Target != "淳安县" || d.Donor.Kind != donation.Person {
		t.Errorf("李四's donation %+v", d)
	}
	if c := sh.Counts(); c[OK] != 5 || c[Error] != 1 || c[Skipped] != 2 {
		t.Errorf("counts %v", c)
	}
	sh.SetBranch(7)
	for _, g := range ready {
		if g.Donation.BranchID != 7 {
			t.Errorf("branch %d", g.Donation.BranchID)
		}
		if err := g.Donation.Validate(); err != nil {
			t.Errorf("a ready donation fails manual entry's rules: %v", err)
		}
	}
}

// A bad row holds back the whole donation it belongs to; other donations
// stay ready.
func TestErrorHoldsBackItsGroup(t *testing.T) {
	sh := mustParseInKind(t, csvFile(inKindHeader,
		inKindRow("甲公司", "MASK-N95", "", "", "100"),
		inKindRow("甲公司", "", "N95", "", "100"),
		inKindRow("甲公司", "QUILT", "", "", "5"),
		inKindRow("乙公司", "MASK-KN95", "", "", "100"),
	))
	for i, want := range []Verdict{Error, Error, Error, OK} {
		if sh.Rows[i].Verdict != want {
			t.Errorf("row %d: %s (%s), want %s", sh.Rows[i].Line, sh.Rows[i].Verdict, sh.Rows[i].Reason, want)
		}
	}
	if r := sh.Rows[0].Reason; !strings.Contains(r, "同一捐赠的第 3 行有错误") {
		t.Errorf("held-back reason %q", r)
	}
	if ready := sh.Ready(); len(ready) != 1 || ready[0].Party != "乙公司" {
		t.Errorf("ready %+v", ready)
	}
}

func TestGroupingAndRefs(t *testing.T) {
	rows := [][]string{
		inKindRow("甲公司", "MASK-N95", "", "", "100", "B1"),
		inKindRow("甲公司", "MASK-KN95", "", "", "200"),
		inKindRow("甲公司", "QUILT", "", "", "5", "", "", "", "", "", "", "2026-05-07"),     // another day
		inKindRow("甲公司", "QUILT", "", "", "5", "", "", "", "", "", "机构:浙大一院"),            // another designation
		inKindRow("ＡＢＣ公司", "QUILT", "", "", "5"), inKindRow("ABC公司", "FAN", "", "", "1"), // one donor
	}
	sh := mustParseInKind(t, csvFile(append([][]string{inKindHeader}, rows...)...))
	if len(sh.Groups) != 4 || len(sh.Groups[0].Rows) != 2 || len(sh.Groups[3].Rows) != 2 {
		t.Fatalf("groups %+v", sh.Groups)
	}
	refs := sh.Refs()
	seen := map[string]bool{}
	for _, r := range refs {
		if !strings.HasPrefix(r, "inkind:") || len(r) != len("inkind:")+32 || seen[r] {
			t.Errorf("ref %q", r)
		}
		seen[r] = true
	}

	// The same content, lines in another order, another layout, as XLSX:
	// the same references.
	f := excelize.NewFile()
	head := []any{"接收日期", "定向", "捐赠方", "物资编码", "数量", "批号"}
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"登记表"})
	_ = f.SetSheetRow("Sheet1", "A3", &head)
	for i, r := range [][]any{
		{time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC), "", "甲公司", "MASK-KN95", 200},
		{time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC), "", "甲公司", "MASK-N95", 100, "B1"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		_ = f.SetSheetRow("Sheet1", cell, &r)
	}
	buf, _ := f.WriteToBuffer()
	x := mustParseInKind(t, buf.Bytes())
	if got := x.Refs(); len(got) != 1 || got[0] != refs[0] {
		t.Errorf("XLSX refs %v, want [%s]; rows %+v", got, refs[0], x.Rows)
	}

	// Another quantity is another donation.
	rows[0] = inKindRow("甲公司", "MASK-N95", "", "", "101", "B1")
	changed := mustParseInKind(t, csvFile(append([][]string{inKindHeader}, rows...)...))
	if changed.Refs()[0] == refs[0] || changed.Refs()[1] != refs[1] {
		t.Errorf("changed quantity: refs %v vs %v", changed.Refs(), refs)
	}

	// Already recorded groups are marked and not ready.
	sh.MarkImported(map[string]bool{refs[1]: true})
	if c := sh.Counts(); c[Imported] != 1 || c[OK] != 5 || len(sh.Ready()) != 3 {
		t.Errorf("after MarkImported: counts %v, ready %d", c, len(sh.Ready()))
	}
}

func TestHeaderDetection(t *testing.T) {
	for _, tt := range []struct {
		name   string
		file   []byte
		kind   Kind
		reason string // "" when the header is found
	}{
		{"english headers", csvFile([]string{"Donor", "Item code", "Qty", "Expiry date"}, []string{"Acme", "QUILT", "1", ""}), InKind, ""},
		{"template headers", csvFile([]string{"捐赠方* (Donor)", "物资名称 (Item)", "规格 (Specification)", "数量* (Quantity)", "申报价值（元） (Declared value)"}), InKind, ""},
		{"tab separated, below a title", []byte("物资捐赠登记表\n\n捐赠方\t物资名称\t规格\t数量\n某公司\t大米\t10 kg\t3\n"), InKind, ""},
		{"request list as register", csvFile([]string{"申请单位", "物资名称", "数量", "用途"}), InKind, "这是调拨申请清单"},
		{"register as request list", csvFile([]string{"捐赠方", "物资名称", "数量", "接收日期"}), Requests, "这是物资捐赠登记表"},
		{"no quantity", csvFile([]string{"捐赠方", "物资名称", "规格", "批号"}), InKind, "缺少必需的列：数量"},
		{"no item", csvFile([]string{"捐赠方", "数量", "批号", "有效期"}), InKind, "物资名称或物资编码"},
		{"no header", csvFile([]string{"a", "b", "c"}), InKind, "找不到表头行"},
		{"empty", nil, InKind, "文件为空"},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), Requests, ".xls"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.kind, tt.file, seedCatalogue(), testRecipients, shanghai)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), tt.reason) {
				t.Errorf("err = %v, want invalid with %q", err, tt.reason)
			}
		})
	}
	if _, err := Parse("other", nil, nil, nil, nil); boai.ErrorCode(err) != boai.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
}

var requestHeader = []string{"申请单位", "物资编码", "物资名称", "规格", "数量", "用途", "紧急程度", "送货地址", "联系人", "联系电话"}

func TestParseRequests(t *testing.T) {
	const zy = "浙江大学医学院附属第一医院"
	sh, err := ParseRequests(csvFile(requestHeader,
		[]string{zy, "", "N95 医用防护口罩", "GB 19083-2010", "1000", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"},
		[]string{zy, "SUIT-PROT", "", "", "20箱", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"},
		[]string{zy, "MASK-KN95", "", "", "100", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"},
		[]string{zy, "", "KN95 防护口罩", "GB 2626-2019（非医用）", "50", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"}, // KN95 twice
		[]string{"文新街道社区卡口", "MASK-DISP", "", "", "2000", "卡口值守", "紧急", "", "", ""},
		[]string{"杭州市西溪医院", "MASK-N95", "", "", "300", "病房", "", "文一西路", "张护士", ""},
		[]string{"杭州市西溪医院", "MASK-KN95", "", "", "300", "病房", "", "文一西路", "李护士", ""},
		[]string{"未登记医院", "MASK-N95", "", "", "300", "病房", "", "某路", "某人", ""},
		[]string{"杭州市西溪医院", "MASK-N95", "", "", "300", "门诊", "马上", "文一西路", "张护士", ""},
		[]string{"合计", "", "", "", "4700"},
	), seedCatalogue(), testRecipients)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		verdict Verdict
		reason  string
	}{
		{Error, "同一申请的第 5 行有错误"}, {Error, "同一申请的第 5 行"}, {Error, "同一申请的第 5 行"},
		{Error, "该物资已在第 4 行"},
		{OK, ""},
		{Error, "同一申请的第 8 行"}, {Error, "联系人或电话与同一申请的第 7 行不同"},
		{Error, "申请单位“未登记医院”未登记"},
		{Error, "紧急程度“马上”"},
		{Skipped, "合计行"},
	}
	for i, w := range want {
		r := sh.Rows[i]
		if r.Verdict != w.verdict || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("row %d: %s %q, want %s %q", r.Line, r.Verdict, r.Reason, w.verdict, w.reason)
		}
	}
	ready := sh.Ready()
	if len(ready) != 1 {
		t.Fatalf("ready %+v", ready)
	}
	q := ready[0].Request
	if q.RecipientID != 3 || q.Urgency != "urgent" || q.Address != "杭州市西湖区文新街道" || q.Contact != "赵主任 13900000003" ||
		len(q.Lines) != 1 || q.Lines[0].ItemID != itemID("MASK-DISP") || q.Lines[0].Quantity != 2000 {
		t.Errorf("request %+v", q)
	}
	if !strings.Contains(sh.Rows[4].Note, "送货地址取自受助单位登记信息") {
		t.Errorf("note %q", sh.Rows[4].Note)
	}

	// Without the duplicate, 浙大一院's request is whole: three lines,
	// 20 箱 of suits counted in 件.
	sh, err = ParseRequests(csvFile(requestHeader,
		[]string{zy, "", "N95 医用防护口罩", "GB 19083-2010", "1000", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"},
		[]string{zy, "SUIT-PROT", "", "", "20箱", "发热门诊", "特急", "庆春路 79 号", "王医生", "13800000001"},
		[]string{zy, "MASK-KN95", "", "", "100", "发热门诊", "critical", "庆春路 79 号", "王医生", "13800000001"},
	), seedCatalogue(), testRecipients)
	if err != nil {
		t.Fatal(err)
	}
	if ready := sh.Ready(); len(ready) != 1 || len(ready[0].Request.Lines) != 3 || ready[0].Request.Lines[1].Quantity != 200 ||
		ready[0].Request.Urgency != "critical" || !strings.HasPrefix(ready[0].Ref, "request:") {
		t.Fatalf("ready %+v, rows %+v", ready, sh.Rows)
	} else if err := ready[0].Request.Validate(); err != nil {
		t.Errorf("a ready request fails manual entry's rules: %v", err)
	}
}

// The request sample: a workbook with a title line.
func TestRequestSample(t *testing.T) {
	path := filepath.Join("testdata", "requests-sample.xlsx")
	if *update {
		writeRequestSample(t, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := ParseRequests(b, seedCatalogue(), testRecipients)
	if err != nil {
		t.Fatal(err)
	}
	var verdicts []Verdict
	for _, r := range sh.Rows {
		verdicts = append(verdicts, r.Verdict)
	}
	if want := []Verdict{OK, OK, OK, OK, Error, Error}; !slices.Equal(verdicts, want) {
		t.Errorf("verdicts %v, want %v; rows %+v", verdicts, want, sh.Rows)
	}
	if len(sh.Ready()) != 3 || sh.HeaderRow != 2 {
		t.Errorf("ready %d, header row %d", len(sh.Ready()), sh.HeaderRow)
	}
}

func writeRequestSample(t *testing.T, path string) {
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", "调拨申请清单")
	rows := [][]any{
		{"杭州市新冠肺炎疫情防控物资调拨申请清单（2026 年 5 月 6 日）"},
		{"申请单位", "物资名称", "规格", "数量", "用途", "紧急程度", "送货地址", "联系人", "联系电话"},
		{"浙江大学医学院附属第一医院", "N95 医用防护口罩", "GB 19083-2010", 1000, "发热门诊", "特急", "杭州市上城区庆春路 79 号", "王医生", "13800000001"},
		{"浙江大学医学院附属第一医院", "医用一次性防护服", "GB 19082-2009", 200, "发热门诊", "特急", "杭州市上城区庆春路 79 号", "王医生", "13800000001"},
		{"浙江大学医学院附属第一医院", "KN95 防护口罩", "GB 2626-2019（非医用）", "5箱", "后勤保障", "一般", "杭州市上城区庆春路 79 号", "李老师", "13800000002"},
		{"文新街道社区卡口", "一次性使用医用口罩", "YY/T 0969-2013", 2000, "卡口值守", "紧急"},
		{"某某社区医院", "N95 医用防护口罩", "GB 19083-2010", 100, "门诊", "紧急", "某路 1 号", "陈医生", "13800000009"},
		{"杭州市西溪医院", "KN95 口罩", "", 300, "病房", "一般", "文一西路", "张护士", "13800000004"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("调拨申请清单", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	_ = f.MergeCell("调拨申请清单", "A1", "I1")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// The template's header row is what the parser reads; a row typed into it
// imports.
func TestTemplate(t *testing.T) {
	for _, kind := range Kinds {
		b, err := Template(kind)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := Parse(kind, b, seedCatalogue(), testRecipients, shanghai)
		if err != nil {
			t.Fatalf("%s template: %v", kind, err)
		}
		if len(sh.Fields) != len(Columns[kind]) || len(sh.Ignored) != 0 || len(sh.Rows) != 0 {
			t.Errorf("%s template: fields %v, ignored %v, rows %d", kind, sh.Fields, sh.Ignored, len(sh.Rows))
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(Columns[kind]))
		for i, c := range Columns[kind] {
			row[i] = c.Example
		}
		_ = f.SetSheetRow(sheetNames[kind], "A2", &row)
		buf, _ := f.WriteToBuffer()
		f.Close()
		sh, err = Parse(kind, buf.Bytes(), seedCatalogue(), testRecipients, shanghai)
		if err != nil || len(sh.Rows) != 1 || sh.Rows[0].Verdict != OK {
			t.Errorf("%s template with its examples: %v %+v", kind, err, sh)
		}
	}
	if _, err := Template("other"); err == nil {
		t.Error("template of an unknown kind")
	}
}

// checkSheet holds what every parse promises: each row a verdict, each
// error and skip a reason, groups that point at their rows, and only
// valid records ready.
func checkSheet(t *testing.T, sh *Sheet) {
	for i, r := range sh.Rows {
		switch r.Verdict {
		case OK:
			if r.Group < 0 || sh.Groups[r.Group].Verdict != OK {
				t.Fatalf("OK row %d outside a ready group", i)
			}
		case Error, Skipped:
			if r.Reason == "" {
				t.Fatalf("row %d: %s without a reason", i, r.Verdict)
			}
		default:
			t.Fatalf("row %d: verdict %q", i, r.Verdict)
		}
		if len(r.Values) != len(sh.Fields) {
			t.Fatalf("row %d: %d values for %d fields", i, len(r.Values), len(sh.Fields))
		}
	}
	for _, g := range sh.Groups {
		if len(g.Rows) == 0 {
			t.Fatal("empty group")
		}
		if g.Verdict != OK {
			continue
		}
		switch sh.Kind {
		case InKind:
			d := *g.Donation
			d.BranchID = 1
			if err := d.Validate(); err != nil || len(d.Lines) != len(g.Rows) {
				t.Fatalf("ready donation: %v", err)
			}
		case Requests:
			if err := g.Request.Validate(); err != nil || len(g.Request.Lines) != len(g.Rows) {
				t.Fatalf("ready request: %v", err)
			}
		}
	}
}

func fuzzSeeds(f *testing.F) {
	sample, _ := os.ReadFile(filepath.Join("testdata", "inkind-sample.csv"))
	xlsx, _ := os.ReadFile(filepath.Join("testdata", "requests-sample.xlsx"))
	tpl, _ := Template(InKind)
	for _, s := range [][]byte{sample, xlsx, tpl,
		csvFile(inKindHeader, inKindRow("甲公司", "MASK-N95", "", "", "100")),
		csvFile(requestHeader, []string{"杭州市西溪医院", "MASK-N95", "", "", "1箱", "病房", "", "路", "人", ""}),
		[]byte("捐赠方,物资名称,数量\n,,\n合计,,\n"), []byte("\xff\xfe\x00"), []byte("PK\x03\x04"),
	} {
		f.Add(s)
	}
}

func FuzzParseInKind(f *testing.F) {
	fuzzSeeds(f)
	cat := seedCatalogue()
	f.Fuzz(func(t *testing.T, b []byte) {
		sh, err := ParseInKind(b, cat, shanghai)
		if err != nil {
			if boai.ErrorCode(err) != boai.EINVALID {
				t.Fatalf("error without a user message: %v", err)
			}
			return
		}
		checkSheet(t, sh)
	})
}

func FuzzParseRequests(f *testing.F) {
	fuzzSeeds(f)
	cat := seedCatalogue()
	f.Fuzz(func(t *testing.T, b []byte) {
		sh, err := ParseRequests(b, cat, testRecipients)
		if err != nil {
			if boai.ErrorCode(err) != boai.EINVALID {
				t.Fatalf("error without a user message: %v", err)
			}
			return
		}
		checkSheet(t, sh)
	})
}
