package certificate

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// misleading are URLs whose QR code, with the mask pattern the encoder
// prefers, ZXing's detector cannot find: newQR must pick another mask.
var misleading = []string{
	"https://juanzeng.hangzhou-redcross.org.cn/verify/HZ20261111-HF8FVPQ3D",
	"http://localhost:8080/verify/HZ20261018-3J74EYCPH",
	"http://localhost:8080/verify/HZ20260525-QHJFK6P5C",
}

// verifyURLs returns n verification URLs of the shape the server makes,
// alternately on a short and a long base URL, with random certificate
// numbers.
func verifyURLs(n int) []string {
	const chars = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	r := rand.New(rand.NewPCG(2026, 1130))
	urls := make([]string, n)
	for i := range urls {
		base := "http://localhost:8080/verify/"
		if i%2 == 1 {
			base = "https://juanzeng.hangzhou-redcross.org.cn/verify/"
		}
		b := make([]byte, 9)
		for j := range b {
			b[j] = chars[r.IntN(len(chars))]
		}
		urls[i] = fmt.Sprintf("%sHZ2026%02d%02d-%s", base, 1+r.IntN(12), 1+r.IntN(28), b)
	}
	return urls
}

// readQR finds and reads the one QR code in img, as e2e does, and also
// without trying harder, as a quick scanner would.
func readQR(img image.Image) (string, error) {
	var text string
	for _, hints := range []map[gozxing.DecodeHintType]any{
		nil,
		{gozxing.DecodeHintType_TRY_HARDER: true},
	} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			return "", err
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
		if err != nil {
			return "", fmt.Errorf("hints %v: %w", hints, err)
		}
		if text = res.GetText(); text == "" {
			return "", fmt.Errorf("hints %v: empty", hints)
		}
	}
	return text, nil
}

// footer is the part of the PNG that renderFooter draws: the bottom left,
// from the end of the body to the inner border, in the PNG's pixels.
var footer = func() image.Rectangle {
	s := pngWidth / pageW
	return image.Rect(int(innerInset*s), int(bodyBottom*s), int(pageW/2*s), int((pageH-innerInset)*s))
}()

// renderFooter lays out c exactly as PNG does, on the same pixel grid, but
// keeps only the footer: it is the QR code, its captions and what is near,
// in a fraction of the time.
func renderFooter(m *measurer, c Certificate) (*image.RGBA, qrCode, error) {
	q, err := newQR(c.VerifyURL)
	if err != nil {
		return nil, nil, err
	}
	s := pngWidth / pageW
	f := footer
	cv := newRasterCanvas(m.f, m, float64(f.Min.X)/s, float64(f.Min.Y)/s, float64(f.Dx())/s, float64(f.Dy())/s, s)
	layout(cv, m, c, q, nil)
	return cv.img, q, nil
}

// checkPixels checks that the QR code in the footer has every module, the
// quiet zone's included, as a square of the same whole number of pixels,
// each pixel pure black or white.
func checkPixels(img *image.RGBA, q qrCode) error {
	s := pngWidth / pageW
	mod := int(math.Round(qrSize * s / float64(len(q))))
	if mod < 3 {
		return fmt.Errorf("%d pixels a module", mod)
	}
	x0 := int(math.Round(qrX*s)) - footer.Min.X
	y0 := int(math.Round(qrTop*s)) - footer.Min.Y
	for y := range len(q) * mod {
		for x := range len(q) * mod {
			want := uint8(0xFF)
			if q[y/mod][x/mod] {
				want = 0
			}
			p := img.RGBAAt(x0+x, y0+y)
			if p.R != want || p.G != want || p.B != want || p.A != 0xFF {
				return fmt.Errorf("pixel (%d, %d) of the code is %v, want %d", x, y, p, want)
			}
		}
	}
	return nil
}

// TestQRReadsBack draws the QR code of many certificates as the PNG does
// and reads each back with ZXing.
func TestQRReadsBack(t *testing.T) {
	urls := append(verifyURLs(200), misleading...)
	work := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			m := testMeasurer(t) // a measurer is not safe for concurrent use
			for u := range work {
				c := sample()
				c.VerifyURL = u
				img, q, err := renderFooter(m, c)
				if err != nil {
					t.Error(err)
					continue
				}
				if err := checkPixels(img, q); err != nil {
					t.Errorf("%s: %v", u, err)
				}
				if got, err := readQR(img); got != u {
					t.Errorf("QR code for %s reads %q, %v", u, got, err)
				}
			}
		})
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
}

// TestPNGQRReadsBack reads the QR code back from whole PNG certificates.
func TestPNGQRReadsBack(t *testing.T) {
	long := longest()
	long.VerifyURL = misleading[0]
	for _, c := range []Certificate{sample(), inKind(), long} {
		var buf bytes.Buffer
		if err := PNG(&buf, c); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// Two codes when the certificate carries a proof link: read each
		// from its own part of the page.
		scale := float64(img.Bounds().Dx()) / pageW
		split := int((qrX + qrSize + 7) * scale)
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		})
		left := sub.SubImage(image.Rect(0, 0, split, img.Bounds().Dy()))
		if got, err := readQR(left); got != c.VerifyURL {
			t.Errorf("QR code on the PNG for %s reads %q, %v", c.VerifyURL, got, err)
		}
		if c.ProofURL != "" {
			right := sub.SubImage(image.Rect(split, int(qrTop*scale)-10, int((qrX+qrSize+14+90)*scale), img.Bounds().Dy()))
			if got, err := readQR(right); got != c.ProofURL {
				t.Errorf("proof QR code on the PNG for %s reads %q, %v", c.ProofURL, got, err)
			}
		}
	}
}

// TestNewQRAvoidsMisleadingMasks checks newQR's choice of mask reads at
// every size it tries, where the encoder's own choice does not.
func TestNewQRAvoidsMisleadingMasks(t *testing.T) {
	for _, u := range misleading {
		q, err := newQR(u)
		if err != nil {
			t.Fatal(err)
		}
		if !q.reads(u) {
			t.Errorf("QR code for %s does not read", u)
		}
	}
}
