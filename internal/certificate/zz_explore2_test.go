package certificate

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

var zzFailing = []string{
	"https://juanzeng.hangzhou-redcross.org.cn/verify/HZ20261130-9J2ZPZ8M",
	"http://127.0.0.1:31355/verify/HZ20261130-NC0MARXF",
	"http://127.0.0.1:49044/verify/HZ20261130-1P8D1E5S0",
	"http://127.0.0.1:42131/verify/HZ20261130-DV129BXTS",
	"http://127.0.0.1:30512/verify/HZ20261130-1Z3D36KE",
	"http://127.0.0.1:57836/verify/HZ20261130-2ZPCEG990",
	"http://127.0.0.1:53306/verify/HZ20261130-6Z6R5ZGM",
}

func TestZZFull(t *testing.T) {
	m := testMeasurer(t)
	for i, u := range zzFailing {
		c := sample()
		c.VerifyURL = u
		var buf bytes.Buffer
		PNG(&buf, c)
		if i == 1 {
			os.WriteFile("/tmp/qrw/full.png", buf.Bytes(), 0o644)
			var b2 bytes.Buffer
			png.Encode(&b2, renderFooter(t, m, c))
			os.WriteFile("/tmp/qrw/footer.png", b2.Bytes(), 0o644)
		}
		img, _ := png.Decode(&buf)
		got, err := decodeQR(img)
		t.Logf("full %s: %q %v", u, got, err)
	}
}
