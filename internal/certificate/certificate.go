// Package certificate renders the donation certificate (捐赠证书) a donor
// receives as soon as a donation is recorded: an A4 landscape PDF with real,
// searchable text, and the same layout as a PNG for phones and WeChat.
//
// Both formats share one layout (layout.go) drawn onto a small canvas
// interface; pdf.go and png.go are the two canvases. Chinese is set in Droid
// Sans Fallback (Apache 2.0, see font/LICENSE), Latin letters and digits in Go
// Regular (BSD, from golang.org/x/image); both are embedded in the binary and
// parsed once per process.
package certificate

import (
	"fmt"
	"io"
	"time"

	"boai/internal/money"
)

// Item is one line of an in-kind donation, e.g. {"N95 医用防护口罩", "3M 1860",
// "4 箱 (80 只)"}.
type Item struct {
	Name, Spec string
	Quantity   string
}

// Certificate is everything printed on a donation certificate. The fields are
// printed as given: the caller decides what may be shown (for an anonymous
// donor DonorName is 爱心人士).
type Certificate struct {
	No          string    // certificate number, e.g. "HZ20261130-7KQ4M9XP"
	DonorName   string    // full name, or 爱心人士 for anonymous donors
	AmountFen   money.Fen // money donated; 0 for a purely in-kind donation
	Items       []Item    // in-kind lines; may be empty
	Date        time.Time // date received, printed in Asia/Shanghai
	Designation string    // e.g. "非定向" or "定向：武汉市第一医院"
	Society     string    // e.g. "杭州市红十字会"
	VerifyURL   string    // encoded in the QR code and printed under it
	// ProofURL is the public log's inclusion proof of this donation, in a
	// second, smaller QR code, with Salt: the donor's salt, which with
	// their name shows that the log entry is theirs. Both empty: neither
	// is printed.
	ProofURL string
	Salt     string
}

// PDF writes c as a one-page A4 landscape PDF. The text is real text set in
// an embedded subset of the font, so it can be searched and copied.
func PDF(w io.Writer, c Certificate) error {
	f, err := loadFonts()
	if err != nil {
		return err
	}
	qr, err := newQR(c.VerifyURL)
	if err != nil {
		return err
	}
	proof, err := proofQR(c)
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv, err := newPDFCanvas(f, m, c.No)
	if err != nil {
		return err
	}
	layout(cv, m, c, qr, proof)
	return cv.writeTo(w)
}

// PNG writes c with the same layout as PDF, rasterised 1600 pixels wide.
func PNG(w io.Writer, c Certificate) error {
	f, err := loadFonts()
	if err != nil {
		return err
	}
	qr, err := newQR(c.VerifyURL)
	if err != nil {
		return err
	}
	proof, err := proofQR(c)
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv := newRasterCanvas(f, m, 0, 0, pageW, pageH, pngWidth/pageW)
	layout(cv, m, c, qr, proof)
	return cv.encode(w)
}

// shanghai is where dates are printed. China has had no DST since 1991, so a
// fixed zone is right and needs no tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// formatDate prints t as 2026年11月30日 in Asia/Shanghai.
func formatDate(t time.Time) string {
	t = t.In(shanghai)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// proofQR is the code of c's proof link, nil when c has none.
func proofQR(c Certificate) (qrCode, error) {
	if c.ProofURL == "" {
		return nil, nil
	}
	return newQR(c.ProofURL)
}
