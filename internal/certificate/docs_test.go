package certificate

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var compiledAt = time.Date(2026, 11, 30, 17, 5, 0, 0, shanghai)

// goodsLines returns n lines of a goods list: first the two masks that must
// never be confused, then a mix of short, long and empty fields.
func goodsLines(n int) []GoodsListLine {
	base := []GoodsListLine{
		{Item: "医用防护口罩 N95 (1860)", Available: "800 箱 (16000 只)", Location: "杭州市红十字会备灾仓库", Designation: "非定向"},
		{Item: "颗粒物防护口罩 KN95 (9501+)", Available: "120 箱 (2400 只)", Expected: "300 箱 (6000 只)", Location: "萧山中转仓", Designation: "定向：武汉市金银潭医院"},
		{Item: "一次性使用医用外科口罩 YY 0469-2011 独立包装 成人款 蓝色 三层 无菌型", Available: "20 箱 (10,000 只)", Location: "杭州市红十字会备灾仓库", Designation: "非定向"},
		{Item: "医用一次性防护服 GB 19082-2009 连体式 带鞋套 L 号", Expected: "500 套", Location: "预到", Designation: "定向：浙江大学医学院附属第一医院之江院区发热门诊及隔离病区"},
		{Item: "护目镜 防雾", Available: "1,200 副", Location: "滨江分发中心", Designation: "非定向"},
	}
	lines := make([]GoodsListLine, n)
	for i := range lines {
		l := base[i%len(base)]
		if i >= len(base) {
			l.Item = fmt.Sprintf("%s 批次 %03d", l.Item, i)
		}
		lines[i] = l
	}
	return lines
}

func goodsList(n int) GoodsList {
	return GoodsList{Society: "杭州市红十字会", ForDay: "2026-11-30", CompiledAt: compiledAt, Lines: goodsLines(n)}
}

func dispatchNote(n int) DispatchNote {
	d := DispatchNote{
		Society:   "杭州市红十字会",
		No:        "CK20261130-0042",
		Date:      time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC),
		Mode:      "经分发中心接驳",
		Warehouse: "杭州市红十字会备灾仓库",
		Recipient: "武汉市金银潭医院",
		Address:   "湖北省武汉市东西湖区银潭路 1 号 住院部一楼东侧物资接收处",
		Route:     "杭州备灾仓库 → 滨江分发中心 → 武汉市金银潭医院",
		Vehicle:   "浙A·D12345 (冷链厢式货车)",
		Driver:    "李师傅 138 0000 1234",
		SignURL:   "https://juanzeng.hangzhou-redcross.org.cn/sign/Q7M2K9XW4TJ8RB3N",
		IssuedBy:  "王芳",
	}
	for i, l := range goodsLines(n) {
		d.Lines = append(d.Lines, DispatchNoteLine{
			Item:     l.Item,
			Batch:    fmt.Sprintf("2026%02d%02d-%d", 10+i%3, 1+i%28, i),
			Expiry:   "2028-10-31",
			Quantity: cmpOr(l.Available, l.Expected),
			Source:   fmt.Sprintf("物资捐赠 WZ20261128-%04d 第 %d 行 · 浙江某某医疗器械有限公司", 17+i, 1+i%4),
		})
	}
	return d
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// tool returns the path of a poppler command: required in CI, else the
// test is skipped without it.
func tool(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s required in CI (apt-get install poppler-utils)", name)
		}
		t.Skipf("%s not on PATH; install poppler-utils to check the PDF", name)
	}
	return bin
}

// renderFile renders a document with render and writes it to a file in a
// temporary folder, whose path it returns.
func renderFile(t *testing.T, render func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfPages extracts the text of the PDF at path with pdftotext, a page at a
// time, and checks pdfinfo counts as many pages.
func pdfPages(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(string(out), "\f")
	pages = pages[:len(pages)-1] // pdftotext ends every page with a form feed
	info, err := exec.Command(tool(t, "pdfinfo"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", info)
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(pages) {
		t.Fatalf("pdfinfo counts %d pages, pdftotext %d", n, len(pages))
	}
	return pages
}

// squeeze drops all white space, so text wrapped over lines still matches.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestGoodsListText(t *testing.T) {
	l := goodsList(5)
	pages := pdfPages(t, renderFile(t, func(b *bytes.Buffer) error { return GoodsListPDF(b, l) }))
	if len(pages) != 1 {
		t.Errorf("%d pages for 5 lines, want 1", len(pages))
	}
	text := strings.Join(pages, "")
	for _, want := range []string{
		"杭州市红十字会", "可供调拨和预到物资清单", "清单日期：2026年11月30日", "编制时间：2026年11月30日 17:05",
		"序号", "物资名称及规格", "可供数量", "预到数量", "存放地点", "定向",
		"800 箱 (16000 只)", "300 箱 (6000 只)", "定向：武汉市金银潭医院", "预到", "第 1/1 页",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q; got:\n%s", want, text)
		}
	}
	// Both masks, each once, neither shortened into the other.
	for _, want := range []string{"医用防护口罩 N95 (1860)", "颗粒物防护口罩 KN95 (9501+)"} {
		if got := strings.Count(text, want); got != 1 {
			t.Errorf("%q appears %d times, want once; text:\n%s", want, got, text)
		}
	}
	if strings.Contains(text, "医用防护口罩 KN95") || strings.Contains(text, "…") {
		t.Errorf("an item was changed or shortened; text:\n%s", text)
	}
	flat := squeeze(text)
	for _, l := range l.Lines {
		for _, field := range []string{l.Item, l.Location, l.Designation} {
			if !strings.Contains(flat, squeeze(field)) {
				t.Errorf("text lacks %q in full", field)
			}
		}
	}
}

// TestGoodsListPages checks a long list runs over several pages, each with
// the heading, the table's header and its number, and no line lost.
func TestGoodsListPages(t *testing.T) {
	l := goodsList(120)
	pages := pdfPages(t, renderFile(t, func(b *bytes.Buffer) error { return GoodsListPDF(b, l) }))
	if len(pages) < 2 {
		t.Fatalf("%d page for 120 lines, want more", len(pages))
	}
	for i, p := range pages {
		for _, want := range []string{
			"可供调拨和预到物资清单", "物资名称及规格", "存放地点",
			fmt.Sprintf("第 %d/%d 页", i+1, len(pages)),
		} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q; got:\n%s", i+1, want, p)
			}
		}
	}
	flat := squeeze(strings.Join(pages, ""))
	for _, l := range l.Lines {
		if !strings.Contains(flat, squeeze(l.Item)) {
			t.Errorf("text lacks item %q", l.Item)
		}
	}
}

func TestGoodsListEmpty(t *testing.T) {
	l := goodsList(0)
	pages := pdfPages(t, renderFile(t, func(b *bytes.Buffer) error { return GoodsListPDF(b, l) }))
	if len(pages) != 1 {
		t.Errorf("%d pages for no lines, want 1", len(pages))
	}
	for _, want := range []string{"本日无可供调拨或预到物资", "物资名称及规格", "第 1/1 页"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("text lacks %q; got:\n%s", want, pages[0])
		}
	}
}

func TestDispatchNoteText(t *testing.T) {
	for _, tt := range []struct {
		name  string
		lines int
		relay bool
	}{
		{"direct, one page", 3, false},
		{"relay, many pages", 60, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := dispatchNote(tt.lines)
			if !tt.relay {
				n.Mode, n.Route, n.Vehicle, n.Driver = "点对点直送", "", "", ""
			}
			pages := pdfPages(t, renderFile(t, func(b *bytes.Buffer) error { return DispatchNotePDF(b, n) }))
			if multi := len(pages) > 1; multi != (tt.lines > 20) {
				t.Errorf("%d pages for %d lines", len(pages), tt.lines)
			}
			text := strings.Join(pages, "")
			want := []string{
				"杭州市红十字会", "物资出库单", "单号：CK20261130-0042", "日期：2026年11月30日",
				n.Mode, n.Warehouse, n.Recipient, "王芳",
				"接收单位扫码签收", "scan to sign for the goods",
				"发货人", "承运人", "接收人", "日期",
				"医用防护口罩 N95 (1860)", "颗粒物防护口罩 KN95 (9501+)",
			}
			if tt.relay {
				want = append(want, "运输线路", "车辆", "浙A·D12345 (冷链厢式货车)", "司机", "李师傅 138 0000 1234")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q; got:\n%s", w, text)
				}
			}
			if !tt.relay {
				for _, w := range []string{"运输线路", "车辆", "司机"} {
					if strings.Contains(text, w) {
						t.Errorf("direct run prints %q", w)
					}
				}
			}
			flat := squeeze(text)
			for _, l := range n.Lines {
				for _, f := range []string{l.Item, l.Batch, l.Quantity, l.Source} {
					if !strings.Contains(flat, squeeze(f)) {
						t.Errorf("text lacks %q in full", f)
					}
				}
			}
			for i, p := range pages {
				if !strings.Contains(p, fmt.Sprintf("第 %d/%d 页", i+1, len(pages))) {
					t.Errorf("page %d has no page number; got:\n%s", i+1, p)
				}
				// The last page may hold the signatures alone.
				hasRows := strings.Contains(squeeze(p), "物资捐赠WZ")
				if !hasRows && i < len(pages)-1 {
					t.Errorf("page %d has no lines; got:\n%s", i+1, p)
				}
				if hasRows && !(strings.Contains(p, "物资名称及规格") && strings.Contains(p, "批号")) {
					t.Errorf("page %d has lines but no table header; got:\n%s", i+1, p)
				}
				if got, want := strings.Contains(p, "承运人"), i == len(pages)-1; got != want {
					t.Errorf("page %d: signature boxes = %v, want %v", i+1, got, want)
				}
			}
		})
	}
}

// TestDispatchNoteQR renders page 1 as a printer would and reads the QR code
// back.
func TestDispatchNoteQR(t *testing.T) {
	for _, url := range []string{
		"http://localhost:8080/sign/3J74EYCPH",
		"https://juanzeng.hangzhou-redcross.org.cn/sign/Q7M2K9XW4TJ8RB3NQ7M2K9XW4TJ8RB3N",
	} {
		n := dispatchNote(40)
		n.SignURL = url
		path := renderFile(t, func(b *bytes.Buffer) error { return DispatchNotePDF(b, n) })
		prefix := filepath.Join(filepath.Dir(path), "page")
		if out, err := exec.Command(tool(t, "pdftoppm"), "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", path, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		f, err := os.Open(prefix + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readQR(img); got != url {
			t.Errorf("QR code on page 1 reads %q, %v; want %s", got, err, url)
		}
	}
}

func TestDispatchNoteNoSignURL(t *testing.T) {
	n := dispatchNote(1)
	n.SignURL = ""
	if err := DispatchNotePDF(&bytes.Buffer{}, n); err == nil {
		t.Error("no sign URL: got nil error")
	}
}

// pageRecorder is a canvas of pages that remembers where text and rules
// went, for checking the layout without a PDF.
type pageRecorder struct {
	m     *measurer
	pages []recordedPage
}

type recordedPage struct {
	texts []box
	rules []box // and QR codes
}

type box struct {
	s              string
	x0, y0, x1, y1 float64
}

func (b box) overlaps(o box) bool {
	return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1
}

func newPageRecorder(m *measurer) *pageRecorder {
	return &pageRecorder{m: m, pages: make([]recordedPage, 1)}
}

func (r *pageRecorder) page() *recordedPage { return &r.pages[len(r.pages)-1] }
func (r *pageRecorder) addPage()            { r.pages = append(r.pages, recordedPage{}) }
func (r *pageRecorder) fillRect(x, y, w, h float64, c color.RGBA) {
	if c == formRule {
		r.page().rules = append(r.page().rules, box{"rule", x, y, x + w, y + h})
	}
}
func (r *pageRecorder) strokeCircle(cx, cy, rad, lw float64, c color.RGBA) {}
func (r *pageRecorder) qr(q qrCode, x, y, size float64) float64 {
	r.page().rules = append(r.page().rules, box{"QR code", x, y, x + size, y + size})
	return size
}

// text records the box a line of text takes: from the top of the Chinese
// glyphs to the bottom of Latin descenders.
func (r *pageRecorder) text(x, y, size float64, c color.RGBA, s string) {
	r.page().texts = append(r.page().texts, box{s, x, y - 0.85*size, x + r.m.width(s, size), y + 0.2*size})
}
func (r *pageRecorder) picture(x, y, w, h float64, draw func(*rasterCanvas)) {}

// check reports text off the page's printable area (margins of 30pt), text
// on text, and text across a rule or the QR code.
func (r *pageRecorder) check(t *testing.T, w, h float64) {
	t.Helper()
	const margin = 30
	for p, pg := range r.pages {
		for i, a := range pg.texts {
			if a.x0 < margin || a.x1 > w-margin || a.y0 < margin || a.y1 > h-margin/2 {
				t.Errorf("page %d: %q at (%.1f, %.1f)-(%.1f, %.1f) is off the page", p+1, a.s, a.x0, a.y0, a.x1, a.y1)
			}
			for _, b := range pg.texts[i+1:] {
				if a.overlaps(b) {
					t.Errorf("page %d: %q overlaps %q", p+1, a.s, b.s)
				}
			}
			for _, b := range pg.rules {
				if a.overlaps(b) {
					t.Errorf("page %d: %q at (%.1f, %.1f)-(%.1f, %.1f) crosses a %s at (%.1f, %.1f)-(%.1f, %.1f)",
						p+1, a.s, a.x0, a.y0, a.x1, a.y1, b.s, b.x0, b.y0, b.x1, b.y1)
				}
			}
		}
		for _, b := range pg.rules {
			if b.x0 < margin || b.x1 > w-margin || b.y0 < margin || b.y1 > h-margin {
				t.Errorf("page %d: %s at (%.1f, %.1f)-(%.1f, %.1f) is off the page", p+1, b.s, b.x0, b.y0, b.x1, b.y1)
			}
		}
	}
}

// hugeGoodsList has a row taller than a page and fields longer than any
// should be.
func hugeGoodsList() GoodsList {
	l := goodsList(4)
	l.Society = "新疆维吾尔自治区巴音郭楞蒙古自治州红十字会"
	l.Lines[1].Item = strings.Repeat("超长物资名称及规格型号 ABC-123 ", 60)
	l.Lines[2].Location = strings.Repeat("W", 80)
	return l
}

// TestDocsLayout lays out awkward documents and checks nothing overlaps,
// crosses a rule or leaves the page.
func TestDocsLayout(t *testing.T) {
	m := testMeasurer(t)
	for name, l := range map[string]GoodsList{"empty": goodsList(0), "120 lines": goodsList(120), "huge row": hugeGoodsList()} {
		t.Run("goods list "+name, func(t *testing.T) {
			r := newPageRecorder(m)
			layoutGoodsList(r, m, l)
			r.check(t, a4Long, a4Short)
			t.Logf("%d pages", len(r.pages))
		})
	}
	long := dispatchNote(45)
	long.Address = strings.Repeat("湖北省武汉市东西湖区银潭路 1 号", 6)
	long.Lines[0].Source = strings.Repeat("物资捐赠 WZ20261128-0017 第 2 行 · 某某公司", 5)
	for name, n := range map[string]DispatchNote{"empty": dispatchNote(0), "one line": dispatchNote(1), "45 lines": long, "200 lines": dispatchNote(200)} {
		t.Run("dispatch note "+name, func(t *testing.T) {
			q, err := newQR(n.SignURL)
			if err != nil {
				t.Fatal(err)
			}
			r := newPageRecorder(m)
			layoutDispatchNote(r, m, n, q)
			r.check(t, a4Short, a4Long)
			t.Logf("%d pages", len(r.pages))
		})
	}
	// Every line count from a page's worth down to none: the signatures
	// always land on the last page, never on the table.
	for lines := range 40 {
		n := dispatchNote(lines)
		q, err := newQR(n.SignURL)
		if err != nil {
			t.Fatal(err)
		}
		r := newPageRecorder(m)
		layoutDispatchNote(r, m, n, q)
		r.check(t, a4Short, a4Long)
	}
}

// TestDocSamples renders sample documents; with CERTIFICATE_SAMPLES set it
// keeps them there for a person to look at:
//
//	CERTIFICATE_SAMPLES=/tmp/boai-docs go test -run DocSamples ./internal/certificate/
func TestDocSamples(t *testing.T) {
	dir := os.Getenv("CERTIFICATE_SAMPLES")
	if dir == "" {
		dir = t.TempDir()
	}
	direct := dispatchNote(4)
	direct.Mode, direct.Route, direct.Vehicle, direct.Driver = "点对点直送", "", "", ""
	for name, render := range map[string]func(*bytes.Buffer) error{
		"goods-list":       func(b *bytes.Buffer) error { return GoodsListPDF(b, goodsList(120)) },
		"goods-list-empty": func(b *bytes.Buffer) error { return GoodsListPDF(b, goodsList(0)) },
		"goods-list-huge":  func(b *bytes.Buffer) error { return GoodsListPDF(b, hugeGoodsList()) },
		"dispatch-direct":  func(b *bytes.Buffer) error { return DispatchNotePDF(b, direct) },
		"dispatch-relay":   func(b *bytes.Buffer) error { return DispatchNotePDF(b, dispatchNote(45)) },
	} {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", path, buf.Len())
	}
}

func BenchmarkGoodsListPDF(b *testing.B) {
	l := goodsList(1000)
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := GoodsListPDF(&buf, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
