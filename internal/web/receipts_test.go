package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/receipt"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

const testReceiptCode = "33010126"

// receiptIDs are the records the receipt routes' wildcards are filled
// with: a valid receipt and its serial.
type receiptIDs struct {
	receipt int64
	code    string
	number  string
}

// newReceiptIDs registers a range of forms and issues one receipt, for
// an organisation's donation at branch.
func newReceiptIDs(t *testing.T, db *store.DB, branch int64) receiptIDs {
	t.Helper()
	ctx := context.Background()
	rng := &store.ReceiptRange{Range: receipt.Range{Code: testReceiptCode, Start: 1, End: 500, Width: 10, Holder: "财务科"}, ObtainedOn: "2026-11-02"}
	if err := db.AddReceiptRange(ctx, audit.System, rng); err != nil {
		t.Fatal(err)
	}
	d := &donation.Donation{Donor: donation.Donor{Kind: donation.Organization, Name: "杭州矩阵票据有限公司"}, AmountFen: 880000,
		Channel: donation.Bank, ReceivedAt: time.Now().Add(-3 * time.Hour).Truncate(time.Second), BranchID: branch,
		ExternalRef: "MATRIX-RECEIPT", Source: donation.SourceForm}
	if _, err := db.CreateDonation(ctx, audit.System, d); err != nil {
		t.Fatal(err)
	}
	r, err := db.IssueMoneyReceipt(ctx, audit.System, d.ID, store.ReceiptIssue{Holder: "财务科", Reviewer: "陈会计", Payee: "王出纳"})
	if err != nil {
		t.Fatal(err)
	}
	return receiptIDs{receipt: r.ID, code: r.Code, number: r.NumberText()}
}

// receiptWrites are valid bodies for the receipt pages' write routes.
func receiptWrites(g goodsIDs) map[string]string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return map[string]string{
		"POST /receipts/ranges": url.Values{"code": {"33010127"}, "start": {"1"}, "end": {"50"}, "width": {"10"}, "holder": {"越权"},
			"obtained_on": {"2026-11-01"}}.Encode(),
		"POST /receipts/spoil":                 "reason=" + url.QueryEscape("越权作废"),
		"POST /receipts/goods":                 "goods=" + id(g.intake) + "%2F1&reviewer=a&payee=b",
		"POST /receipts/{id}/void":             "reason=" + url.QueryEscape("越权作废"),
		"POST /receipts/{id}/reissue":          "reason=x&reviewer=a&payee=b",
		"POST /donations/{id}/receipt":         "reviewer=a&payee=b",
		"POST /donations/{id}/receipt/request": "channel=" + url.QueryEscape("电话"),
		"POST /donations/{id}/receipt/choice":  "choice=declined",
	}
}

var (
	hxGetRE = regexp.MustCompile(`hx-get="(/donations/[0-9]+/receipt)"`)
)

// Finance issues a receipt from the donation page, downloads the PDF,
// checks it on the public page its QR code opens, voids it and reissues
// it; every number stays accounted for.
func TestReceiptFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{VerifyRate: 1e9})
		finance := s.as(auth.Finance)

		// The forms from the finance bureau.
		r := finance.postForm("/receipts/ranges", url.Values{"code": {testReceiptCode}, "start": {"1"}, "end": {"100"}, "width": {"10"},
			"holder": {"财务科"}, "obtained_on": {"2026-11-02"}, "note": {"第一批"}})
		if r.Status != http.StatusSeeOther || r.location() != "/receipts/ranges?flash=range_added" {
			t.Fatalf("add range: %v", r)
		}
		if r := finance.postForm("/receipts/ranges", url.Values{"code": {testReceiptCode}, "start": {"50"}, "end": {"150"}, "width": {"10"},
			"holder": {"财务科"}, "obtained_on": {"2026-11-02"}}); r.Status != http.StatusConflict || !strings.Contains(flashError(r.Body), "重叠") {
			t.Errorf("overlapping range: %v", r)
		}
		if r := finance.get("/receipts/ranges"); r.Status != http.StatusOK || !strings.Contains(r.Body, "0000000001–0000000100") {
			t.Errorf("ranges page: %v", r)
		}

		d := s.record(&donation.Donation{
			Donor:     donation.Donor{Kind: donation.Organization, Name: "杭州某某科技有限公司", IDNumber: "91330100716105852F", Phone: "057188880000"},
			AmountFen: 1_234_500, Channel: donation.Bank, ReceivedAt: time.Now().Add(-time.Hour).Truncate(time.Second), BranchID: s.city.ID,
			ExternalRef: "RECEIPT-FLOW", Designation: donation.Designation{Kind: donation.Region, Target: "淳安县"},
		})
		did := strconv.FormatInt(d.ID, 10)

		// The donation page loads its receipt section.
		page := finance.get("/donations/" + did)
		m := hxGetRE.FindStringSubmatch(page.Body)
		if page.Status != http.StatusOK || m == nil {
			t.Fatalf("donation page has no receipt section: %v", page)
		}
		section := finance.get(m[1], "HX-Request", "true")
		if section.Status != http.StatusOK || strings.Contains(section.Body, "<html") || !strings.Contains(section.Body, `action="/donations/`+did+`/receipt"`) {
			t.Fatalf("receipt section: %v", section)
		}
		if sup := s.as(auth.Supervisor).get(m[1], "HX-Request", "true"); sup.Status != http.StatusOK || strings.Contains(sup.Body, "<form") {
			t.Errorf("supervisor's receipt section: %v", sup)
		}

		// Issue it.
		r = finance.postForm("/donations/"+did+"/receipt", url.Values{"reviewer": {"陈会计"}, "payee": {"王出纳"}, "holder": {"财务科"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/receipts/") {
			t.Fatalf("issue: %v", r)
		}
		first := strings.TrimSuffix(strings.TrimPrefix(r.location(), "/receipts/"), "?flash=receipt_issued")
		rid, err := strconv.ParseInt(first, 10, 64)
		if err != nil {
			t.Fatalf("issue redirect %q", r.location())
		}
		v, err := db.Receipt(ctx, rid)
		if err != nil || v.Number != 1 || v.PayerUSCC != "91330100716105852F" || v.Amount != d.AmountFen || v.Item != "捐赠款·定向·地区·淳安县" {
			t.Fatalf("issued %d %q %d %q: %v", v.Number, v.PayerUSCC, v.Amount, v.Item, err)
		}
		if locked, err := db.DonationReceipted(ctx, d.ID); err != nil || !locked {
			t.Errorf("receipted donation not locked: %v %v", locked, err)
		}
		if r := finance.postForm("/donations/"+did+"/receipt", url.Values{"reviewer": {"陈会计"}, "payee": {"王出纳"}}); r.Status != http.StatusConflict ||
			!strings.Contains(flashError(r.Body), "已开具票据") {
			t.Errorf("second receipt: %v", r)
		}
		detail := finance.get("/receipts/" + first)
		if detail.Status != http.StatusOK || !strings.Contains(detail.Body, "0000000001") || !strings.Contains(detail.Body, v.CheckCode) {
			t.Fatalf("receipt page: %v", detail)
		}
		if section := finance.get("/donations/"+did+"/receipt", "HX-Request", "true"); !strings.Contains(section.Body, "/receipts/"+first+"/receipt.pdf") {
			t.Errorf("the donation's section does not show the receipt: %v", section)
		}

		// The PDF.
		pdf := finance.get("/receipts/" + first + "/receipt.pdf")
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatalf("PDF: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		text := squeezed(pdfToText(t, pdf.Body))
		for _, want := range []string{"公益事业捐赠票据（电子）", "票据代码：" + testReceiptCode, "票据号码：0000000001", "校验码：" + v.CheckCode,
			"杭州某某科技有限公司", "91330100716105852F", "壹万贰仟叁佰肆拾伍元整", "复核人：陈会计", "收款人：王出纳", "杭州市红十字会", d.CertNo} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}

		// The public check its QR code opens: no phone, no check code shown.
		verify := "/r/" + testReceiptCode + "/0000000001"
		pub := s.anon().get(verify)
		if pub.Status != http.StatusOK || !strings.Contains(pub.Body, "有效") || !strings.Contains(pub.Body, "杭州某某科技有限公司") || !strings.Contains(pub.Body, "12,345.00") {
			t.Fatalf("verification page: %v", pub)
		}
		for _, private := range []string{d.Donor.Phone, v.CheckCode, "王出纳"} {
			if strings.Contains(pub.Body, private) {
				t.Errorf("verification page shows %q", private)
			}
		}
		if r := s.anon().get(verify + "?check=" + strings.ToLower(v.CheckCode)); !strings.Contains(r.Body, `id="check-result"`) || !strings.Contains(r.Body, "相符") {
			t.Errorf("right check code: %v", r)
		}
		if r := s.anon().get(verify + "?check=000000"); !strings.Contains(r.Body, "不符") {
			t.Errorf("wrong check code: %v", r)
		}
		if r := s.anon().get("/r/" + testReceiptCode + "/0000000099"); r.Status != http.StatusNotFound {
			t.Errorf("unknown receipt: %v", r)
		}

		// Void it, then reissue it with a new number.
		if r := finance.postForm("/receipts/"+first+"/void", url.Values{"reason": {" "}}); r.Status != http.StatusBadRequest {
			t.Errorf("void without a reason: %v", r)
		}
		r = finance.postForm("/receipts/"+first+"/void", url.Values{"reason": {"捐赠人名称有误"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("void: %v", r)
		}
		if r := s.anon().get(verify); !strings.Contains(r.Body, "已作废") {
			t.Errorf("voided receipt's check: %v", r)
		}
		if locked, _ := db.DonationReceipted(ctx, d.ID); locked {
			t.Error("still locked after the void")
		}
		r = finance.postForm("/receipts/"+first+"/reissue", url.Values{"reviewer": {"陈会计"}, "payee": {"李出纳"}})
		if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.location(), "?flash=receipt_reissued") {
			t.Fatalf("reissue: %v", r)
		}
		second := strings.TrimSuffix(strings.TrimPrefix(r.location(), "/receipts/"), "?flash=receipt_reissued")
		if detail := finance.get("/receipts/" + second); !strings.Contains(detail.Body, "0000000002") || !strings.Contains(detail.Body, "/receipts/"+first) {
			t.Errorf("reissued receipt page: %v", detail)
		}
		if r := s.anon().get("/r/" + testReceiptCode + "/2"); r.Status != http.StatusOK || !strings.Contains(r.Body, "有效") {
			t.Errorf("reissued receipt's check: %v", r)
		}
		if r := s.anon().get(verify); !strings.Contains(r.Body, "重开") {
			t.Errorf("the voided one does not say it was reissued: %v", r)
		}
		pdf = finance.get("/receipts/" + second + "/receipt.pdf")
		if text := squeezed(pdfToText(t, pdf.Body)); !strings.Contains(text, "重开，原票据"+testReceiptCode+"-0000000001已作废") {
			t.Errorf("reissued PDF does not name the voided one:\n%s", text)
		}

		// A spoiled form, and the register with its audit.
		if r := finance.postForm("/receipts/spoil", url.Values{"holder": {"财务科"}, "reason": {"打印卡纸"}}); r.Status != http.StatusSeeOther {
			t.Errorf("spoil: %v", r)
		}
		reg := finance.get("/receipts")
		if reg.Status != http.StatusOK || !strings.Contains(reg.Body, "号码连续") || !strings.Contains(reg.Body, "0000000002") || !strings.Contains(reg.Body, "打印卡纸") {
			t.Errorf("register: %v", reg)
		}
		a, err := db.ReceiptAudit(ctx)
		if err != nil || !a.Clean() || a.Used != 3 || a.Live != 1 || a.Voided != 2 {
			t.Errorf("audit %+v %v", a, err)
		}
		if x := finance.get("/receipts.xlsx"); x.Status != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
			t.Errorf("register export: %d", x.Status)
		}
		if sup := s.as(auth.Supervisor).get("/receipts"); sup.Status != http.StatusOK || strings.Contains(sup.Body, `action="/receipts/spoil"`) {
			t.Errorf("supervisor's register: %v", sup)
		}
	})
}

// The donation page says why a gift gets no receipt, and records the
// donor's request and wishes.
func TestReceiptSectionStanding(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{VerifyRate: 1e9})
	newReceiptIDs(t, db, s.city.ID)
	finance := s.as(auth.Finance)
	section := func(d *donation.Donation) string {
		t.Helper()
		r := finance.get("/donations/"+strconv.FormatInt(d.ID, 10)+"/receipt", "HX-Request", "true")
		if r.Status != http.StatusOK {
			t.Fatalf("section: %v", r)
		}
		return r.Body
	}
	if b := section(s.anonGift); !strings.Contains(b, "匿名捐赠不开具票据") || strings.Contains(b, `action="/donations/`) {
		t.Errorf("anonymous gift's section: %s", b)
	}
	cid := strconv.FormatInt(s.cityGift.ID, 10)
	if r := finance.postForm("/donations/"+cid+"/receipt/request", url.Values{"channel": {"电话，邮寄"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("request: %v", r)
	}
	if b := finance.get("/receipts").Body; !strings.Contains(b, s.cityGift.CertNo) || !strings.Contains(b, "电话，邮寄") {
		t.Errorf("the register does not list the open request")
	}
	if r := finance.postForm("/donations/"+cid+"/receipt/choice", url.Values{"choice": {"declined"}, "note": {"不需要"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("choice: %v", r)
	}
	if b := section(s.cityGift); !strings.Contains(b, "捐赠人不需要票据") || !strings.Contains(b, `name="choice" value="wanted"`) {
		t.Errorf("declined gift's section: %s", b)
	}
	if r := finance.postForm("/donations/"+cid+"/receipt", url.Values{"reviewer": {"陈会计"}, "payee": {"王出纳"}}); r.Status != http.StatusConflict {
		t.Errorf("issue for a declined gift: %v", r)
	}
	// A person's name is masked on the public check.
	if r := finance.postForm("/donations/"+cid+"/receipt/choice", url.Values{"choice": {"wanted"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("wanted: %v", r)
	}
	r := finance.postForm("/donations/"+cid+"/receipt", url.Values{"reviewer": {"陈会计"}, "payee": {"王出纳"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("issue: %v", r)
	}
	if b := finance.get("/receipts").Body; strings.Contains(b, "电话，邮寄") {
		t.Errorf("the answered request is still listed")
	}
	pub := s.anon().get("/r/" + testReceiptCode + "/2")
	if pub.Status != http.StatusOK || !strings.Contains(pub.Body, donation.MaskPersonName(s.cityGift.Donor.Name)) {
		t.Fatalf("public check: %v", pub)
	}
	for _, private := range []string{s.cityGift.Donor.Name, cityPhone, cityID} {
		if strings.Contains(pub.Body, private) {
			t.Errorf("public check shows %q", private)
		}
	}
}

func squeezed(s string) string { return strings.Join(strings.Fields(s), "") }

// pdfToText extracts a PDF's text with pdftotext: required in CI, else
// the check is skipped.
func pdfToText(t *testing.T, pdf string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext required in CI (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not on PATH")
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
