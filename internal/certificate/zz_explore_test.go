package certificate

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestZZExplore(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	var mu sync.Mutex
	fails := map[string]int{}
	vers := map[int]int{}
	var wg sync.WaitGroup
	ch := make(chan string)
	for range 2 {
		wg.Go(func() {
			m := testMeasurer(t)
			for u := range ch {
				c := sample()
				c.VerifyURL = u
				q, _ := newQR(u)
				n := len(q.Bitmap())
				img := renderFooter(t, m, c)
				mu.Lock(); vers[n]++; mu.Unlock()
				for _, hard := range []bool{false, true} {
					bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
					hints := map[gozxing.DecodeHintType]any{}
					if hard {
						hints[gozxing.DecodeHintType_TRY_HARDER] = true
					}
					res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
					if err != nil || res.GetText() != u {
						mu.Lock()
						fails[fmt.Sprint(hard, n)]++
						t.Logf("%s hard=%v n=%d %v", u, hard, n, err)
						mu.Unlock()
					}
				}
			}
		})
	}
	for i := range 2000 {
		var base string
		switch i % 3 {
		case 0:
			base = "http://localhost:8080/verify/"
		case 1:
			base = fmt.Sprintf("http://127.0.0.1:%d/verify/", 30000+r.IntN(30000))
		case 2:
			base = "https://juanzeng.hangzhou-redcross.org.cn/verify/"
		}
		b := make([]byte, 8+r.IntN(2))
		for i := range b {
			b[i] = certNoChars[r.IntN(len(certNoChars))]
		}
		ch <- base + "HZ20261130-" + string(b)
	}
	close(ch)
	wg.Wait()
	t.Log(fails, vers)
}
