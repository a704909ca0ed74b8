package e2e

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/xuri/excelize/v2"
)

// TestDemoDayDisclosure opens a demo day's public disclosure on a phone,
// as a donor following a link shared in WeChat, and downloads its
// spreadsheet and PDF: the spreadsheet holds the day's donations, the PDF
// is the day's.
func TestDemoDayDisclosure(t *testing.T) {
	chrome := need(t, "chromium")
	base, db := startServerDB(t)
	ctx := newBrowser(t, chrome)

	days, err := db.PublishedDisclosures(t.Context(), 100)
	if err != nil || len(days) == 0 {
		t.Fatalf("the demo has no published day: %v", err)
	}
	date := days[0].Date
	d, err := db.PublishedDisclosure(t.Context(), date)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Day.Money) == 0 {
		t.Fatalf("the demo's %s has no donations to look for", date)
	}
	gift := d.Day.Money[0]

	if err := chromedp.Do(ctx, chromedp.Emulate(device.IPhoneX)); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/disclosure/"+date)
	page := bodyText(t, ctx)
	for _, want := range []string{"杭州市红十字会每日公示 " + date, gift.Donor, gift.Amount.Yuan(), "资金使用率"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%.2000s", want, page)
		}
	}
	if og := attr(t, ctx, `meta[property="og:title"]`, "content"); og != "杭州市红十字会每日公示 "+date {
		t.Errorf("og:title = %q", og)
	}
	if og := attr(t, ctx, `meta[property="og:image"]`, "content"); og != base+"/static/share.png" {
		t.Errorf("og:image = %q", og)
	}
	if over := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the page is %d px wider than the phone", over)
	}

	xlsx := download(t, ctx, `a[href$=".xlsx"]`)
	x, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	rows, err := x.GetRows("捐款")
	x.Close()
	if err != nil || len(rows) != len(d.Day.Money)+1 {
		t.Fatalf("XLSX 捐款: %d rows, want %d (%v)", len(rows), len(d.Day.Money)+1, err)
	}
	want := float64(gift.Amount) / 100
	found := false
	for _, r := range rows[1:] {
		if len(r) < 4 {
			continue
		}
		if v, err := strconv.ParseFloat(strings.ReplaceAll(r[3], ",", ""), 64); err == nil && v == want && r[2] == gift.Donor {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("the XLSX has no row of %s from %s:\n%v", gift.Amount.Yuan(), gift.Donor, rows[:min(len(rows), 5)])
	}

	pdf := download(t, ctx, `a[href$=".pdf"]`)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the PDF is not a PDF: % x", pdf[:min(len(pdf), 16)])
	}
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		text := pdfText(t, bin, pdf)
		for _, want := range []string{"每日公示", date, gift.Donor} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q:\n%.1500s", want, text)
			}
		}
	} else {
		t.Log("pdftotext not found: the PDF's text is not checked")
	}
}
