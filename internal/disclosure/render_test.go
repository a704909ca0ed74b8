package disclosure

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"boai/internal/donation"
	"boai/internal/ledger"
)

// tiny is a one-line-per-section day for the golden outputs.
func tiny(t *testing.T) *Disclosure {
	t.Helper()
	in := Input{
		Date: "2020-02-01", Loc: shanghai,
		Money:        []MoneyIn{{at(9, 0), donation.Donor{Kind: donation.Person, Name: "张小明", Phone: "13800138000"}, 10050, covid}},
		Goods:        []GoodsIn{{at(10, 0), donation.Donor{Kind: donation.Organization, Name: "=某某公司"}, kn95, 80, general}},
		Allocations:  []AllocationIn{{at(11, 0), "浙江大学医学院附属第一医院", kn95, 80}},
		Expenditures: []ExpenditureIn{{at(12, 0), "杭州某某医疗器械有限公司", "采购防护服", 5000, covid}},
		Cumulative:   ledger.Rate{Received: 177_000_000_00, Spent: 165_000_000_00},
		Checkpoint:   &CheckpointIn{Size: 42, Root: bytes.Repeat([]byte{0xab}, 32)},
	}
	d, err := NewDraft(mustDay(t, in), "alice", at(23, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check("bob", at(23, 30)); err != nil {
		t.Fatal(err)
	}
	if err := d.Publish("bob", time.Date(2020, 2, 2, 8, 30, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := tiny(t).CSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF" + strings.ReplaceAll(`类别,序号,日期,名称,物资或用途,规格,数量,金额（元）,定向
捐款,1,2020-02-01,张*明,,,,100.50,定向·用途·新冠肺炎疫情防控
捐物,1,2020-02-01,'=某某公司,KN95 口罩,GB 2626-2006,4 箱 (80 只),,非定向
调拨,1,2020-02-01,浙江大学医学院附属第一医院,KN95 口罩,GB 2626-2006,4 箱 (80 只),,
支出,1,2020-02-01,杭州某某医疗器械有限公司,采购防护服,,,50.00,定向·用途·新冠肺炎疫情防控
合计,,2020-02-01,当日收到捐款（元）,,,,100.50,
合计,,2020-02-01,当日支出（元）,,,,50.00,
合计,,2020-02-01,累计收到捐款（元）,,,,177000000.00,
合计,,2020-02-01,累计支出（元）,,,,165000000.00,
合计,,2020-02-01,资金使用率,,,93.2%,,
合计,,2020-02-01,日志树大小,,,42,,
合计,,2020-02-01,日志根哈希,,,abababababababababababababababababababababababababababababababab,,
`, "\n", "\r\n")
	if got := b.String(); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := tiny(t).JSON(&b); err != nil {
		t.Fatal(err)
	}
	want := `{
  "date": "2020-02-01",
  "money": [
    {"no": 1, "date": "2020-02-01", "donor": "张*明", "amount_fen": 10050, "amount_yuan": "100.50", "designation": "定向·用途·新冠肺炎疫情防控"}
  ],
  "goods": [
    {"no": 1, "date": "2020-02-01", "donor": "=某某公司", "item": "KN95 口罩", "spec": "GB 2626-2006", "quantity": "4 箱 (80 只)", "qty": 80, "unit": "只", "designation": "非定向"}
  ],
  "allocations": [
    {"no": 1, "date": "2020-02-01", "recipient": "浙江大学医学院附属第一医院", "item": "KN95 口罩", "spec": "GB 2626-2006", "quantity": "4 箱 (80 只)", "qty": 80, "unit": "只"}
  ],
  "expenditures": [
    {"no": 1, "date": "2020-02-01", "payee": "杭州某某医疗器械有限公司", "purpose": "采购防护服", "amount_fen": 5000, "amount_yuan": "50.00", "designation": "定向·用途·新冠肺炎疫情防控"}
  ],
  "totals": {
    "day_received_fen": 10050, "day_received_yuan": "100.50", "day_spent_fen": 5000, "day_spent_yuan": "50.00",
    "received_fen": 17700000000, "received_yuan": "177000000.00", "spent_fen": 16500000000, "spent_yuan": "165000000.00",
    "utilisation": "93.2%", "utilisation_permille": 932
  },
  "checkpoint": {"tree_size": 42, "root_hash": "abababababababababababababababababababababababababababababababab"},
  "published_at": "2020-02-02T08:30:00+08:00"
}`
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(want)); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != compact.String()+"\n" {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, compact.String())
	}

	// Empty sections are empty arrays, and no checkpoint is null.
	d := mustDay(t, Input{Date: "2020-02-03", Loc: shanghai})
	p, _ := NewDraft(d, "alice", at(0, 0))
	_ = p.Check("bob", at(0, 0))
	_ = p.Publish("bob", at(0, 0))
	b.Reset()
	if err := p.JSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"money":[]`, `"goods":[]`, `"checkpoint":null`, `"utilisation":"—"`, `"utilisation_permille":null`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("empty day JSON lacks %s: %s", s, b.String())
		}
	}
}

var feed = Feed{Base: "https://hz.redcross.example/", Title: "杭州市红十字会每日公示", Author: "杭州市红十字会", Since: "2020"}

func TestAtom(t *testing.T) {
	d := tiny(t)
	c, err := Correct(d, Fix{Section: SectionAllocations, Line: 1, Corrected: "KN95 口罩 18,000 只", Reason: "录入时数量有误"}, "carol", at(23, 0).Add(11*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c.ID = 7
	if err := c.Check("dave", c.MadeAt); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish("dave", c.MadeAt); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := feed.Atom(&b, []*Disclosure{d}, []*Correction{c}); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:hz.redcross.example,2020:disclosure</id>
  <title>杭州市红十字会每日公示</title>
  <updated>2020-02-02T10:00:00+08:00</updated>
  <author>
    <name>杭州市红十字会</name>
  </author>
  <link rel="self" type="application/atom+xml" href="https://hz.redcross.example/disclosure/feed.atom"></link>
  <link rel="alternate" type="text/html" href="https://hz.redcross.example/disclosure"></link>
  <entry>
    <id>tag:hz.redcross.example,2020:disclosure/2020-02-01/correction/7</id>
    <title>更正说明：2020-02-01 调拨第 1 行</title>
    <published>2020-02-02T10:00:00+08:00</published>
    <updated>2020-02-02T10:00:00+08:00</updated>
    <link rel="alternate" type="text/html" href="https://hz.redcross.example/disclosure/2020-02-01#correction-7"></link>
    <link rel="related" type="text/html" href="https://hz.redcross.example/disclosure/2020-02-01#allocations-1"></link>
    <summary>原为：2020-02-01 浙江大学医学院附属第一医院 KN95 口罩 GB 2626-2006 4 箱 (80 只)；更正为：KN95 口罩 18,000 只；原因：录入时数量有误</summary>
  </entry>
  <entry>
    <id>tag:hz.redcross.example,2020:disclosure/2020-02-01</id>
    <title>2020-02-01 每日公示</title>
    <published>2020-02-02T08:30:00+08:00</published>
    <updated>2020-02-02T08:30:00+08:00</updated>
    <link rel="alternate" type="text/html" href="https://hz.redcross.example/disclosure/2020-02-01"></link>
    <summary>捐款 1 笔 ¥100.50；捐物 1 批；调拨 1 批；支出 1 笔 ¥50.00；累计收到 ¥177,000,000.00，累计支出 ¥165,000,000.00，资金使用率 93.2%</summary>
  </entry>
</feed>
`
	if got := b.String(); got != want {
		t.Errorf("Atom:\n%s\nwant:\n%s", got, want)
	}

	// Unpublished documents never reach the feed.
	draft, _ := NewDraft(mustDay(t, sampleInput()), "alice", at(23, 0))
	wantCode(t, "draft in feed", feed.Atom(new(bytes.Buffer), []*Disclosure{draft}, nil), "conflict")
	c.ID = 0
	wantCode(t, "correction without ID", feed.Atom(new(bytes.Buffer), nil, []*Correction{c}), "invalid")
	wantCode(t, "no base", Feed{Since: "2020"}.Atom(new(bytes.Buffer), nil, nil), "invalid")
}

func TestSheets(t *testing.T) {
	sheets, err := tiny(t).Sheets()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sheets {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "捐款,捐物,调拨,支出,合计" {
		t.Errorf("sheet names %s", got)
	}
	if got := strings.Join(sheets[0].Rows[1], "|"); got != "1|2020-02-01|张*明|100.50|定向·用途·新冠肺炎疫情防控" {
		t.Errorf("money row %s", got)
	}
	last := sheets[4].Rows[len(sheets[4].Rows)-1]
	if last[0] != "公示时间" || last[1] != "2020-02-02T08:30:00+08:00" {
		t.Errorf("totals sheet ends %v", last)
	}
}
