package certificate

import (
	"errors"
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// qrQuiet is the quiet zone, in modules, around every QR code.
const qrQuiet = 4

// qrCode is a QR code ready to draw: its modules row by row, true for dark,
// with a quiet zone of qrQuiet light modules all round.
type qrCode [][]bool

// newQR encodes url at error correction level M.
//
// Any of the eight mask patterns makes a valid code, but with some the data
// modules happen to form what ZXing's detector, which many phone scanners
// build on, takes for a finder pattern (the squares in three corners): it
// then stops at the wrong three and cannot read the code. That happened to
// about one URL in 200, whichever mask the encoder's penalty rules
// preferred. So newQR reads each candidate back, drawn plainly at several
// sizes, and takes the encoder's choice only if every size reads, or else
// the first other mask that does.
func newQR(url string) (qrCode, error) {
	if url == "" {
		return nil, errors.New("certificate: no URL for the QR code")
	}
	hints := map[gozxing.EncodeHintType]any{}
	for _, r := range url {
		if r >= 0x80 {
			// The default for byte mode is ISO-8859-1.
			hints[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
			break
		}
	}
	// encode uses the mask given, or with -1 the encoder's choice.
	encode := func(mask int) (qrCode, int, error) {
		if mask >= 0 {
			hints[gozxing.EncodeHintType_QR_MASK_PATTERN] = mask
		}
		code, err := encoder.Encoder_encode(url, decoder.ErrorCorrectionLevel_M, hints)
		if err != nil {
			return nil, 0, fmt.Errorf("certificate: QR code for %q: %w", url, err)
		}
		return withQuietZone(code.GetMatrix()), code.GetMaskPattern(), nil
	}
	chosen, chosenMask, err := encode(-1)
	if err != nil || chosen.reads(url) {
		return chosen, err
	}
	for mask := range encoder.QRCode_NUM_MASK_PATERNS {
		if mask == chosenMask {
			continue
		}
		q, _, err := encode(mask)
		if err != nil {
			return nil, err
		}
		if q.reads(url) {
			return q, nil
		}
	}
	// No mask reads at every size, which has not been seen: the encoder's
	// choice is still a valid code.
	return chosen, nil
}

func withQuietZone(m *encoder.ByteMatrix) qrCode {
	n := m.GetWidth() + 2*qrQuiet
	q := make(qrCode, n)
	for y := range q {
		q[y] = make([]bool, n)
		if y < qrQuiet || y >= n-qrQuiet {
			continue
		}
		for x := range m.GetWidth() {
			q[y][x+qrQuiet] = m.Get(x, y-qrQuiet) == 1
		}
	}
	return q
}

// reads reports whether ZXing's QR reader finds the code and reads want
// from it drawn plainly at each of 2 to 7 pixels a module. Whether its
// detector is misled depends on which rows it happens to scan, so on the
// size. The PNG draws 3 to 5 pixels a module; the PDF is drawn at whatever
// size it is viewed or printed.
func (q qrCode) reads(want string) bool {
	n := len(q)
	for px := 2; px <= 7; px++ {
		img := image.NewGray(image.Rect(0, 0, n*px, n*px))
		for y := range n * px {
			row := img.Pix[y*img.Stride : y*img.Stride+n*px]
			for x := range row {
				if !q[y/px][x/px] {
					row[x] = 0xFF
				}
			}
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			return false
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || res.GetText() != want {
			return false
		}
	}
	return true
}
