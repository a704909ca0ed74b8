package certificate

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/mod/sumdb/note"

	"boai/internal/money"
)

// Receipt is an electronic donation receipt (公益事业捐赠票据（电子）) as
// printed, and, in JSON, its machine-readable form. The fields are printed
// as given.
type Receipt struct {
	Society   string    `json:"payee_org"`  // 收款单位, e.g. 杭州市红十字会
	Code      string    `json:"code"`       // 票据代码
	Number    string    `json:"number"`     // 票据号码, zero-padded as on the form
	CheckCode string    `json:"check_code"` // 校验码
	Date      string    `json:"date"`       // 开票日期, YYYY-MM-DD
	Payer     string    `json:"payer"`      // 交款人, in full
	PayerUSCC string    `json:"payer_uscc,omitempty"`
	Item      string    `json:"item"` // 项目
	Unit      string    `json:"unit,omitempty"`
	Quantity  int64     `json:"quantity"`
	Amount    money.Fen `json:"amount_fen"`
	Reviewer  string    `json:"reviewer"`           // 复核人
	Payee     string    `json:"payee"`              // 收款人
	Reissues  string    `json:"reissues,omitempty"` // the voided receipt this one replaces, e.g. "33010126-0000000003"
	VerifyURL string    `json:"verify"`             // in the QR code anyone scans to check the receipt
	Remark    string    `json:"-"`                  // 备注, e.g. the donation certificate's number
	ProofURL  string    `json:"-"`                  // the public log's inclusion proof of its issue; "" prints none
	Voided    bool      `json:"-"`                  // printed across the form
}

const receiptTitle = "公益事业捐赠票据（电子）"

// ReceiptPDF writes r as a one-page PDF half an A4 sheet high, landscape:
// the title, the numbers and the check code, the payer, the item and the
// amount in figures and in words, the clerks and the society's seal, a QR
// code to the verification page and a second one holding signed, the
// receipt's signed machine-readable form (SignReceipt).
func ReceiptPDF(w io.Writer, r Receipt, signed []byte) error {
	if len(signed) == 0 {
		return errors.New("certificate: a receipt needs its signed machine-readable form")
	}
	f, err := loadFonts()
	if err != nil {
		return err
	}
	verify, err := newQR(r.VerifyURL)
	if err != nil {
		return err
	}
	data, err := newQR(string(signed))
	if err != nil {
		return err
	}
	m := newMeasurer(f)
	cv, err := newPDFDocument(f, m, gopdf.Rect{W: receiptW, H: receiptH}, gopdf.PdfInfo{
		Title:   receiptTitle + " " + r.Code + "-" + r.Number,
		Subject: r.Society,
		Creator: "boai",
	})
	if err != nil {
		return err
	}
	layoutReceipt(cv, m, r, verify, data)
	return cv.writeTo(w)
}

// Receipt geometry, in points: an A4 sheet's width by half its height.
const (
	receiptW      = a4Short
	receiptH      = a4Long / 2
	receiptMargin = 36.0
	receiptQR     = 70.0  // the verification code, top left
	receiptDataQR = 104.0 // the machine-readable form, bottom right
)

func layoutReceipt(cv canvas, m *measurer, r Receipt, verify, data qrCode) {
	const (
		left     = receiptMargin
		right    = receiptW - receiptMargin
		contentW = right - left
		top      = 30.0
	)
	cv.fillRect(0, 0, receiptW, receiptH, paper)
	strokeRect(cv, 18, 16, receiptW-36, receiptH-32, 0.8, red)

	// The verification code, top left.
	side := cv.qr(verify, left, top, receiptQR)
	textCenter(cv, m, left+side/2, top+side+9, 7.5, grey, "扫码查验")

	// The title, centred, over a double rule.
	const titleSize = 18
	textCenter(cv, m, receiptW/2, top+24, titleSize, red, receiptTitle)
	tw := m.width(receiptTitle, titleSize) + 16
	cv.fillRect(receiptW/2-tw/2, top+31, tw, 1.2, red)
	cv.fillRect(receiptW/2-tw/2, top+34, tw, 0.5, red)
	textCenter(cv, m, receiptW/2, top+46, 7.5, grey, "Public Welfare Donation Receipt (Electronic)")
	if r.Voided {
		const s = "已作废 VOID"
		w := m.width(s, 13) + 16
		strokeRect(cv, receiptW/2-w/2, top+54, w, 21, 1.4, red)
		textCenter(cv, m, receiptW/2, top+69, 13, red, s)
	}

	// The numbers, top right.
	const infoSize = 8.5
	labels := []string{"票据代码：", "票据号码：", "校 验 码：", "开票日期："}
	values := []string{r.Code, r.Number, r.CheckCode, chineseDate(r.Date)}
	lw, vw := 0.0, 0.0
	for i := range labels {
		lw, vw = max(lw, m.width(labels[i], infoSize)), max(vw, m.width(values[i], infoSize))
	}
	x := right - lw - vw
	for i := range labels {
		y := top + 8 + float64(i)*14
		cv.text(x, y, infoSize, grey, labels[i])
		cv.text(x+lw, y, infoSize, ink, values[i])
	}

	// The payer, then the table.
	y := top + side + 26
	const payerSize = 9.5
	if r.PayerUSCC != "" {
		textRight(cv, m, right, y, payerSize, ink, "统一社会信用代码："+r.PayerUSCC)
	}
	payerW := contentW
	if r.PayerUSCC != "" {
		payerW -= m.width("统一社会信用代码："+r.PayerUSCC, payerSize) + 12
	}
	payer, size := fitLines(m, "交款人："+r.Payer, payerW, payerSize, 7, 2)
	for i, l := range payer {
		cv.text(left, y+float64(i)*size*1.3, size, ink, l)
	}
	y += float64(len(payer)-1)*size*1.3 + 9

	items := &table{m: m, size: 9, cols: []column{
		{head: "项目名称", w: 190},
		{head: "单位", w: 40, center: true},
		{head: "数量", w: 56, center: true},
		{head: "金额（元）", w: 90, center: true},
		{head: "备注", w: contentW - 190 - 40 - 56 - 90},
	}}
	remark := r.Remark
	if r.Reissues != "" {
		remark = strings.TrimSpace("重开，原票据 " + r.Reissues + " 已作废。" + remark)
	}
	qty := "" // money has no quantity to print
	if r.Unit != "" {
		qty = strconv.FormatInt(r.Quantity, 10)
	}
	figures := strings.TrimPrefix(r.Amount.Yuan(), "¥")
	y = items.draw(cv, left, y, items.header(), items.row(r.Item, r.Unit, qty, figures, remark))
	total := &table{m: m, size: 9, cols: []column{
		{w: 110, label: true},
		{w: contentW - 110 - 64 - 120},
		{w: 64, label: true},
		{w: 120},
	}}
	y = total.draw(cv, left, y, total.row("金额合计（大写）", money.Capital(r.Amount), "（小写）", r.Amount.Yuan()))

	// The machine-readable form, bottom right, at least a point a module
	// so a phone reads it off paper.
	const captionH = 22.0
	bottom := receiptH - 26 - captionH
	dataSize := min(max(receiptDataQR, float64(len(data))), 140, bottom-y-10)
	dataTop := min(y+12, bottom-dataSize)
	dx := right - dataSize
	ds := cv.qr(data, dx, dataTop, dataSize)
	textCenter(cv, m, dx+ds/2, dataTop+ds+9, 7.5, grey, "机读数据（已签名）")
	textCenter(cv, m, dx+ds/2, dataTop+ds+19, 6.5, grey, "signed machine-readable form")

	// The society and its seal beside its name, the clerks.
	const sealR = 32.0
	sealY := dataTop + 38
	lab := "收款单位（章）："
	society, ssize := fitLines(m, r.Society, dx-left-m.width(lab, 9.5)-2*sealR-8, 11, 7, 1)
	nameEnd := left + m.width(lab, 9.5) + m.width(society[0], ssize)
	cx := nameEnd + sealR - 6
	sealLettering(cv, m, cx, sealY, sealR, r.Society)
	cv.text(left, sealY+4, 9.5, ink, lab)
	cv.text(left+m.width(lab, 9.5), sealY+4, ssize, ink, society[0])
	cv.strokeCircle(cx, sealY, sealR, 1.8, red)
	cv.strokeCircle(cx, sealY, sealR-3.5, 0.5, red)
	redCross(cv, cx, sealY-6, 14, 4.5)

	clerkY := sealY + 52
	reviewer, rsize := fitLines(m, "复核人："+r.Reviewer, (dx-left-24)/2, 9.5, 7, 1)
	payee, psize := fitLines(m, "收款人："+r.Payee, (dx-left-24)/2, 9.5, 7, 1)
	cv.text(left, clerkY, rsize, ink, reviewer[0])
	cv.text(left+(dx-left)/2, clerkY, psize, ink, payee[0])

	note, nsize := fitLines(m, "扫描左上角二维码或访问 "+r.VerifyURL+" 查验本票据；查验时请核对校验码。", contentW, 7, 5.5, 1)
	noteY := receiptH - 22.0
	if r.ProofURL != "" {
		noteY -= 9
		proof, psize := fitLines(m, "本票据的开具已记入公开日志，包含证明："+r.ProofURL, contentW, 7, 5.5, 1)
		cv.text(left, noteY+9, psize, grey, proof[0])
	}
	cv.text(left, noteY, nsize, grey, note[0])
}

// chineseDate prints YYYY-MM-DD as 2026年11月30日; anything else as given.
func chineseDate(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// The machine-readable form is a signed note (golang.org/x/mod/sumdb/note,
// what the Go checksum database signs): the receipt as one line of JSON, a
// blank line, and the society's Ed25519 signature line. Anyone with the
// society's verifier key (ReceiptVerifierKey, published on the
// verification page) can check it with note.Open or with OpenReceipt.

// noteSigner makes a note signer from the society's Ed25519 key.
func noteSigner(name string, key ed25519.PrivateKey) (note.Signer, error) {
	vkey, err := note.NewEd25519VerifierKey(name, key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("certificate: signer %q: %w", name, err)
	}
	// The signer key is the verifier key's name and hash with the
	// private seed in place of the public key.
	parts := strings.SplitN(vkey, "+", 3)
	skey := "PRIVATE+KEY+" + name + "+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, key.Seed()...))
	return note.NewSigner(skey)
}

// SignReceipt returns r's machine-readable form signed with key under
// name, e.g. "boai.example.org/receipts".
func SignReceipt(r Receipt, name string, key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("certificate: not an Ed25519 private key")
	}
	signer, err := noteSigner(name, key)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil { // one line, ending in "\n"
		return nil, fmt.Errorf("certificate: encode receipt: %w", err)
	}
	return note.Sign(&note.Note{Text: b.String()}, signer)
}

// ReceiptVerifierKey is the public key that checks SignReceipt's
// signatures, as a note verifier key: "<name>+<hash>+<key>".
func ReceiptVerifierKey(name string, pub ed25519.PublicKey) string {
	vkey, _ := note.NewEd25519VerifierKey(name, pub) // the name was checked when signing
	return vkey
}

// OpenReceipt checks a signed receipt against a verifier key and returns
// its fields.
func OpenReceipt(msg []byte, vkey string) (Receipt, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Receipt{}, fmt.Errorf("certificate: malformed verifier key: %w", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &invalid):
		return Receipt{}, errors.New("certificate: the receipt's signature does not verify")
	case err != nil:
		return Receipt{}, fmt.Errorf("certificate: the receipt is not signed by this key: %w", err)
	}
	var r Receipt
	if err := json.Unmarshal([]byte(n.Text), &r); err != nil {
		return Receipt{}, fmt.Errorf("certificate: signed receipt: %w", err)
	}
	return r, nil
}
