package bankstmt

import (
	"boai/internal/money"
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"boai"
)

var update = flag.Bool("update", false, "rewrite the sample statements in testdata")

var shanghai = time.FixedZone("CST", 8*60*60)

// mixed is a statement with title lines, good rows, bad rows, a fee, a
// repeated row and a totals row. Accepted: lines 5, 6, 7, 12, 13.
const mixed = `中国某银行账户明细
账号：6222021234567890123,户名：某市红十字会
起止日期：2026-11-01 至 2026-11-30
交易日期,交易时间,对方户名,对方账号,摘要,收入金额(元),支出金额(元),余额,交易流水号,附言
2026-11-01,09:15:02,张三,="6222021234567890",转账,"1,000.00",,"11,000.00",A001,抗洪捐款
2026/11/2,101500,李四,	6217001234,网银转账,500,,"11,500.00",A002,
2026-11-03,11:00,深圳某科技有限公司,'4420123456,转账,"￥２，０００．５０",,"13,500.50",A003,捐赠
2026-11-03,12:00,某银行,,手续费,,5.00,"13,495.50",A004,
2026-11-04,08:00,王五,,转账,abc,,,A005,
2026-02-30,08:00,赵六,,转账,100,,,A006,
2026-11-01,09:15:02,张三,="6222021234567890",转账,"1,000.00",,"11,000.00",A001,抗洪捐款

2026-11-05,,,,现金存入,100,,,,
2026-11-05,,,,现金存入,100,,,,
合计,,,,,"3,700.50",5.00,,,
`

const mixedAcceptedFen = 100000 + 50000 + 200050 + 10000 + 10000

func mustParse(t *testing.T, b []byte, m Mapping) *Statement {
	t.Helper()
	st, err := Parse(bytes.NewReader(b), m, shanghai)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return st
}

func accepted(st *Statement) (n int, fen int64) {
	for _, r := range st.Rows {
		if r.Verdict == Accept {
			n++
			fen += int64(r.AmountFen)
		}
	}
	return n, fen
}

func TestParseMixed(t *testing.T) {
	st := mustParse(t, []byte(mixed), nil)
	if st.Format != "csv" || st.Encoding != "utf-8" || st.HeaderRow != 4 {
		t.Errorf("format, encoding, header row = %q, %q, %d, want csv, utf-8, 4", st.Format, st.Encoding, st.HeaderRow)
	}
	if n, fen := accepted(st); n != 5 || fen != mixedAcceptedFen {
		t.Errorf("accepted %d rows, %d fen, want 5 rows, %d fen", n, fen, mixedAcceptedFen)
	}
	want := []struct {
		line    int
		verdict Verdict
		reason  string
	}{
		{5, Accept, ""},
		{6, Accept, ""},
		{7, Accept, ""},
		{8, Debit, "支出行，不是捐赠"},
		{9, Invalid, "金额格式不正确: abc"},
		{10, Invalid, "日期格式不正确: 2026-02-30 08:00"},
		{11, Duplicate, "与第5行流水号重复"},
		{13, Accept, ""},
		{14, Accept, ""},
		{15, Total, "合计行"},
	}
	if len(st.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(st.Rows), len(want), st.Rows)
	}
	for i, w := range want {
		r := st.Rows[i]
		if r.Line != w.line || r.Verdict != w.verdict || r.Reason != w.reason {
			t.Errorf("row %d = line %d %s %q, want line %d %s %q", i, r.Line, r.Verdict, r.Reason, w.line, w.verdict, w.reason)
		}
	}

	first := st.Rows[0]
	wantFirst := Row{
		Line: 5, Time: time.Date(2026, 11, 1, 9, 15, 2, 0, shanghai), Counterparty: "张三",
		Account: "6222021234567890", AmountFen: 100000, Summary: "转账", Purpose: "抗洪捐款",
		Serial: "A001", Ref: "A001", Verdict: Accept,
	}
	if !first.Time.Equal(wantFirst.Time) {
		t.Errorf("first row time = %v, want %v", first.Time, wantFirst.Time)
	}
	first.Time = wantFirst.Time
	if first != wantFirst {
		t.Errorf("first row = %+v\nwant %+v", first, wantFirst)
	}
	if got, want := st.Rows[1].Account, "6217001234"; got != want {
		t.Errorf("tab-prefixed account = %q, want %q", got, want)
	}
	if got, want := st.Rows[1].Time, time.Date(2026, 11, 2, 10, 15, 0, 0, shanghai); !got.Equal(want) {
		t.Errorf("row 6 time = %v, want %v", got, want)
	}
	if got, want := st.Rows[2].Account, "4420123456"; got != want {
		t.Errorf("apostrophe-prefixed account = %q, want %q", got, want)
	}
	if got, want := st.Rows[3].AmountFen, money.Fen(-500); got != want {
		t.Errorf("debit AmountFen = %d, want %d", got, want)
	}

	// Identical rows without a serial are two gifts with distinct refs.
	a, b := st.Rows[7], st.Rows[8]
	if !strings.HasPrefix(a.Ref, "stmt:") || len(a.Ref) != len("stmt:")+32 {
		t.Errorf("no-serial ref = %q, want stmt: and 32 hex digits", a.Ref)
	}
	if a.Ref == b.Ref || b.Ref == "" {
		t.Errorf("refs of two identical gifts = %q, %q, want distinct", a.Ref, b.Ref)
	}

	wantMapping := Mapping{
		FieldDate: "交易日期", FieldTime: "交易时间", FieldName: "对方户名", FieldAccount: "对方账号",
		FieldSummary: "摘要", FieldCredit: "收入金额(元)", FieldDebit: "支出金额(元)",
		FieldSerial: "交易流水号", FieldPurpose: "附言",
	}
	if fmt.Sprint(st.Mapping) != fmt.Sprint(wantMapping) {
		t.Errorf("mapping = %v, want %v", st.Mapping, wantMapping)
	}
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("GBK encode: %v", err)
	}
	return b
}

// toTSV rewrites a CSV statement tab-delimited, as some banks export it.
func toTSV(t *testing.T, s string) string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, rec := range recs {
		for i, c := range rec {
			rec[i] = strings.TrimLeft(c, "\t")
		}
		b.WriteString(strings.Join(rec, "\t") + "\n")
	}
	return b.String()
}

func TestParseEncodings(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(mixed))
	if err != nil {
		t.Fatal(err)
	}
	tsv := toTSV(t, mixed)

	base := mustParse(t, []byte(mixed), nil)
	for _, tt := range []struct {
		name string
		in   []byte
		enc  string
	}{
		{"bom", append([]byte("\xef\xbb\xbf"), mixed...), "utf-8-bom"},
		{"gbk", gbk(t, mixed), "gb18030"},
		{"utf-16", utf16, "utf-16le"},
		{"crlf", []byte(strings.ReplaceAll(mixed, "\n", "\r\n")), "utf-8"},
		{"tab", []byte(tsv), "utf-8"},
		{"gbk tab", gbk(t, tsv), "gb18030"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := mustParse(t, tt.in, nil)
			if st.Encoding != tt.enc {
				t.Errorf("encoding = %q, want %q", st.Encoding, tt.enc)
			}
			if len(st.Rows) != len(base.Rows) {
				t.Fatalf("got %d rows, want %d", len(st.Rows), len(base.Rows))
			}
			for i, r := range st.Rows {
				w := base.Rows[i]
				if r.Verdict != w.Verdict || r.Ref != w.Ref || r.AmountFen != w.AmountFen || r.Counterparty != w.Counterparty {
					t.Errorf("row %d = %s %q %d %q, want %s %q %d %q", i,
						r.Verdict, r.Ref, r.AmountFen, r.Counterparty, w.Verdict, w.Ref, w.AmountFen, w.Counterparty)
				}
			}
		})
	}
}

// xlsxFile builds a workbook in memory; rows are written from A1 of sheet.
func xlsxFile(t *testing.T, sheets map[string][][]any, order ...string) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}

func xlsxBytes(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseXLSX(t *testing.T) {
	f := xlsxFile(t, map[string][][]any{
		"说明": {{"本文件由网银导出"}, {"请勿修改"}},
		"明细": {
			{"某银行对公账户交易明细"},
			{"户名：某市红十字会", nil, "账号：1202020409900012345"},
			{},
			{"交易日期", "对方户名", "对方账号", "贷方发生额", "借方发生额", "摘要", "用途", "凭证号"},
			{time.Date(2026, 11, 30, 14, 3, 5, 0, time.UTC), "张三", "6222021234567890", 1000.5, nil, "转账", "捐款", "V1"},
			{"2026-11-30 15:00:00", "李四", "6217001234", "200.00", "", "转账", "", "V2"},
			{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "银行", "", nil, 12.5, "手续费", "", "V3"},
			{"2026-12-01", "王五", "", 0.1 + 0.2, nil, "转账", "", "V4"},
			{"合计", nil, nil, 1200.8, 12.5},
		},
	}, "说明", "明细")
	// 0.1+0.2 is stored as 0.30000000000000004; Excel shows 0.30.
	style, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("明细", "D8", "D8", style); err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell("明细", "A1", "H1"); err != nil {
		t.Fatal(err)
	}
	st := mustParse(t, xlsxBytes(t, f), nil)
	if st.Format != "xlsx" || st.HeaderRow != 4 {
		t.Errorf("format, header row = %q, %d, want xlsx, 4", st.Format, st.HeaderRow)
	}
	want := []struct {
		line    int
		verdict Verdict
		fen     int64
		time    time.Time
	}{
		{5, Accept, 100050, time.Date(2026, 11, 30, 14, 3, 5, 0, shanghai)},
		{6, Accept, 20000, time.Date(2026, 11, 30, 15, 0, 0, 0, shanghai)},
		{7, Debit, -1250, time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai)},
		{8, Accept, 30, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)},
		{9, Total, 0, time.Time{}},
	}
	if len(st.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(st.Rows), len(want), st.Rows)
	}
	for i, w := range want {
		r := st.Rows[i]
		if r.Line != w.line || r.Verdict != w.verdict || int64(r.AmountFen) != w.fen || !r.Time.Equal(w.time) {
			t.Errorf("row %d = line %d %s %d %v (%s), want line %d %s %d %v",
				i, r.Line, r.Verdict, r.AmountFen, r.Time, r.Reason, w.line, w.verdict, w.fen, w.time)
		}
	}
	if got := st.Rows[0].Ref; got != "V1" {
		t.Errorf("ref = %q, want bank:V1", got)
	}
}

func TestParseXLSX1904(t *testing.T) {
	f := xlsxFile(t, map[string][][]any{"S": {
		{"交易日期", "对方户名", "收入"},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "张三", 10},
	}}, "S")
	date1904 := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
		t.Fatal(err)
	}
	// Written after switching, so the stored serial counts from 1904.
	if err := f.SetCellValue("S", "A2", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	st := mustParse(t, xlsxBytes(t, f), nil)
	if got, want := st.Rows[0].Time, time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai); !got.Equal(want) {
		t.Errorf("1904 date = %v, want %v", got, want)
	}
}

// Rows without a serial get the same ref in any file that holds them, so
// importing an overlapping statement does not import them twice.
func TestStableRefs(t *testing.T) {
	nov := "账户明细 11月\n" +
		"交易日期,交易时间,对方户名,收入金额,摘要,附言\n" +
		"2026-11-29,10:00:00,张三,100.00,转账,捐款\n" +
		"2026-11-30,11:00:00,李四,200.00,转账,\n" +
		"2026-11-30,11:00:00,李四,200.00,转账,\n"
	// The next export overlaps on the 30th, with other titles, another
	// column order, GBK, a date-time in one cell and amounts written differently.
	dec := "户名：某市红十字会\n起止日期：2026-11-30 至 2026-12-31\n\n" +
		"附言,对方户名,交易日期,贷方金额,借方金额,摘要\n" +
		",李四,2026/11/30 11:00:00,200,,转账\n" +
		",李四,2026/11/30 11:00:00,￥200.00,,转账\n" +
		"捐款,王五,2026-12-01 09:00:00,300,,转账\n"
	f := xlsxFile(t, map[string][][]any{"S": {
		{"交易时间", "对方户名", "收入", "摘要", "附言"},
		{time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), "张三", 100, "转账", "捐款"},
	}}, "S")

	a := mustParse(t, []byte(nov), nil)
	b := mustParse(t, gbk(t, dec), nil)
	c := mustParse(t, xlsxBytes(t, f), nil)
	for _, tt := range []struct {
		name string
		got  Row
		want Row
	}{
		{"first 李四", b.Rows[0], a.Rows[1]},
		{"second 李四", b.Rows[1], a.Rows[2]},
		{"张三 in xlsx", c.Rows[0], a.Rows[0]},
	} {
		if tt.got.Ref == "" || tt.got.Ref != tt.want.Ref {
			t.Errorf("%s: ref = %q, want %q", tt.name, tt.got.Ref, tt.want.Ref)
		}
	}
	if a.Rows[1].Ref == a.Rows[2].Ref {
		t.Errorf("two identical gifts share ref %q", a.Rows[1].Ref)
	}
	if b.Rows[2].Ref == a.Rows[0].Ref {
		t.Errorf("different rows share ref %q", a.Rows[0].Ref)
	}
}

func TestParseMapping(t *testing.T) {
	const in = "流水号,日期,来款人,金额说明,入账\n" +
		"S1,2026-11-30,张三,捐款,100.00\n"
	if _, err := Parse(strings.NewReader(in), nil, shanghai); err == nil {
		t.Fatal("Parse without mapping succeeded, want an error")
	}
	m := Mapping{FieldName: "来款人", FieldCredit: "入账", FieldPurpose: " 金额说明 "}
	st := mustParse(t, []byte(in), m)
	r := st.Rows[0]
	if r.Counterparty != "张三" || r.AmountFen != 10000 || r.Purpose != "捐款" || r.Verdict != Accept {
		t.Errorf("row = %+v, want 张三 10000 捐款 accept", r)
	}
	if st.Mapping[FieldName] != "来款人" || st.Mapping[FieldSerial] != "流水号" {
		t.Errorf("mapping = %v, want counterparty 来款人 and serial 流水号", st.Mapping)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		m    Mapping
		want string
	}{
		{"empty", "", nil, "empty file"},
		{"no header", "a,b,c\n1,2,3\n", nil, "no header row found"},
		{"no counterparty", "交易日期,收入金额,摘要,附言\n2026-11-30,1,x,y\n", nil, "counterparty"},
		{"no amount", "交易日期,对方户名,摘要,附言\n2026-11-30,张三,x,y\n", nil, "credit or amount"},
		{"mapped header missing", "交易日期,对方户名,收入金额\n", Mapping{FieldSerial: "单号"}, `"单号"`},
		{"unknown field", "交易日期,对方户名,收入金额\n", Mapping{"balance": "余额"}, "unknown field"},
		{"xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", nil, ".xls"},
		{"html", "<html><table><tr><td>交易日期</td></tr></table></html>", nil, "HTML"},
		{"bad zip", "PK\x03\x04garbage", nil, "XLSX"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), tt.m, shanghai)
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if code := boai.ErrorCode(err); code != boai.EINVALID {
				t.Errorf("error code = %q, want %q", code, boai.EINVALID)
			}
		})
	}
}

func TestParseAmountColumn(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want []Verdict
		fen  []int64
	}{
		{
			"signed",
			"交易日期,对方户名,交易金额,摘要\n" +
				"2026-11-30,张三,100.00,转账\n" +
				"2026-11-30,银行,-2.00,手续费\n" +
				"2026-11-30,李四,(3.00),退款\n" +
				"2026-11-30,王五,0,转账\n" +
				"2026-11-30,赵六,,转账\n",
			[]Verdict{Accept, Debit, Debit, Invalid, Invalid},
			[]int64{10000, -200, -300, 0, 0},
		},
		{
			"direction",
			"交易日期,对方户名,发生额,借贷标志\n" +
				"2026-11-30,张三,100.00,贷\n" +
				"2026-11-30,银行,2.00,借\n" +
				"2026-11-30,李四,3.00,D\n" +
				"2026-11-30,王五,4.00,C\n" +
				"2026-11-30,赵六,5.00,?\n",
			[]Verdict{Accept, Debit, Debit, Accept, Invalid},
			[]int64{10000, -200, -300, 400, 0},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := mustParse(t, []byte(tt.in), nil)
			if len(st.Rows) != len(tt.want) {
				t.Fatalf("got %d rows, want %d", len(st.Rows), len(tt.want))
			}
			for i, r := range st.Rows {
				if r.Verdict != tt.want[i] || int64(r.AmountFen) != tt.fen[i] {
					t.Errorf("row %d = %s %d (%s), want %s %d", i, r.Verdict, r.AmountFen, r.Reason, tt.want[i], tt.fen[i])
				}
			}
		})
	}
}

func TestParseRowRules(t *testing.T) {
	const in = "交易日期,对方户名,收入金额,支出金额,附言,流水号\n" +
		"2026-11-30,张三,100,,累计捐款第三次,S1\n" + // a gift, not a total
		"本页合计,,100,,,\n" +
		"2026-11-30,,100,,本日合计,\n" +
		"2026-11-30,李四,0.00,0.00,,S2\n" +
		"2026-11-30,王五,1,2,,S3\n" +
		"2026-11-30,冲正,-50,,,S4\n" +
		"2026-11-30,张三,999,,,S1\n" + // same serial, other money
		"交易日期,对方户名,收入金额,支出金额,附言,流水号\n" + // header repeated on page 2
		"2026-11-30,钱七,-,10,,0000\n" +
		"2026-11-30,孙八,１２３．４５,--,,000\n" +
		"2026-11-30,孙八,１２３．４５,--,,000\n" // placeholder serials: not duplicates
	want := []struct {
		verdict Verdict
		reason  string
	}{
		{Accept, ""},
		{Total, "合计行"},
		{Total, "合计行"},
		{Invalid, "金额为零"},
		{Invalid, "收入和支出同时有金额"},
		{Debit, "收入为负数（冲正），不是捐赠"},
		{Invalid, "流水号与第2行相同但内容不同，请核对"},
		{Invalid, "重复的表头行"},
		{Debit, "支出行，不是捐赠"},
		{Accept, ""},
		{Accept, ""},
	}
	st := mustParse(t, []byte(in), nil)
	if len(st.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(st.Rows), len(want))
	}
	for i, w := range want {
		if r := st.Rows[i]; r.Verdict != w.verdict || r.Reason != w.reason {
			t.Errorf("row %d (line %d) = %s %q, want %s %q", i, r.Line, r.Verdict, r.Reason, w.verdict, w.reason)
		}
	}
	if got := st.Rows[9].AmountFen; got != 12345 {
		t.Errorf("full-width amount = %d, want 12345", got)
	}
	if a, b := st.Rows[9].Ref, st.Rows[10].Ref; !strings.HasPrefix(a, "stmt:") || a == b {
		t.Errorf("placeholder-serial refs = %q, %q, want distinct stmt: refs", a, b)
	}
}

func TestParseTime(t *testing.T) {
	day := func(y, m, d, h, mi, s int) time.Time { return time.Date(y, time.Month(m), d, h, mi, s, 0, shanghai) }
	for _, tt := range []struct {
		date, clock string
		want        time.Time
	}{
		{"2026-11-30", "", day(2026, 11, 30, 0, 0, 0)},
		{"2026/11/30", "", day(2026, 11, 30, 0, 0, 0)},
		{"2026/1/5", "", day(2026, 1, 5, 0, 0, 0)},
		{"20261130", "", day(2026, 11, 30, 0, 0, 0)},
		{"2026年11月30日", "", day(2026, 11, 30, 0, 0, 0)},
		{"2026年1月5日 9时05分", "", day(2026, 1, 5, 9, 5, 0)},
		{"2026.11.30", "", day(2026, 11, 30, 0, 0, 0)},
		{"２０２６－１１－３０", "", day(2026, 11, 30, 0, 0, 0)},
		{" 2026-11-30 ", "", day(2026, 11, 30, 0, 0, 0)},
		{"2026-11-30 14:03:05", "", day(2026, 11, 30, 14, 3, 5)},
		{"2026-11-30T14:03:05", "", day(2026, 11, 30, 14, 3, 5)},
		{"2026/11/30 14:03", "", day(2026, 11, 30, 14, 3, 0)},
		{"2026-11-30 14:03:05.123", "", day(2026, 11, 30, 14, 3, 5)},
		{"20261130 140305", "", day(2026, 11, 30, 14, 3, 5)},
		{"20261130140305", "", day(2026, 11, 30, 14, 3, 5)},
		{"2026-11-30", "14:03:05", day(2026, 11, 30, 14, 3, 5)},
		{"2026-11-30", "14:03", day(2026, 11, 30, 14, 3, 0)},
		{"2026-11-30", "140305", day(2026, 11, 30, 14, 3, 5)},
		{"2026-11-30", "90305", day(2026, 11, 30, 9, 3, 5)},
		{"2026-11-30", "0.5", day(2026, 11, 30, 12, 0, 0)},
		{"2026-11-30", "2026-11-30 08:01:02", day(2026, 11, 30, 8, 1, 2)},
		{"2026-11-30 23:59:59", "01:00:00", day(2026, 11, 30, 1, 0, 0)},
		{"46356", "", day(2026, 11, 30, 0, 0, 0)},
		{"46356.5", "", day(2026, 11, 30, 12, 0, 0)},
		{"46356.585474537", "", day(2026, 11, 30, 14, 3, 5)},
		{"46356.99999999", "", day(2026, 12, 1, 0, 0, 0)},
		{"2024-02-29", "", day(2024, 2, 29, 0, 0, 0)},
		{"1990-01-01", "", day(1990, 1, 1, 0, 0, 0)},
		{"2100-12-31", "", day(2100, 12, 31, 0, 0, 0)},
	} {
		got, err := ParseTime(tt.date, tt.clock, shanghai)
		if err != nil {
			t.Errorf("ParseTime(%q, %q) error: %v", tt.date, tt.clock, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != shanghai {
			t.Errorf("ParseTime(%q, %q) = %v, want %v", tt.date, tt.clock, got, tt.want)
		}
	}
}

func TestParseTimeInvalid(t *testing.T) {
	for _, tt := range []struct{ date, clock string }{
		{"", ""},
		{"2026-02-30", ""},
		{"2025-02-29", ""},
		{"2026-13-01", ""},
		{"2026-00-10", ""},
		{"2026-11-31", ""},
		{"1989-12-31", ""},
		{"2101-01-01", ""},
		{"26-11-30", ""},
		{"11/30/2026", ""},
		{"30.11.2026", ""},
		{"2026-11/30", ""},
		{"2026-11-30-01", ""},
		{"2026-11-30", "25:00"},
		{"2026-11-30", "14:60"},
		{"2026-11-30", "abc"},
		{"2026-11-30 14:03:99", ""},
		{"20261131", ""},
		{"1000", ""},      // serial in 1902
		{"100000", ""},    // serial in 2173
		{"1234567", ""},   // neither a serial nor a date
		{"46356.5.5", ""}, // two points
		{"明天", ""},
	} {
		if got, err := ParseTime(tt.date, tt.clock, shanghai); err == nil {
			t.Errorf("ParseTime(%q, %q) = %v, want error", tt.date, tt.clock, got)
		}
	}
}

func TestSynonymsUnique(t *testing.T) {
	owner := make(map[string]Field)
	for _, f := range fields {
		for _, n := range synonyms[f] {
			k := normalizeHeader(n)
			if prev, ok := owner[k]; ok {
				t.Errorf("header %q is a synonym of both %s and %s", n, prev, f)
			}
			owner[k] = f
		}
	}
	if len(synonyms) != len(fields) {
		t.Errorf("synonyms has %d fields, fields lists %d", len(synonyms), len(fields))
	}
}

// bigCSV is a statement of n credit rows without serials.
func bigCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("账户明细\n交易日期,交易时间,对方户名,对方账号,收入金额,支出金额,摘要,附言\n")
	for i := range n {
		fmt.Fprintf(&b, "2026-11-%02d,%02d:%02d:%02d,捐赠人%d,=\"6222%012d\",\"%d.%02d\",,转账,捐款\n",
			i%30+1, i/3600%24, i/60%60, i%60, i, i, i%5000+1, i%100)
	}
	return b.Bytes()
}

func TestParseLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 100_000
	start := time.Now()
	st := mustParse(t, bigCSV(n), nil)
	elapsed := time.Since(start)
	if got, _ := accepted(st); got != n {
		t.Errorf("accepted %d rows, want %d", got, n)
	}
	// Generous: the point is to catch accidental quadratic work.
	if elapsed > 10*time.Second {
		t.Errorf("parsing %d rows took %v", n, elapsed)
	}
	t.Logf("%d rows in %v", n, elapsed)
}

func BenchmarkParseCSV(b *testing.B) {
	in := bigCSV(100_000)
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in), nil, shanghai); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	rows := [][]any{{"账户明细"}, {"交易日期", "对方户名", "对方账号", "收入金额", "支出金额", "摘要", "附言"}}
	for i := range 100_000 {
		day := time.Date(2026, 11, i%30+1, i%24, i%60, i%60, 0, time.UTC)
		rows = append(rows, []any{day, fmt.Sprint("捐赠人", i), fmt.Sprintf("6222%012d", i), float64(i%5000+1) + float64(i%100)/100, nil, "转账", "捐款"})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	for b.Loop() {
		st, err := Parse(bytes.NewReader(in), nil, shanghai)
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := accepted(st); n != 100_000 {
			b.Fatalf("accepted %d rows, want 100000", n)
		}
	}
}

// sampleCSV is an ICBC-style export (GBK, date and time in 交易时间, a
// 借/贷 column beside separate debit and credit columns).
const sampleCSV = `中国工商银行 对公账户明细
账号：1202020409900012345,户名：某市红十字会
起止日期：2026-11-01 至 2026-11-30,币种：人民币
凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额
	20261101001,	1202020409900012345,	6222021234567890123,2026-11-01 09:15:02,贷,,"1,000.00",102100099996,跨行转账,抗洪救灾捐款,张三,"101,000.00"
	20261102001,	1202020409900012345,	6217001234567890,2026-11-02 10:15:00,贷,,500.00,105100000017,网银转账,,李四,"101,500.00"
	20261103001,	1202020409900012345,	4420123456789,2026-11-03 11:00:00,贷,,"20,000.00",308584000013,转账,定向捐赠：某小学,深圳某科技有限公司,"121,500.00"
	20261103002,	1202020409900012345,,2026-11-03 11:00:01,借,12.00,,,手续费,,,"121,488.00"
	20261105001,	1202020409900012345,,2026-11-05 09:30:00,贷,,200.00,,现金存入,,,"121,688.00"
	20261106001,	1202020409900012345,	6228481234567890,2026-11-06 16:20:45,贷,,88.88,103100000026,转账,一点心意,王五,"121,776.88"
	20261108001,	1202020409900012345,	1202020409900099999,2026-11-08 08:00:00,借,"5,000.00",,102100099996,转账,拨付救灾物资款,某物资公司,"116,776.88"
	20261110001,	1202020409900012345,	6222600000000000001,2026-11-10 12:00:00,贷,,"1,500.00",301290000007,转账,捐款,赵六,"118,276.88"
	20261115001,	1202020409900012345,	6214830000000000002,2026-11-15 19:45:10,贷,,50.00,308584000013,转账,,孙七,"118,326.88"
	20261120001,	1202020409900012345,	6222021234567890123,2026-11-20 09:00:00,贷,,"1,000.00",102100099996,跨行转账,月捐,张三,"119,326.88"
合计,,,,,"5,012.00","24,338.88",,,,,
`

func sampleXLSX(t *testing.T) []byte {
	day := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	f := xlsxFile(t, map[string][][]any{"交易明细": {
		{"交易明细查询"},
		{"账号：6222021234567890123", nil, "户名：某市红十字会"},
		{"查询期间：2026-11-01 至 2026-11-30"},
		{"交易日期", "交易时间", "对方户名", "对方账号", "收入金额", "支出金额", "余额", "摘要", "附言", "交易流水号"},
		{day(1, 0, 0), "09:15:02", "张三", "6222021234567890", 1000, nil, 101000, "转账", "抗洪捐款", "F0001"},
		{day(2, 0, 0), "10:15:00", "李四", "6217001234567890", 500, nil, 101500, "网银转账", "", "F0002"},
		{day(3, 0, 0), "11:00:00", "深圳某科技有限公司", "4420123456789", 20000, nil, 121500, "转账", "定向捐赠", "F0003"},
		{day(3, 0, 0), "11:00:01", "", "", nil, 12, 121488, "手续费", "", "F0004"},
		{day(5, 0, 0), "09:30:00", "", "", 200, nil, 121688, "现金存入", "", ""},
		{day(6, 0, 0), "16:20:45", "王五", "6228481234567890", 88.88, nil, 121776.88, "转账", "一点心意", "F0006"},
		{day(10, 0, 0), "12:00:00", "赵六", "6222600000000000001", 1500, nil, 123276.88, "转账", "捐款", "F0007"},
		{"合计", nil, nil, nil, 23288.88, 12},
	}}, "交易明细")
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("交易明细", "A5", "A11", style); err != nil {
		t.Fatal(err)
	}
	return xlsxBytes(t, f)
}

// TestSamples checks the sample statements kept for trying the import by
// hand; go test -run TestSamples -update rewrites them.
func TestSamples(t *testing.T) {
	csvPath := filepath.Join("testdata", "sample-icbc.csv")
	xlsxPath := filepath.Join("testdata", "sample.xlsx")
	if *update {
		if err := os.WriteFile(csvPath, gbk(t, sampleCSV), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(xlsxPath, sampleXLSX(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		path       string
		enc        string
		accepted   int
		fen        int64
		debit      int
		total      int
		wantHeader int
	}{
		{csvPath, "gb18030", 8, 2433888, 2, 1, 4},
		{xlsxPath, "", 6, 2328888, 1, 1, 4},
	} {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			b, err := os.ReadFile(tt.path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			st := mustParse(t, b, nil)
			if st.Encoding != tt.enc || st.HeaderRow != tt.wantHeader {
				t.Errorf("encoding, header row = %q, %d, want %q, %d", st.Encoding, st.HeaderRow, tt.enc, tt.wantHeader)
			}
			n, fen := accepted(st)
			if n != tt.accepted || fen != tt.fen {
				t.Errorf("accepted %d rows, %d fen, want %d rows, %d fen", n, fen, tt.accepted, tt.fen)
			}
			count := map[Verdict]int{}
			for _, r := range st.Rows {
				count[r.Verdict]++
				if r.Verdict == Accept && r.Time.IsZero() {
					t.Errorf("line %d accepted without a time", r.Line)
				}
			}
			if count[Debit] != tt.debit || count[Total] != tt.total || count[Invalid]+count[Duplicate] != 0 {
				t.Errorf("verdicts = %v, want %d debit, %d total, no invalid or duplicate", count, tt.debit, tt.total)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(mixed))
	f.Add([]byte("交易日期,对方户名,交易金额,借贷标志\n2026-11-30,张三,1,贷\n2026-11-30,张三,1,贷\n"))
	f.Add([]byte("交易时间\t对方户名\t收入\n46356.5\t张三\t1\n合计\t\t1\n"))
	f.Add([]byte("交易日期,对方户名,收入金额,流水号\n2026-11-30,\"a,b\",\"1\n2\",S\n2026-11-30,x,１,S\n"))
	f.Add([]byte("\xef\xbb\xbf交易日期,对方户名,收入金额\n="))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("<table>"))
	enc, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(mixed))
	f.Add(enc)
	for _, name := range []string{"sample-icbc.csv", "sample.xlsx"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Parse(bytes.NewReader(b), nil, shanghai)
		if err != nil {
			return
		}
		for _, r := range st.Rows {
			if r.Verdict == Accept && (r.AmountFen <= 0 || r.Ref == "" || r.Time.IsZero()) {
				t.Fatalf("accepted row %+v: want AmountFen > 0, a Ref and a Time", r)
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range [][2]string{
		{"2026-11-30", ""}, {"2026/1/5", "14:03"}, {"20261130", "140305"}, {"2026年11月30日", ""},
		{"2026.11.30", "0.5"}, {"2026-11-30T14:03:05", ""}, {"46356.5", ""}, {"20261130140305", ""},
		{"2026-02-30", ""}, {"0", "0"}, {"999999.999999999999", ""}, {"2026-11-30", "2026-11-30 1:2:3"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, date, clock string) {
		got, err := ParseTime(date, clock, shanghai)
		if err != nil {
			return
		}
		if y := got.Year(); y < minYear || y > maxYear {
			t.Fatalf("ParseTime(%q, %q) = %v, year outside %d-%d", date, clock, got, minYear, maxYear)
		}
		if got.Location() != shanghai {
			t.Fatalf("ParseTime(%q, %q) = %v, want location %v", date, clock, got, shanghai)
		}
	})
}
