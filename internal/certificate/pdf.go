package certificate

import (
	"fmt"
	"image/color"
	"io"

	"github.com/signintech/gopdf"
)

// pdfCanvas draws on a gopdf document, on its last page. gopdf embeds only
// the glyphs used. The first error sticks and is returned by writeTo.
type pdfCanvas struct {
	pdf *gopdf.GoPdf
	f   *fonts
	m   *measurer
	err error
}

// pictureScale is the resolution of pictures in the PDF, in pixels per point
// (288 dpi).
const pictureScale = 4

// newPDFCanvas starts the certificate: one A4 landscape page.
func newPDFCanvas(f *fonts, m *measurer, no string) (*pdfCanvas, error) {
	return newPDFDocument(f, m, *gopdf.PageSizeA4Landscape, gopdf.PdfInfo{
		Title:   "捐赠证书 " + no,
		Subject: "Certificate of Donation",
		Creator: "boai",
	})
}

// newPDFDocument starts a document of pages the given size, in points, with
// its first page added; addPage adds more.
func newPDFDocument(f *fonts, m *measurer, size gopdf.Rect, info gopdf.PdfInfo) (*pdfCanvas, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	pdf.SetInfo(info)
	for _, fam := range family {
		if err := pdf.AddTTFFontFromFontContainer(fam, f.pdf); err != nil {
			return nil, fmt.Errorf("certificate: add font %s: %w", fam, err)
		}
	}
	pdf.AddPage()
	return &pdfCanvas{pdf: pdf, f: f, m: m}, nil
}

// addPage starts a new page of the same size; drawing goes on there.
func (p *pdfCanvas) addPage() {
	p.pdf.AddPage()
}

func (p *pdfCanvas) writeTo(w io.Writer) error {
	if p.err != nil {
		return fmt.Errorf("certificate: draw PDF: %w", p.err)
	}
	if err := p.pdf.Write(w); err != nil {
		return fmt.Errorf("certificate: write PDF: %w", err)
	}
	return nil
}

func (p *pdfCanvas) fillRect(x, y, w, h float64, c color.RGBA) {
	p.pdf.SetFillColor(c.R, c.G, c.B)
	p.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

func (p *pdfCanvas) strokeCircle(cx, cy, r, lw float64, c color.RGBA) {
	p.pdf.SetStrokeColor(c.R, c.G, c.B)
	p.pdf.SetLineWidth(lw)
	p.pdf.Oval(cx-r, cy-r, cx+r, cy+r)
}

// text sets s run by run, each run in its typeface.
func (p *pdfCanvas) text(x, y, size float64, c color.RGBA, s string) {
	p.pdf.SetTextColor(c.R, c.G, c.B)
	p.m.runs(s, func(tf typeface, run string) {
		if p.err != nil {
			return
		}
		if p.err = p.pdf.SetFont(family[tf], "", size); p.err != nil {
			return
		}
		p.pdf.SetXY(x, y) // Text takes y as the baseline
		p.err = p.pdf.Text(run)
		x += p.m.runWidth(tf, run, size)
	})
}

func (p *pdfCanvas) picture(x, y, w, h float64, draw func(*rasterCanvas)) {
	if p.err != nil {
		return
	}
	rc := newRasterCanvas(p.f, p.m, x, y, w, h, pictureScale)
	draw(rc)
	if err := p.pdf.ImageFrom(rc.img, x, y, &gopdf.Rect{W: w, H: h}); err != nil {
		p.err = fmt.Errorf("picture: %w", err)
	}
}

// qr draws the code as vector squares, one rectangle per run of dark modules,
// on a white square that holds the bitmap's quiet zone. It fills the square
// exactly and returns its side.
func (p *pdfCanvas) qr(q qrCode, x, y, size float64) float64 {
	mod := size / float64(len(q))
	p.fillRect(x, y, size, size, color.RGBA{0xFF, 0xFF, 0xFF, 0xFF})
	black := color.RGBA{0, 0, 0, 0xFF}
	for i, row := range q {
		for j := 0; j < len(row); {
			if !row[j] {
				j++
				continue
			}
			k := j
			for k < len(row) && row[k] {
				k++
			}
			// A hair taller than a module so rows leave no seams.
			p.fillRect(x+float64(j)*mod, y+float64(i)*mod, float64(k-j)*mod, mod+0.05, black)
			j = k
		}
	}
	return size
}
