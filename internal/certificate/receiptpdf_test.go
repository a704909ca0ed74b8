package certificate

import (
	"bytes"
	"crypto/ed25519"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testKey is a fixed signing key, so samples are reproducible.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

const signerName = "juanzeng.hangzhou-redcross.org.cn/receipts"

func sampleReceipt() Receipt {
	return Receipt{
		Society: "杭州市红十字会", Code: "33010126", Number: "0000000123", CheckCode: "7KQ4M9", Date: "2026-11-30",
		Payer: "北京小米科技有限责任公司", PayerUSCC: "91110108551385082Q", Item: "捐赠款·定向：武汉市金银潭医院", Quantity: 1,
		Amount: 100_000_000, Reviewer: "陈会计", Payee: "王出纳",
		VerifyURL: "https://juanzeng.hangzhou-redcross.org.cn/r/33010126/123", ProofURL: "https://juanzeng.hangzhou-redcross.org.cn/r/33010126/0000000123/proof", Remark: "捐赠证书 HZ20261130-7KQ4M9XPA",
	}
}

// goodsReceipt is a receipt for goods with every field long.
func goodsReceipt() Receipt {
	r := sampleReceipt()
	r.Payer = strings.Repeat("新疆维吾尔自治区巴音郭楞蒙古自治州某某医疗器械有限责任公司", 2)
	r.Item = "医用防护口罩 N95 (1860) GB 19083-2010 独立包装 成人款 无菌型 头戴式 批号 2026-1101"
	r.Unit, r.Quantity, r.Amount = "只", 2000, 2_000_000
	r.Reissues, r.Remark = "33010126-0000000122", "物资捐赠 HZW20261128-0017 第 2 行"
	r.Reviewer, r.Payee = strings.Repeat("欧阳", 20), strings.Repeat("司马", 20)
	return r
}

func sign(t testing.TB, r Receipt) []byte {
	t.Helper()
	b, err := SignReceipt(r, signerName, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignedReceipt(t *testing.T) {
	r := goodsReceipt()
	msg := sign(t, r)
	vkey := ReceiptVerifierKey(signerName, testKey.Public().(ed25519.PublicKey))
	got, err := OpenReceipt(msg, vkey)
	if err != nil {
		t.Fatal(err)
	}
	r.Remark, r.Voided, r.ProofURL = "", false, "" // printed only
	if got != r {
		t.Errorf("opened %+v, want %+v", got, r)
	}
	text, _, _ := strings.Cut(string(msg), "\n\n")
	if strings.Count(text, "\n") != 0 || !strings.Contains(text, `"amount_fen":2000000`) || !strings.Contains(text, `"payer_uscc":"91110108551385082Q"`) {
		t.Errorf("signed text %q", text)
	}
	tampered := bytes.Replace(msg, []byte(`"amount_fen":2000000`), []byte(`"amount_fen":9000000`), 1)
	if _, err := OpenReceipt(tampered, vkey); err == nil {
		t.Error("an altered amount verifies")
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
	if _, err := OpenReceipt(msg, ReceiptVerifierKey(signerName, other.Public().(ed25519.PublicKey))); err == nil {
		t.Error("another society's key verifies")
	}
	if _, err := OpenReceipt(msg, "x+00000000+AAAA"); err == nil {
		t.Error("a malformed key verifies")
	}
	if _, err := SignReceipt(r, "has space", testKey); err == nil {
		t.Error("a name with a space signs")
	}
}

// TestSignedReceiptVector pins the format to the example of
// golang.org/x/mod/sumdb/note's documentation: its verifier key checks
// the example note there, so boai's notes open with note.Open too.
func TestSignedReceiptVector(t *testing.T) {
	const vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
	msg := "If you think cryptography is the answer to your problem,\n" +
		"then you don't know what your problem is.\n" +
		"\n" +
		"— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
	// The text is not a receipt, so OpenReceipt stops at the JSON, after
	// the signature has verified.
	_, err := OpenReceipt([]byte(msg), vkey)
	if err == nil || !strings.Contains(err.Error(), "signed receipt:") {
		t.Errorf("the note example: %v, want a JSON error after a good signature", err)
	}
	bad := strings.Replace(msg, "problem,", "problem;", 1)
	if _, err := OpenReceipt([]byte(bad), vkey); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("altered note example: %v", err)
	}
}

func TestReceiptPDFText(t *testing.T) {
	for name, r := range map[string]Receipt{"money": sampleReceipt(), "goods": goodsReceipt()} {
		t.Run(name, func(t *testing.T) {
			path := renderFile(t, func(b *bytes.Buffer) error { return ReceiptPDF(b, r, sign(t, r)) })
			pages := pdfPages(t, path)
			if len(pages) != 1 {
				t.Fatalf("%d pages", len(pages))
			}
			text := squeeze(pages[0])
			want := []string{"公益事业捐赠票据（电子）", "票据代码：" + r.Code, "票据号码：" + r.Number, "校验码：" + r.CheckCode,
				"开票日期：2026年11月30日", "统一社会信用代码：" + r.PayerUSCC, "金额合计（大写）", "复核人：", "收款人：",
				"收款单位（章）：" + r.Society, r.Amount.Yuan(), "机读数据"}
			if name == "money" {
				want = append(want, "交款人："+r.Payer, r.Item, "壹佰万元整", r.Remark, "包含证明："+r.ProofURL)
			} else {
				want = append(want, "贰万元整", "重开，原票据"+r.Reissues)
			}
			for _, w := range want {
				if !strings.Contains(text, squeeze(w)) {
					t.Errorf("PDF text lacks %q:\n%s", w, pages[0])
				}
			}
		})
	}
}

// TestReceiptQRs renders the receipt as a printer would and reads both
// codes back: the verification link and the signed form, which verifies.
// A usual receipt reads at 300 dpi; one with every field at its longest
// (a signed form of 1 kB) at 600 dpi.
func TestReceiptQRs(t *testing.T) {
	for name, tt := range map[string]struct {
		r   Receipt
		dpi int
	}{"money": {sampleReceipt(), 300}, "goods": {goodsReceipt(), 600}} {
		t.Run(name, func(t *testing.T) {
			r, dpi := tt.r, float64(tt.dpi)
			signed := sign(t, r)
			path := renderFile(t, func(b *bytes.Buffer) error { return ReceiptPDF(b, r, signed) })
			prefix := filepath.Join(filepath.Dir(path), "page")
			if out, err := exec.Command(tool(t, "pdftoppm"), "-png", "-r", strconv.Itoa(tt.dpi), "-singlefile", path, prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			f, err := os.Open(prefix + ".png")
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			px := func(pt float64) int { return int(pt * dpi / 72) }
			sub := img.(interface {
				SubImage(image.Rectangle) image.Image
			})
			b := img.Bounds()
			topLeft := sub.SubImage(image.Rect(0, 0, px(receiptW/2-40), px(receiptH/2)))
			if got, err := readQR(topLeft); got != r.VerifyURL {
				t.Errorf("verification code reads %q, %v; want %s", got, err, r.VerifyURL)
			}
			bottomRight := sub.SubImage(image.Rect(px(receiptW/2+40), px(receiptH/2), b.Max.X, b.Max.Y))
			got, err := readQR(bottomRight)
			if got != string(signed) {
				t.Fatalf("machine-readable code reads %q, %v; want %q", got, err, signed)
			}
			if _, err := OpenReceipt([]byte(got), ReceiptVerifierKey(signerName, testKey.Public().(ed25519.PublicKey))); err != nil {
				t.Errorf("the code's signed form: %v", err)
			}
		})
	}
}

func TestReceiptLayout(t *testing.T) {
	m := testMeasurer(t)
	void := sampleReceipt()
	void.Voided = true
	person := sampleReceipt()
	person.Payer, person.PayerUSCC, person.Remark = "张小明", "", ""
	for name, r := range map[string]Receipt{"money": sampleReceipt(), "goods": goodsReceipt(), "voided": void, "person": person} {
		t.Run(name, func(t *testing.T) {
			v, err := newQR(r.VerifyURL)
			if err != nil {
				t.Fatal(err)
			}
			d, err := newQR(string(sign(t, r)))
			if err != nil {
				t.Fatal(err)
			}
			rec := newPageRecorder(m)
			layoutReceipt(rec, m, r, v, d)
			rec.check(t, receiptW, receiptH)
			if len(rec.pages) != 1 {
				t.Errorf("%d pages", len(rec.pages))
			}
		})
	}
	if err := ReceiptPDF(&bytes.Buffer{}, sampleReceipt(), nil); err == nil {
		t.Error("a receipt without its signed form: nil error")
	}
}

// TestReceiptSamples writes sample receipts; with CERTIFICATE_SAMPLES set
// it keeps them there for a person to look at.
func TestReceiptSamples(t *testing.T) {
	dir := os.Getenv("CERTIFICATE_SAMPLES")
	if dir == "" {
		dir = t.TempDir()
	}
	void := sampleReceipt()
	void.Voided = true
	for name, r := range map[string]Receipt{"receipt-money": sampleReceipt(), "receipt-goods": goodsReceipt(), "receipt-voided": void} {
		var buf bytes.Buffer
		if err := ReceiptPDF(&buf, r, sign(t, r)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
