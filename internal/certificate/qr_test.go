package certificate

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// certNoChars are the characters of the random part of a certificate number.
const certNoChars = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomNo(r *rand.Rand) string {
	b := make([]byte, 9)
	for i := range b {
		b[i] = certNoChars[r.IntN(len(certNoChars))]
	}
	return fmt.Sprintf("HZ2026%02d%02d-%s", 1+r.IntN(12), 1+r.IntN(28), b)
}

// decodeQR finds and reads the one QR code in img.
func decodeQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// renderFooter draws c exactly as PNG does, but only the bottom-left of the
// page, around the QR code: the canvas is the PNG's own pixel grid, cropped.
func renderFooter(t testing.TB, m *measurer, c Certificate) *image.RGBA {
	t.Helper()
	q, err := newQR(c.VerifyURL)
	if err != nil {
		t.Fatal(err)
	}
	const scale = pngWidth / pageW
	// Whole pixels of the PNG, so the crop lies on the PNG's pixel grid.
	x0, y0 := math.Floor(innerInset*scale), math.Floor(bodyBottom*scale)
	x1, y1 := math.Floor(pageW/2*scale), math.Floor((pageH-innerInset)*scale)
	cv := newRasterCanvas(m.f, m, x0/scale, y0/scale, (x1-x0)/scale, (y1-y0)/scale, scale)
	layout(cv, m, c, q)
	return cv.img
}

// TestQRDecodes draws the QR code of many certificates of realistic numbers
// and reads each back with a QR decoder.
func TestQRDecodes(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 1130))
	var urls []string
	for i := range 200 {
		base := "http://localhost:8080/verify/"
		if i%2 == 1 {
			base = "https://juanzeng.hangzhou-redcross.org.cn/verify/"
		}
		urls = append(urls, base+randomNo(r))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	work := make(chan string)
	for range 4 {
		wg.Go(func() {
			m := testMeasurer(t) // a measurer is not safe for concurrent use
			for u := range work {
				c := sample()
				c.VerifyURL = u
				got, err := decodeQR(renderFooter(t, m, c))
				if err != nil || got != u {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("%s: got %q, %v", u, got, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
	for _, f := range failed {
		t.Error(f)
	}
	t.Logf("%d of %d failed", len(failed), len(urls))
}

// TestPNGQRDecodes reads the QR code back from whole PNG certificates.
func TestPNGQRDecodes(t *testing.T) {
	for _, c := range []Certificate{sample(), inKind(), longest()} {
		var buf bytes.Buffer
		if err := PNG(&buf, c); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeQR(img)
		if err != nil || got != c.VerifyURL {
			t.Errorf("QR code on PNG of %s: got %q, %v; want %q", c.No, got, err, c.VerifyURL)
		}
	}
}
