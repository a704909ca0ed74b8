package certificate

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestZZPure(t *testing.T) {
	for i, u := range zzFailing {
		q, _ := newQR(u)
		bits := q.Bitmap()
		n := len(bits)
		const k = 10
		img := image.NewGray(image.Rect(0, 0, n*k, n*k))
		for y := range n * k {
			for x := range n * k {
				if bits[y/k][x/k] {
					img.SetGray(x, y, color.Gray{0})
				} else {
					img.SetGray(x, y, color.Gray{255})
				}
			}
		}
		if i == 1 {
			f, _ := os.Create("/tmp/qrw/pure.png")
			png.Encode(f, img)
			f.Close()
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
		var s string
		if res != nil {
			s = res.GetText()
		}
		t.Logf("pure %s: ok=%v %v", u, s == u, err)
		bmp, _ = gozxing.NewBinaryBitmapFromImage(img)
		res, err = zxqr.NewQRCodeReader().Decode(bmp, nil)
		s = ""
		if res != nil {
			s = res.GetText()
		}
		t.Logf("  detect: ok=%v %v", s == u, err)
	}
}
