package certificate

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/signintech/gopdf"
)

// DispatchNote is everything printed on a dispatch note (出库单), the paper
// that goes with goods leaving a warehouse. The fields are printed as given.
type DispatchNote struct {
	Society   string
	No        string    // document number
	Date      time.Time // printed as a date in Asia/Shanghai
	Mode      string    // translated, e.g. "点对点直送", "经分发中心接驳", "入库暂存"
	Warehouse string    // where the goods leave from
	Recipient string    // receiving institution
	Address   string
	// Route, Vehicle and Driver describe a relay run; each is printed only
	// when it is not empty.
	Route, Vehicle, Driver string
	Lines                  []DispatchNoteLine
	SignURL                string // in the QR code the recipient scans to sign for the goods
	IssuedBy               string
}

// DispatchNoteLine is one line of goods on a dispatch note, printed in full.
type DispatchNoteLine struct {
	Item     string // name and specification
	Batch    string
	Expiry   string
	Quantity string // pre-formatted
	Source   string // the donation it came from, e.g. "物资捐赠 WZ2026…第 2 行 · 某某公司"
}

// DispatchNotePDF writes n as an A4 portrait PDF: the heading, the run's
// details with the QR code the recipient scans to sign, the lines of goods
// over as many pages as they need, and boxes for the signatures. It fails if
// n has no SignURL.
func DispatchNotePDF(w io.Writer, n DispatchNote) error {
	f, err := loadFonts()
	if err != nil {
		return err
	}
	q, err := newQR(n.SignURL)
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv, err := newPDFDocument(f, m, *gopdf.PageSizeA4, gopdf.PdfInfo{
		Title:   dispatchNoteTitle + " " + n.No,
		Subject: n.Society,
		Creator: "boai",
	})
	if err != nil {
		return err
	}
	layoutDispatchNote(cv, m, n, q)
	return cv.writeTo(w)
}

const dispatchNoteTitle = "物资出库单"

// Dispatch note geometry, in points: A4 portrait.
const (
	noteW = a4Short
	noteH = a4Long

	noteInfoTop  = 116.0 // the details and the QR code, page 1
	noteQRSize   = 112.0
	noteSignH    = 66.0 // the signature boxes
	noteGap      = 16.0 // between the blocks
	noteRunTable = 66.0 // top of the table on the pages after the first
)

func layoutDispatchNote(cv multiPage, m *measurer, n DispatchNote, q qrCode) {
	const contentW = noteW - 2*docMargin
	t := &table{m: m, size: 9, cols: []column{
		{head: "序号", w: 30, center: true},
		{head: "物资名称及规格", w: 140},
		{head: "批号", w: 68},
		{head: "有效期", w: 62},
		{head: "数量", w: 84},
		{head: "来源", w: contentW - 30 - 140 - 68 - 62 - 84},
	}}
	rows := make([]tableRow, 0, max(1, len(n.Lines)))
	for i, l := range n.Lines {
		rows = append(rows, t.row(strconv.Itoa(i+1), l.Item, l.Batch, l.Expiry, l.Quantity, l.Source))
	}
	if len(rows) == 0 {
		rows = append(rows, t.row("无出库物资"))
	}

	// Page 1 has the details beside the QR code; the table starts below
	// whichever ends lower.
	info := &table{m: m, size: 10, cols: []column{
		{w: 64, label: true},
		{w: contentW - noteQRSize - noteGap - 64},
	}}
	var details []tableRow
	for _, d := range [][2]string{
		{"出库方式", n.Mode},
		{"发货仓库", n.Warehouse},
		{"接收单位", n.Recipient},
		{"收货地址", n.Address},
		{"运输线路", n.Route},
		{"车辆", n.Vehicle},
		{"司机", n.Driver},
		{"制单人", n.IssuedBy},
	} {
		if d[1] != "" {
			details = append(details, info.row(d[0], d[1]))
		}
	}
	infoH := 0.0
	for _, r := range details {
		infoH += info.height(r)
	}
	const captionH = 26.0
	tableTop := noteInfoTop + max(infoH, noteQRSize+captionH) + noteGap

	header := t.header()
	bottom := noteH - docBottom
	pages := t.paginate(rows, func(p int) float64 {
		if p == 0 {
			return bottom - tableTop - t.height(header)
		}
		return bottom - noteRunTable - t.height(header)
	})
	// The signatures go below the table, or on a page of their own.
	last := len(pages) - 1
	end := tableTop
	if last > 0 {
		end = noteRunTable
	}
	end += t.height(header)
	for _, r := range pages[last] {
		end += t.height(r)
	}
	if end+noteGap+noteSignH > bottom {
		pages = append(pages, nil)
		end = noteRunTable - noteGap
	}

	no, noSize := fitLines(m, "单号："+n.No, contentW/2, 10, 7, 1)
	for p, page := range pages {
		if p == 0 {
			society, size := fitLines(m, n.Society, contentW, 13, 8, 1)
			textCenter(cv, m, noteW/2, 46, size, ink, society[0])
			textCenter(cv, m, noteW/2, 78, 22, ink, dispatchNoteTitle)
			cv.text(docMargin, 104, 10, ink, "日期："+formatDate(n.Date))
			textRight(cv, m, noteW-docMargin, 104, noSize, ink, no[0])

			info.draw(cv, docMargin, noteInfoTop, details...)
			drawSignQR(cv, m, q, noteW-docMargin-noteQRSize, noteInfoTop)
		} else {
			cv.addPage()
			cv.text(docMargin, 46, 12, ink, dispatchNoteTitle+"（续）")
			textRight(cv, m, noteW-docMargin, 46, noSize, ink, no[0])
		}
		if len(page) > 0 || p == 0 {
			top := noteRunTable
			if p == 0 {
				top = tableTop
			}
			t.draw(cv, docMargin, top, append([]tableRow{header}, page...)...)
		}
		if p == len(pages)-1 {
			drawSignBoxes(cv, docMargin, end+noteGap, contentW)
		}
		cv.text(docMargin, noteH-folioDrop, min(9, noSize), grey, no[0])
		textCenter(cv, m, noteW/2, noteH-folioDrop, 9, ink, folio(p, len(pages)))
		textRight(cv, m, noteW-docMargin, noteH-folioDrop, 9, grey, fmt.Sprintf("共 %d 项", len(n.Lines)))
	}
}

// drawSignQR draws the code the recipient scans to sign for the goods, at
// (x, y) noteQRSize wide, with its caption below the quiet zone.
func drawSignQR(cv canvas, m *measurer, q qrCode, x, y float64) {
	side := cv.qr(q, x, y, noteQRSize)
	cx := x + side/2
	textCenter(cv, m, cx, y+side+9, 9, ink, "接收单位扫码签收")
	textCenter(cv, m, cx, y+side+21, 8, grey, "scan to sign for the goods")
}

// drawSignBoxes draws a row of boxes, w wide in all, for the signatures.
func drawSignBoxes(cv canvas, x, y, w float64) {
	labels := []string{"发货人（签字）", "承运人（签字）", "接收人（签字盖章）", "日期"}
	bw := w / float64(len(labels))
	for i, l := range labels {
		bx := x + float64(i)*bw
		strokeRect(cv, bx, y, bw, noteSignH, ruleW, formRule)
		cv.text(bx+cellPadX, y+14, 9, grey, l)
	}
}
