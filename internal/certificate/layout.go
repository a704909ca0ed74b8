package certificate

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"boai/internal/money"
)

// The page is A4 landscape in PDF points, origin top-left, y down. The PNG
// scales the same coordinates.
const (
	pageW = 842.0
	pageH = 595.0

	outerInset = 20.0 // the heavy red border
	innerInset = 27.0 // the thin red border inside it
	marginX    = 80.0 // left and right edge of the text block
	textW      = pageW - 2*marginX
	bodyBottom = 404.0 // the body ends above the QR code and the seal

	// glyphMid is how far above the baseline the middle of a CJK glyph is,
	// as a fraction of the font size.
	glyphMid = 0.38
)

var (
	red   = color.RGBA{0xC8, 0x10, 0x2E, 0xFF} // Red Cross red
	ink   = color.RGBA{0x1E, 0x1E, 0x1E, 0xFF}
	grey  = color.RGBA{0x5C, 0x5C, 0x5C, 0xFF}
	paper = color.RGBA{0xFF, 0xFD, 0xF8, 0xFF}
	blush = color.RGBA{0xFB, 0xEB, 0xED, 0xFF} // table header
	rule  = color.RGBA{0xD9, 0x8C, 0x98, 0xFF} // table lines
)

// canvas is what the layout draws on: the PDF document or the PNG image.
// Coordinates are points; text is placed by its baseline's left end.
type canvas interface {
	fillRect(x, y, w, h float64, c color.RGBA)
	strokeCircle(cx, cy, r, lw float64, c color.RGBA)
	text(x, y, size float64, c color.RGBA, s string)
	// qr draws the code, quiet zone included, as a square with its top left
	// at (x, y), size wide or as near it as whole pixels per module allow, and
	// returns the side it drew.
	qr(q qrCode, x, y, size float64) float64
	// picture has draw paint the box (x, y, w, h) on a raster canvas, in page
	// coordinates. The PDF embeds the box as an image, which keeps decorative
	// lettering, like the seal's, out of the document's text.
	picture(x, y, w, h float64, draw func(*rasterCanvas))
}

// layout draws the whole certificate.
func layout(cv canvas, m *measurer, c Certificate, q, proof qrCode) {
	cv.fillRect(0, 0, pageW, pageH, paper)
	drawFrame(cv)
	drawHeader(cv, m, c)
	drawBody(cv, m, c)
	drawQR(cv, m, c, q)
	if proof != nil {
		drawProof(cv, m, c, proof)
	}
	drawSignature(cv, m, c)
}

// drawProof draws the public log's proof code beside the verification
// code, smaller, with the donor's salt to its right.
func drawProof(cv canvas, m *measurer, c Certificate, q qrCode) {
	const size = 74.0
	x := qrX + qrSize + 14
	side := cv.qr(q, x, qrTop, size)
	tx, y := x+side+4, qrTop+36 // below qrTop+30: the footer's text starts there
	cv.text(tx, y, 9, grey, "公开日志证明 Log proof")
	cv.text(tx, y+16, 8, grey, "盐值 Salt（核验时与姓名一同使用）")
	salt, sz := fitLines(m, c.Salt, 170, 8, 6, 2)
	drawLines(cv, tx, y+21, sz, 1.35, ink, salt)
}

func drawFrame(cv canvas) {
	strokeRect(cv, outerInset, outerInset, pageW-2*outerInset, pageH-2*outerInset, 3, red)
	strokeRect(cv, innerInset, innerInset, pageW-2*innerInset, pageH-2*innerInset, 0.8, red)
	// A small cross in each corner of the inner border.
	const d = innerInset + 11
	for _, p := range [][2]float64{{d, d}, {pageW - d, d}, {d, pageH - d}, {pageW - d, pageH - d}} {
		redCross(cv, p[0], p[1], 9, 3)
	}
}

func drawHeader(cv canvas, m *measurer, c Certificate) {
	no, size := fitLines(m, "证书编号："+c.No, 320, 10, 6, 1)
	textRight(cv, m, pageW-marginX+14, 58, size, grey, no[0])

	textCenter(cv, m, pageW/2, 110, 38, red, "捐 赠 证 书")
	textCenter(cv, m, pageW/2, 136, 13, grey, "Certificate of Donation")

	const y, half, gap = 154, 190, 18
	cv.fillRect(pageW/2-half, y-0.4, half-gap, 0.8, red)
	cv.fillRect(pageW/2+gap, y-0.4, half-gap, 0.8, red)
	redCross(cv, pageW/2, y, 12, 4)
}

// drawBody draws the donor's name, the thanks and, for in-kind gifts, the
// table of goods, shrinking them as needed to end above bodyBottom. What room
// is left over goes a third above the body, two thirds below.
func drawBody(cv canvas, m *measurer, c Certificate) {
	const (
		bodyTop  = 172.0
		lead     = 1.9 // paragraph line height, in font sizes
		nameLead = 1.5
		nameGap  = 6.0
		thanks   = "您的善举将帮助需要帮助的人，特发此证，以致谢忱。"
		gap      = 6.0 // around the goods table
	)
	name, nameSize := fitLines(m, c.DonorName+"：", textW, 20, 12, 2)
	nameH := float64(len(name))*nameSize*nameLead + nameGap

	// The paragraph as tokens for wrap, keeping the amount in words and the
	// designation each on one line where they fit.
	para := tokens("　　感谢您向" + c.Society + "捐赠")
	if c.AmountFen > 0 || len(c.Items) == 0 {
		para = append(para, tokens("人民币 "+c.AmountFen.Yuan())...)
		para = append(para, "（大写："+money.Capital(c.AmountFen)+"）")
		if len(c.Items) > 0 {
			para = append(para, "及")
		}
	}
	if len(c.Items) > 0 {
		para = append(para, tokens("下列物资")...)
	}
	para = append(para, "，", "用途："+c.Designation, "。")

	if len(c.Items) == 0 {
		para = append(para, tokens(thanks)...)
		avail := bodyBottom - bodyTop - nameH
		lines, size := fit(m, para, textW, 15, 10, func(size float64) int {
			return int(avail / (size * lead))
		})
		top := bodyTop + (avail-float64(len(lines))*size*lead)/3
		top = drawLines(cv, marginX, top, nameSize, nameLead, ink, name) + nameGap
		drawLines(cv, marginX, top, size, lead, ink, lines)
		return
	}

	// In kind: the paragraph, the table, then the thanks on a line of its
	// own. The paragraph may leave the table only room enough for the header,
	// one item and a line saying how many more there are.
	avail := bodyBottom - bodyTop - nameH - 2*gap
	tableMin := float64(1+min(len(c.Items), 2)) * minRowH
	lines, size := fit(m, para, textW, 15, 10, func(size float64) int {
		return int((avail-tableMin)/(size*lead)) - 1 // and the thanks
	})
	textH := float64(len(lines)+1) * size * lead
	rows, rowH := planItems(c.Items, avail-textH)
	tableH := float64(len(rows)+1) * rowH

	top := bodyTop + max(0, avail-textH-tableH)/3
	top = drawLines(cv, marginX, top, nameSize, nameLead, ink, name) + nameGap
	top = drawLines(cv, marginX, top, size, lead, ink, lines) + gap
	drawItems(cv, m, rows, rowH, marginX+2*size, top, textW-4*size)
	drawLines(cv, marginX, top+tableH+gap, size, lead, ink, []string{"　　" + thanks})
}

// Row heights of the goods table, in points.
const (
	maxRowH = 22.0
	minRowH = 15.0
)

// planItems lays out the goods table in at most maxH points: its rows
// (without the header) and their height. Rows shrink to fit; if even the
// smallest rows do not fit, the last row says how many more items there are.
func planItems(items []Item, maxH float64) (rows [][3]string, rowH float64) {
	rowH = min(maxRowH, max(minRowH, maxH/float64(len(items)+1)))
	rows = make([][3]string, 0, len(items))
	for _, it := range items {
		rows = append(rows, [3]string{it.Name, it.Spec, it.Quantity})
	}
	if fits := int(maxH/rowH) - 1; fits < len(rows) {
		fits = max(fits, 1)
		rest := len(rows) - fits + 1
		rows = append(rows[:fits-1], [3]string{fmt.Sprintf("……另有 %d 项物资", rest), "", ""})
	}
	return rows, rowH
}

// drawItems draws the goods table planned by planItems at (x, top), w wide.
func drawItems(cv canvas, m *measurer, rows [][3]string, rowH, x, top, w float64) {
	size := min(12, max(8, rowH*0.55))
	cols := [3]float64{0.46 * w, 0.30 * w, 0.24 * w}
	h := float64(len(rows)+1) * rowH

	cv.fillRect(x, top, w, rowH, blush)
	for i := 1; i <= len(rows); i++ {
		cv.fillRect(x, top+float64(i)*rowH-0.2, w, 0.4, rule)
	}
	cx := x
	for _, cw := range cols[:2] {
		cx += cw
		cv.fillRect(cx-0.2, top, 0.4, h, rule)
	}
	strokeRect(cv, x, top, w, h, 0.8, rule)

	const pad = 6.0
	baseline := func(row int) float64 { return top + (float64(row)+0.5)*rowH + glyphMid*size }
	cx = x
	for i, head := range [3]string{"物资名称", "规格型号", "数量"} {
		textCenter(cv, m, cx+cols[i]/2, baseline(0), size, ink, head)
		cx += cols[i]
	}
	for r, row := range rows {
		cx = x
		for i, cell := range row {
			if cell != "" {
				s, cs := fitLines(m, cell, cols[i]-2*pad, size, 6, 1)
				cv.text(cx+pad, baseline(r+1), cs, ink, s[0])
			}
			cx += cols[i]
		}
	}
}

// QR code geometry, bottom left.
const (
	qrX    = marginX - 10
	qrTop  = 410.0
	qrSize = 104.0
)

func drawQR(cv canvas, m *measurer, c Certificate, q qrCode) {
	side := cv.qr(q, qrX, qrTop, qrSize)
	// Align the captions with the code itself, not its white quiet zone, but
	// set them below the quiet zone: text inside it stops decoders finding
	// the code.
	quiet := side * qrQuiet / float64(len(q))
	x, y := qrX+quiet, qrTop+side+10
	cv.text(x, y, 9, grey, "扫码验证 Scan to verify")
	url, size := fitLines(m, c.VerifyURL, 330, 7, 5, 2)
	drawLines(cv, x, y+3, size, 1.35, grey, url)
}

// drawSignature draws the society's name and the date at bottom right, with
// a drawn placeholder seal stamped over the name: the name runs through the
// lower half of the ring, under the cross.
func drawSignature(cv canvas, m *measurer, c Certificate) {
	const right = pageW - marginX
	const sealR, sealY = 46.0, 460.0
	name, size := fitLines(m, c.Society, 300, 17, 10, 1)
	date := formatDate(c.Date)
	const dateSize = 14
	w := max(m.width(name[0], size), m.width(date, dateSize), 2*sealR)
	cx := right - w/2
	sealLettering(cv, m, cx, sealY, sealR, c.Society) // opaque, so first
	textCenter(cv, m, cx, sealY+26, size, ink, name[0])
	textCenter(cv, m, cx, sealY+62, dateSize, ink, date)
	cv.strokeCircle(cx, sealY, sealR, 2.2, red)
	cv.strokeCircle(cx, sealY, sealR-4, 0.6, red)
	redCross(cv, cx, sealY-4, 20, 6.5)
}

// sealLettering sets name along the upper arc inside a seal of radius r
// centred on (cx, cy), as a picture on paper-coloured ground.
func sealLettering(cv canvas, m *measurer, cx, cy, r float64, name string) {
	chars := []rune(name)
	n := len(chars)
	if n == 0 {
		return
	}
	textR := r - 13 // radius of the characters' centres
	size := 11.0
	step := 0.0 // radians between characters
	if n > 1 {
		const maxSpan = 220 * math.Pi / 180
		step = min(1.2*size/textR, maxSpan/float64(n-1))
		size = min(size, step*textR/1.1)
	}
	// Each character: its angle clockwise from the top, and the box, glyph
	// centre ± size, that the picture must cover.
	angle := func(i int) float64 { return (float64(i) - float64(n-1)/2) * step }
	x0, y0, x1, y1 := cx, cy, cx, cy
	for i := range chars {
		mx, my := cx+textR*math.Sin(angle(i)), cy-textR*math.Cos(angle(i))
		x0, y0, x1, y1 = min(x0, mx-size), min(y0, my-size), max(x1, mx+size), max(y1, my+size)
	}
	cv.picture(x0, y0, x1-x0, y1-y0, func(rc *rasterCanvas) {
		// Opaque, so the PDF need not split off an alpha channel.
		rc.fillRect(x0, y0, x1-x0, y1-y0, paper)
		for i, ch := range chars {
			s := string(ch)
			a := angle(i)
			sin, cos := math.Sin(a), math.Cos(a)
			// Centre of the glyph on the circle; the glyph's baseline origin
			// is half its width left and glyphMid below that, turned by a.
			mx, my := cx+textR*sin, cy-textR*cos
			dx, dy := -m.width(s, size)/2, glyphMid*size
			x, y := mx+dx*cos-dy*sin, my+dx*sin+dy*cos
			rc.rotatedText(x, y, size, a*180/math.Pi, red, s)
		}
	})
}

// strokeRect draws the outline of a rectangle, the line centred on its edges.
func strokeRect(cv canvas, x, y, w, h, lw float64, c color.RGBA) {
	cv.fillRect(x-lw/2, y-lw/2, w+lw, lw, c)
	cv.fillRect(x-lw/2, y+h-lw/2, w+lw, lw, c)
	cv.fillRect(x-lw/2, y+lw/2, lw, h-lw, c)
	cv.fillRect(x+w-lw/2, y+lw/2, lw, h-lw, c)
}

// redCross draws the Red Cross emblem centred on (cx, cy): arms long, bar wide.
func redCross(cv canvas, cx, cy, arm, bar float64) {
	cv.fillRect(cx-arm/2, cy-bar/2, arm, bar, red)
	cv.fillRect(cx-bar/2, cy-arm/2, bar, arm, red)
}

func textCenter(cv canvas, m *measurer, cx, y, size float64, c color.RGBA, s string) {
	cv.text(cx-m.width(s, size)/2, y, size, c, s)
}

func textRight(cv canvas, m *measurer, right, y, size float64, c color.RGBA, s string) {
	cv.text(right-m.width(s, size), y, size, c, s)
}

// drawLines draws lines of text top-down from top, each lead*size high with
// the glyphs centred in it, and returns the bottom of the last line.
func drawLines(cv canvas, x, top, size, lead float64, c color.RGBA, lines []string) float64 {
	lh := size * lead
	for i, l := range lines {
		cv.text(x, top+(float64(i)+0.5)*lh+glyphMid*size, size, c, l)
	}
	return top + float64(len(lines))*lh
}

// fitLines fits text in at most maxLines lines; see fit.
func fitLines(m *measurer, text string, maxW, maxSize, minSize float64, maxLines int) ([]string, float64) {
	return fit(m, tokens(text), maxW, maxSize, minSize, func(float64) int { return maxLines })
}

// fit sets text, split into tokens, in lines at most maxW wide at the largest size, in half-point
// steps from maxSize down to minSize, at which it takes no more than
// maxLines(size) lines. If it does not fit even at minSize, the lines that
// fit are kept and the last ends in "…". Every returned line is at most maxW
// wide (unless a single character is wider), and there is at least one.
func fit(m *measurer, toks []string, maxW, maxSize, minSize float64, maxLines func(size float64) int) ([]string, float64) {
	for size := maxSize; size > minSize; size -= 0.5 {
		if lines := wrap(m, toks, size, maxW); len(lines) <= maxLines(size) {
			return lines, size
		}
	}
	lines := wrap(m, toks, minSize, maxW)
	if n := max(maxLines(minSize), 1); len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ellipsize(m, lines[n-1], minSize, maxW)
	}
	return lines, minSize
}

// ellipsize shortens s until s + "…" is at most maxW wide.
func ellipsize(m *measurer, s string, size, maxW float64) string {
	for s != "" && m.width(s+"…", size) > maxW {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return strings.TrimRight(s, " ") + "…"
}

// wrap sets tokens in lines at most maxW wide at the given size, breaking
// only between tokens (see tokens), except that closing punctuation does not
// start a line and opening punctuation does not end one. A token wider than
// a line is broken between characters.
func wrap(m *measurer, toks []string, size, maxW float64) []string {
	toks = slices.Clone(toks) // long tokens are split in place
	var lines []string
	var line []string
	lw := 0.0
	flush := func() {
		lines = append(lines, strings.TrimRight(strings.Join(line, ""), " "))
		line, lw = nil, 0
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t == " " && len(line) == 0 && len(lines) > 0 {
			continue // no space at the start of a wrapped line
		}
		tw := m.width(t, size)
		if lw+tw <= maxW || t == " " { // a space may hang past the edge
			line = append(line, t)
			lw += tw
			continue
		}
		if len(line) == 0 {
			if utf8.RuneCountInString(t) == 1 {
				line, lw = append(line, t), tw // wider than a line; nothing to do
				continue
			}
			// A word wider than a line: break it anywhere.
			var rs []string
			for _, r := range t {
				rs = append(rs, string(r))
			}
			toks = append(toks[:i], append(rs, toks[i+1:]...)...)
			i--
			continue
		}
		var carry []string
		if n := len(line); n > 1 && (noLineStart(t) || noLineEnd(line[n-1])) {
			carry = []string{line[n-1]}
			line = line[:n-1]
		}
		flush()
		for _, c := range carry {
			line = append(line, c)
			lw += m.width(c, size)
		}
		i-- // t again, on the new line
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// tokens splits text into the units wrap may not break: a run of Latin
// letters, digits and ASCII punctuation, a single space, or any other single
// character.
func tokens(text string) []string {
	var toks []string
	start := -1 // start of the current run, or -1
	for i, r := range text {
		if isRunRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			toks = append(toks, text[start:i])
			start = -1
		}
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			toks = append(toks, " ")
		} else {
			toks = append(toks, string(r))
		}
	}
	if start >= 0 {
		toks = append(toks, text[start:])
	}
	return toks
}

func isRunRune(r rune) bool {
	return r > ' ' && r < 0x2000 && r != 0x7F
}

func noLineStart(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return strings.ContainsRune("，。、；：？！）》」』】〕…,.;:?!)%", r)
}

func noLineEnd(t string) bool {
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune("（《「『【〔(", r)
}
