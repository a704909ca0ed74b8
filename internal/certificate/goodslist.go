package certificate

import (
	"fmt"
	"image/color"
	"io"
	"strconv"
	"time"

	"github.com/signintech/gopdf"
)

// GoodsList is the daily list of goods that can be allocated and goods on
// their way (可供调拨和预到物资清单), as printed for the allocation meeting.
type GoodsList struct {
	Society    string    // e.g. 杭州市红十字会
	ForDay     string    // the day the list is for, YYYY-MM-DD
	CompiledAt time.Time // printed in its own location
	Lines      []GoodsListLine
}

// GoodsListLine is one row of the goods list. The fields are printed as
// given, in full: a long one wraps within its cell.
type GoodsListLine struct {
	Item        string // name and specification, e.g. "医用防护口罩 N95 (1860)"
	Available   string // pre-formatted quantity, e.g. "800 箱 (16000 只)", or ""
	Expected    string // pre-formatted quantity on its way, or ""
	Location    string // warehouse name, or "预到"
	Designation string // "非定向" or e.g. "定向：武汉市金银潭医院"
}

// GoodsListPDF writes l as an A4 landscape PDF of as many pages as the lines
// take, each page with the heading, the table's header and its number.
// Nothing is shortened: an item whose name and specification are too long
// for their column wraps, so "N95" can never be cut to look like "KN95".
func GoodsListPDF(w io.Writer, l GoodsList) error {
	f, err := loadFonts()
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv, err := newPDFDocument(f, m, *gopdf.PageSizeA4Landscape, gopdf.PdfInfo{
		Title:   goodsListTitle + " " + l.ForDay,
		Subject: l.Society,
		Creator: "boai",
	})
	if err != nil {
		return err
	}
	layoutGoodsList(cv, m, l)
	return cv.writeTo(w)
}

const goodsListTitle = "可供调拨和预到物资清单"

// multiPage is a canvas of pages: addPage moves the drawing to a new one.
type multiPage interface {
	canvas
	addPage()
}

// Page geometry shared by the goods list and the dispatch note, in points.
const (
	a4Short   = 595.0
	a4Long    = 842.0
	docMargin = 40.0 // left and right
	docBottom = 44.0 // from the foot of the page to the end of the table
	folioDrop = 22.0 // from the foot of the page up to the page number's baseline
)

var (
	formRule = color.RGBA{0x4A, 0x4A, 0x4A, 0xFF} // table rules
	formFill = color.RGBA{0xEE, 0xEE, 0xEE, 0xFF} // table header, labels
)

// layoutGoodsList draws the goods list, page after page.
func layoutGoodsList(cv multiPage, m *measurer, l GoodsList) {
	const (
		w, h     = a4Long, a4Short
		tableTop = 110.0
	)
	t := &table{m: m, size: 10, cols: []column{
		{head: "序号", w: 36, center: true},
		{head: "物资名称及规格", w: 250},
		{head: "可供数量", w: 112},
		{head: "预到数量", w: 112},
		{head: "存放地点", w: 126},
		{head: "定向", w: 126},
	}}
	rows := make([]tableRow, 0, max(1, len(l.Lines)))
	for i, ln := range l.Lines {
		rows = append(rows, t.row(strconv.Itoa(i+1), ln.Item, ln.Available, ln.Expected, ln.Location, ln.Designation))
	}
	if len(rows) == 0 {
		rows = append(rows, t.row("本日无可供调拨或预到物资"))
	}
	header := t.header()
	room := h - docBottom - tableTop - t.height(header)
	pages := t.paginate(rows, func(int) float64 { return room })

	day := l.ForDay
	if d, err := time.Parse(time.DateOnly, l.ForDay); err == nil {
		day = fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	c := l.CompiledAt
	compiled := fmt.Sprintf("%d年%d月%d日 %02d:%02d", c.Year(), int(c.Month()), c.Day(), c.Hour(), c.Minute())

	society, societySize := fitLines(m, l.Society, w-2*docMargin, 13, 8, 1)

	for p, page := range pages {
		if p > 0 {
			cv.addPage()
		}
		textCenter(cv, m, w/2, 46, societySize, ink, society[0])
		textCenter(cv, m, w/2, 76, 20, ink, goodsListTitle)
		cv.text(docMargin, 100, 10, ink, "清单日期："+day)
		textRight(cv, m, w-docMargin, 100, 10, ink, "编制时间："+compiled)

		t.draw(cv, docMargin, tableTop, append([]tableRow{header}, page...)...)
		cv.text(docMargin, h-folioDrop, 9, grey, fmt.Sprintf("共 %d 项", len(l.Lines)))
		textCenter(cv, m, w/2, h-folioDrop, 9, ink, folio(p, len(pages)))
	}
}

// folio is the page number printed at the foot of page p (from 0) of n.
func folio(p, n int) string {
	return fmt.Sprintf("第 %d/%d 页", p+1, n)
}

// table is a ruled table set in one size, drawn across as many pages as its
// rows need.
type table struct {
	m    *measurer
	cols []column
	size float64 // of the text, in points
}

type column struct {
	head   string
	w      float64
	center bool // centre the text in the cell, else set it flush left
	label  bool // centre the text on the header's fill
}

// Cell geometry: the line height in font sizes, the padding in points.
const (
	cellLead = 1.35
	cellPadX = 5.0
	cellPadY = 4.5
	ruleW    = 0.6
)

// tableRow is a row set in lines: cells[i] holds column i's. A row of one
// cell spans the table, centred.
type tableRow struct {
	cells  [][]string
	header bool // centred on the header's fill
}

// row wraps the text of each cell to its column. Given one cell only, it
// makes a row that spans the table.
func (t *table) row(cells ...string) tableRow {
	r := tableRow{cells: make([][]string, len(cells))}
	for i, s := range cells {
		if s == "" {
			continue
		}
		w := t.width()
		if len(cells) > 1 {
			w = t.cols[i].w
		}
		r.cells[i] = wrap(t.m, tokens(s), t.size, w-2*cellPadX)
	}
	return r
}

// header is the row of the columns' heads.
func (t *table) header() tableRow {
	heads := make([]string, len(t.cols))
	for i, c := range t.cols {
		heads[i] = c.head
	}
	r := t.row(heads...)
	r.header = true
	return r
}

func (t *table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c.w
	}
	return w
}

func (t *table) lineH() float64 { return t.size * cellLead }

// lines is the number of lines of r's tallest cell.
func (r tableRow) lines() int {
	n := 0
	for _, c := range r.cells {
		n = max(n, len(c))
	}
	return n
}

func (t *table) height(r tableRow) float64 {
	return float64(max(1, r.lines()))*t.lineH() + 2*cellPadY
}

// paginate deals rows out to pages, room(p) points of them to page p. Rows
// stay whole, except that a row taller than a whole page is split between
// its lines, the rest going on over the page.
func (t *table) paginate(rows []tableRow, room func(p int) float64) [][]tableRow {
	pages := [][]tableRow{nil}
	left := room(0)
	next := func() {
		pages = append(pages, nil)
		left = room(len(pages) - 1)
	}
	for _, r := range rows {
		for {
			p := len(pages) - 1
			h := t.height(r)
			if h <= left {
				pages[p] = append(pages[p], r)
				left -= h
				break
			}
			if h <= room(p+1) {
				next()
				continue
			}
			// Taller than a page: what fits here, the rest over the page.
			n := int((left - 2*cellPadY) / t.lineH())
			if n < 1 && len(pages[p]) == 0 {
				n = 1 // the page is less than a line high; never loop
			}
			if n >= 1 {
				var head tableRow
				head, r = r.split(n)
				pages[p] = append(pages[p], head)
				if r.lines() == 0 {
					break
				}
			}
			next()
		}
	}
	return pages
}

// split cuts r after its first n lines. The tail keeps a continued row's
// cells that had fewer lines empty.
func (r tableRow) split(n int) (head, tail tableRow) {
	head = tableRow{cells: make([][]string, len(r.cells)), header: r.header}
	tail = tableRow{cells: make([][]string, len(r.cells)), header: r.header}
	for i, c := range r.cells {
		k := min(n, len(c))
		head.cells[i], tail.cells[i] = c[:k], c[k:]
	}
	return head, tail
}

// draw draws rows at (x, top), closes the table with a rule and returns its
// bottom.
func (t *table) draw(cv canvas, x, top float64, rows ...tableRow) float64 {
	y := top
	for _, r := range rows {
		y = t.drawRow(cv, x, y, r)
	}
	w := t.width()
	cv.fillRect(x-ruleW/2, y-ruleW/2, w+ruleW, ruleW, formRule)
	return y
}

// drawRow draws r with its top rule and its cells' sides at (x, y), and
// returns its bottom.
func (t *table) drawRow(cv canvas, x, y float64, r tableRow) float64 {
	h := t.height(r)
	cols := t.cols
	if len(r.cells) == 1 {
		cols = []column{{w: t.width(), center: true}}
	}
	lh := t.lineH()
	cx := x
	for i, c := range cols {
		if r.header || c.label {
			cv.fillRect(cx, y, c.w, h, formFill)
		}
		lines := r.cells[i]
		top := y + (h-float64(len(lines))*lh)/2
		for j, l := range lines {
			base := top + (float64(j)+0.5)*lh + glyphMid*t.size
			if c.center || c.label || r.header {
				textCenter(cv, t.m, cx+c.w/2, base, t.size, ink, l)
			} else {
				cv.text(cx+cellPadX, base, t.size, ink, l)
			}
		}
		cv.fillRect(cx-ruleW/2, y, ruleW, h, formRule)
		cx += c.w
	}
	cv.fillRect(cx-ruleW/2, y, ruleW, h, formRule)
	cv.fillRect(x-ruleW/2, y-ruleW/2, t.width()+ruleW, ruleW, formRule)
	return y + h
}
