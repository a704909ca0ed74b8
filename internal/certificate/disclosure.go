package certificate

import (
	"fmt"
	"io"
	"time"

	"github.com/signintech/gopdf"
)

// Disclosure is a day's public disclosure (每日公示) as printed: sections
// of ruled tables one after another, then the totals. Every cell is
// printed as given, in full (a long one wraps), so nothing public is cut.
type Disclosure struct {
	Society     string    // e.g. 杭州市红十字会
	Date        string    // the day disclosed, YYYY-MM-DD
	PublishedAt time.Time // printed in its own location
	URL         string    // the public page, printed under the title
	Sections    []DisclosureSection
	Totals      [][2]string // label, value
	Notes       []string    // printed after the totals, e.g. corrections
}

// DisclosureSection is one table: a title, its column heads and widths in
// points (summing to at most the page's width less the margins), and rows.
type DisclosureSection struct {
	Title  string
	Heads  []string
	Widths []float64
	Rows   [][]string
	Empty  string // printed across the table when there are no rows
}

const disclosureTitle = "每日公示"

// DisclosurePDF writes d as an A4 landscape PDF of as many pages as it
// takes, the first page headed with the society, the title and the date, each
// page footed with the date and its number.
func DisclosurePDF(w io.Writer, d Disclosure) error {
	f, err := loadFonts()
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv, err := newPDFDocument(f, m, *gopdf.PageSizeA4Landscape, gopdf.PdfInfo{
		Title:   d.Society + disclosureTitle + " " + d.Date,
		Subject: d.Society,
		Creator: "boai",
	})
	if err != nil {
		return err
	}
	layoutDisclosure(cv, m, d)
	return cv.writeTo(w)
}

// layoutDisclosure flows the sections down the pages; a table going over
// a page repeats its header there. Page numbers are drawn last, once the
// count is known.
func layoutDisclosure(cv multiPage, m *measurer, d Disclosure) {
	const (
		w, h       = a4Long, a4Short
		firstTop   = 118.0
		pageTop    = 40.0
		titleSize  = 12.0
		titleSpace = 24.0
		gap        = 14.0
	)
	bottom := h - docBottom
	day := d.Date
	if t, err := time.Parse(time.DateOnly, d.Date); err == nil {
		day = fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	society, societySize := fitLines(m, d.Society, w-2*docMargin, 13, 8, 1)
	textCenter(cv, m, w/2, 46, societySize, ink, society[0])
	textCenter(cv, m, w/2, 76, 20, ink, disclosureTitle+"　"+day)
	if !d.PublishedAt.IsZero() {
		p := d.PublishedAt
		cv.text(docMargin, 100, 10, ink, fmt.Sprintf("公示时间：%d年%d月%d日 %02d:%02d", p.Year(), int(p.Month()), p.Day(), p.Hour(), p.Minute()))
	}
	if d.URL != "" {
		textRight(cv, m, w-docMargin, 100, 10, grey, d.URL)
	}
	pages := 1
	foot := func() {
		cv.text(docMargin, h-folioDrop, 9, grey, d.Society+disclosureTitle+" "+d.Date)
		textRight(cv, m, w-docMargin, h-folioDrop, 9, ink, fmt.Sprintf("第 %d 页", pages))
	}
	foot()
	y := firstTop
	newPage := func() {
		cv.addPage()
		pages++
		foot()
		y = pageTop
	}
	for _, s := range d.Sections {
		cols := make([]column, len(s.Heads))
		for i, head := range s.Heads {
			cols[i] = column{head: head, w: s.Widths[i], center: i == 0}
		}
		t := &table{m: m, size: 9, cols: cols}
		header := t.header()
		rows := make([]tableRow, 0, max(1, len(s.Rows)))
		for _, r := range s.Rows {
			rows = append(rows, t.row(r...))
		}
		if len(rows) == 0 {
			rows = append(rows, t.row(s.Empty))
		}
		// The title and the header with a first row stay together.
		if y+titleSpace+t.height(header)+t.height(rows[0]) > bottom {
			newPage()
		}
		cv.text(docMargin, y+titleSize, titleSize, ink, fmt.Sprintf("%s（%d）", s.Title, len(s.Rows)))
		y += titleSpace
		first := bottom - y - t.height(header)
		full := bottom - pageTop - t.height(header)
		parts := t.paginate(rows, func(p int) float64 {
			if p == 0 {
				return first
			}
			return full
		})
		for i, part := range parts {
			if i > 0 {
				newPage()
			}
			if len(part) == 0 {
				continue // nothing fitted under the title: the rows start over the page
			}
			y = t.draw(cv, docMargin, y, append([]tableRow{header}, part...)...)
		}
		y += gap
	}
	t := &table{m: m, size: 10, cols: []column{{head: "合计", w: 260, label: true}, {head: "数值", w: 260}}}
	rows := []tableRow{t.header()}
	for _, r := range d.Totals {
		rows = append(rows, t.row(r[0], r[1]))
	}
	need := 0.0
	for _, r := range rows {
		need += t.height(r)
	}
	if y+need > bottom {
		newPage()
	}
	y = t.draw(cv, docMargin, y, rows...) + gap
	for _, n := range d.Notes {
		lines := wrap(m, tokens(n), 9, w-2*docMargin)
		if y+float64(len(lines))*9*cellLead > bottom {
			newPage()
		}
		y = drawLines(cv, docMargin, y, 9, cellLead, grey, lines) + 4
	}
}
