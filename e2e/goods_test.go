package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"boai/internal/audit"
	"boai/internal/notify"
	"boai/internal/store"
)

// The day's recipient and what it is given, designated by the donor so
// the proposal gives this intake's goods to it first.
const (
	hospital   = "杭州市云栖方舱医院"
	goodsDonor = "杭州某某医疗器械有限公司"
)

// wecom is a local stand-in for a WeCom group robot: it keeps what it is
// sent.
type wecom struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (w *wecom) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	w.mu.Lock()
	w.bodies = append(w.bodies, m)
	w.mu.Unlock()
	_, _ = rw.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func (w *wecom) markdown() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, m := range w.bodies {
		if m["msgtype"] != "markdown" {
			continue
		}
		if md, ok := m["markdown"].(map[string]any); ok {
			s, _ := md["content"].(string)
			out = append(out, s)
		}
	}
	return out
}

var (
	idPath     = regexp.MustCompile(`/(\d+)(\?|$)`)
	sameDayRE  = regexp.MustCompile(`当日发出 (\d+) / 当日接收 (\d+)`)
	signLinkRE = regexp.MustCompile(`/sign/sign_[A-Za-z0-9_-]+`)
)

func pathID(t *testing.T, ctx context.Context) string {
	t.Helper()
	m := idPath.FindStringSubmatch(location(t, ctx))
	if m == nil {
		t.Fatalf("no id in %s", location(t, ctx))
	}
	return m[1]
}

// pickItem types into an item box, waits for the picker's suggestions and
// takes the one whose code is code.
func pickItem(t *testing.T, ctx context.Context, input, query, code string) {
	t.Helper()
	list := attr(t, ctx, input, "list")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(input), query),
		chromedp.WaitReady(chromedp.CSS(`#`+list+` option[value^="`+code+` · "]`))); err != nil {
		t.Fatalf("picker for %s offers no %s: %v", query, code, err)
	}
	opt := attr(t, ctx, `#`+list+` option[value^="`+code+` · "]`, "value")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(input), opt)); err != nil {
		t.Fatal(err)
	}
}

func sameDay(t *testing.T, ctx context.Context, base string) (sent, received int) {
	t.Helper()
	navigate(t, ctx, base+"/dashboard")
	m := sameDayRE.FindStringSubmatch(bodyText(t, ctx))
	if m == nil {
		t.Fatalf("dashboard shows no 日进日清 figure:\n%s", bodyText(t, ctx))
	}
	fmt.Sscan(m[1], &sent)
	fmt.Sscan(m[2], &received)
	return sent, received
}

// TestGoodsDay walks one day of relief goods through the browser: goods
// arrive and four people sign for them, the cut-off list shows them, a
// district branch requests them for a hospital, the task force submits
// the proposal, the approvers are told through the WeCom robot and the
// leadership approves with one tap on a phone, the warehouse dispatches,
// the hospital signs on its phone, and 日进日清 moves.
func TestGoodsDay(t *testing.T) {
	chrome, pdftotext := need(t, "chromium"), need(t, "pdftotext")
	base, db := startServerDB(t)
	robot := &wecom{}
	rs := httptest.NewServer(robot)
	t.Cleanup(rs.Close)
	if err := db.CreateWebhook(t.Context(), audit.System, &store.Webhook{Kind: "wecom", URL: rs.URL, Label: "捐赠专班群", Active: true}); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, chrome)

	// Morning: the warehouse receives a truck of masks for the hospital.
	login(t, ctx, base, "warehouse", "boai-demo-warehouse")
	sent0, received0 := sameDay(t, ctx, base)
	navigate(t, ctx, base+"/goods/intake/new")
	f := `#intake-form `
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(f+`input[name="donor_name"]`), goodsDonor),
		chromedp.SetValue(chromedp.CSS(f+`select[name="designation_kind"]`), "institution"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="designation_target"]`), hospital),
	)
	if err != nil {
		t.Fatal(err)
	}
	pickItem(t, ctx, f+`input[list="items-0"]`, "N95", "MASK-N95")
	pickItem(t, ctx, f+`input[list="items-1"]`, "KN95", "MASK-KN95")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`.line-card:nth-child(1) input[name="declared"]`), "2000"),
		chromedp.SendKeys(chromedp.CSS(`.line-card:nth-child(1) input[name="batch"]`), "N-20261130"),
		chromedp.SetValue(chromedp.CSS(`.line-card:nth-child(1) select[name="valuation"]`), "evidence"),
		chromedp.SendKeys(chromedp.CSS(`.line-card:nth-child(1) input[name="declared_yuan"]`), "20000"),
		chromedp.SetValue(chromedp.CSS(`.line-card:nth-child(1) select[name="evidence_kind"]`), "invoice"),
		chromedp.SendKeys(chromedp.CSS(`.line-card:nth-child(1) input[name="evidence_ref"]`), "FP-0001"),
		chromedp.SendKeys(chromedp.CSS(`.line-card:nth-child(2) input[name="declared"]`), "500"),
		chromedp.SetValue(chromedp.CSS(`.line-card:nth-child(2) select[name="valuation"]`), "unappraisable"),
	)
	if err != nil {
		t.Fatalf("fill intake: %v", err)
	}
	shot(t, ctx, "01-intake-form")
	submit(t, ctx, f+`.buttons button[type="submit"]`)
	intakeID := pathID(t, ctx)
	certNo := strings.TrimSpace(eval[string](t, ctx, `document.querySelector('.page-head h1 .mono').innerText`))
	page := bodyText(t, ctx)
	for _, want := range []string{"医用防护口罩", "N95", "KN95", "仅登记，不开票", "可开票"} {
		if !strings.Contains(page, want) {
			t.Errorf("intake page lacks %q:\n%s", want, page)
		}
	}
	// Four-party sign-off: every role on every line, the medical-grade
	// check for the N95 line.
	signs := []struct{ line, role, person, counted string }{
		{"1", "unloading", "卸货·张师傅", ""}, {"1", "sorting", "分拣·李四", ""}, {"1", "medical_check", "质检·王医生", ""}, {"1", "counting", "清点·赵会计", "2000"},
		{"2", "unloading", "卸货·张师傅", ""}, {"2", "sorting", "分拣·李四", ""}, {"2", "counting", "清点·赵会计", "500"},
	}
	for _, s := range signs {
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#signoff-form select[name="line"]`), s.line),
			chromedp.SetValue(chromedp.CSS(`#signoff-form select[name="role"]`), s.role),
			chromedp.SendKeys(chromedp.CSS(`#signoff-form input[name="person"]`), s.person),
			chromedp.SendKeys(chromedp.CSS(`#signoff-form input[name="counted"]`), s.counted),
		)
		if err != nil {
			t.Fatalf("sign %v: %v", s, err)
		}
		submit(t, ctx, `#signoff-form button[type="submit"]`)
	}
	shot(t, ctx, "02-intake-signed")
	submit(t, ctx, `#settle-form button[type="submit"]`)
	shot(t, ctx, "03-intake-settled")
	if page := bodyText(t, ctx); !strings.Contains(page, "已入库") {
		t.Fatalf("intake not settled:\n%s", page)
	}
	cert := download(t, ctx, `a[href$="/certificate.pdf"]`)
	if text := pdfText(t, pdftotext, cert); !strings.Contains(text, goodsDonor) || !strings.Contains(text, "N95") {
		t.Errorf("in-kind certificate:\n%s", text)
	}

	// The cut-off list offers the designated masks, N95 and KN95 apart.
	navigate(t, ctx, base+"/goods/list")
	shot(t, ctx, "04-list")
	list := bodyText(t, ctx)
	for _, want := range []string{"定向", hospital, "KN95"} {
		if !strings.Contains(list, want) {
			t.Errorf("goods list lacks %q", want)
		}
	}
	listPDF := strings.Join(strings.Fields(pdfText(t, pdftotext, fetch(t, ctx, base+"/goods/list.pdf"))), "") // cells wrap
	if !strings.Contains(listPDF, hospital) || !strings.Contains(listPDF, "可供调拨和预到物资清单") {
		t.Errorf("list PDF:\n%s", listPDF)
	}
	logout(t, ctx)

	// The district branch registers the hospital and requests masks for
	// it, with the stamped letter attached.
	login(t, ctx, base, "xihu", "boai-demo-xihu")
	navigate(t, ctx, base+"/goods/requests/new")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.card > summary`)),
		chromedp.SendKeys(chromedp.CSS(`#recipient-form input[name="name"]`), hospital),
		chromedp.SetValue(chromedp.CSS(`#recipient-form select[name="class"]`), "treatment_hospital"),
		chromedp.SendKeys(chromedp.CSS(`#recipient-form input[name="address"]`), "杭州市西湖区云栖小镇"),
	)
	if err != nil {
		t.Fatal(err)
	}
	submit(t, ctx, `#recipient-form button[type="submit"]`)
	letter := filepath.Join(t.TempDir(), "申请函.pdf")
	if err := os.WriteFile(letter, []byte("%PDF-1.4 stamped letter"), 0o600); err != nil {
		t.Fatal(err)
	}
	recipient := eval[string](t, ctx, `[...document.querySelectorAll('#request-form select[name="recipient"] option')].find(o => o.text.startsWith('`+hospital+`')).value`)
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#request-form select[name="recipient"]`), recipient),
		chromedp.SetValue(chromedp.CSS(`#request-form select[name="urgency"]`), "critical"),
		chromedp.SendKeys(chromedp.CSS(`#request-form input[name="purpose"]`), "方舱医院开舱首日防护"),
		chromedp.SendKeys(chromedp.CSS(`#request-form input[name="address"]`), "杭州市西湖区云栖小镇"),
		chromedp.SendKeys(chromedp.CSS(`#request-form input[name="contact"]`), "院感科 王主任"),
		chromedp.SetUploadFiles(chromedp.CSS(`#request-form input[name="files"]`), []string{letter}),
	)
	if err != nil {
		t.Fatal(err)
	}
	pickItem(t, ctx, `#request-form input[list="items-0"]`, "N95", "MASK-N95")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#request-form .line-card:nth-child(1) input[name="qty"]`), "1500")); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "05-request-form")
	submit(t, ctx, `#request-form .buttons button[type="submit"]`)
	shot(t, ctx, "06-request")
	requestID := pathID(t, ctx)
	if page := bodyText(t, ctx); !strings.Contains(page, "申请函.pdf") || !strings.Contains(page, hospital) {
		t.Errorf("request page:\n%s", page)
	}
	logout(t, ctx)

	// The task force submits the proposal for it: the designated masks.
	login(t, ctx, base, "clerk", "boai-demo-clerk")
	navigate(t, ctx, base+"/goods/proposal")
	section := `#proposal-` + requestID
	prop := eval[string](t, ctx, `document.querySelector('`+section+`').innerText`)
	if !strings.Contains(prop, "N95") || !strings.Contains(prop, "定向") {
		t.Errorf("proposal for the request:\n%s", prop)
	}
	if q := value(t, ctx, section+` input[name="qty"]`); q != "1500" {
		t.Errorf("proposed %s of the 1,500 asked (2,000 designated in stock)", q)
	}
	shot(t, ctx, "07-proposal")
	submit(t, ctx, section+` button[type="submit"]`)
	allocURL := strings.SplitN(location(t, ctx), "?", 2)[0]
	// The robot's job runs every 10 s; run it now.
	if _, _, err := notify.Deliver(t.Context(), db, http.DefaultClient, time.Now()); err != nil {
		t.Fatal(err)
	}
	if msgs := robot.markdown(); len(msgs) == 0 || !strings.Contains(strings.Join(msgs, "\n"), hospital) {
		t.Errorf("WeCom robot got %v, want a markdown message naming %s", msgs, hospital)
	}
	submit(t, ctx, `#decide-form button[value="approve"]`) // the task-force step
	logout(t, ctx)

	// The leadership approves on a phone, with one tap.
	phone, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(phone, chromedp.Emulate(device.IPhoneX)); err != nil {
		t.Fatal(err)
	}
	login(t, phone, base, "approver", "boai-demo-approver")
	navigate(t, phone, allocURL)
	if w := eval[float64](t, phone, `document.querySelector('#decide-form button[value="approve"]').getBoundingClientRect().width`); w < 80 {
		t.Errorf("approve button is %.0f px wide on a phone", w)
	}
	if eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Errorf("the approval page scrolls sideways on a phone")
	}
	shot(t, phone, "08-approve-phone")
	submit(t, phone, `#decide-form button[value="approve"]`)
	if page := bodyText(t, phone); !strings.Contains(page, "已批准待出库") || !strings.Contains(page, "盖章申请函") {
		t.Fatalf("after approval:\n%s", page)
	}

	// The warehouse dispatches through the distribution centre.
	login(t, ctx, base, "warehouse", "boai-demo-warehouse")
	navigate(t, ctx, allocURL)
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#dispatch-form select[name="mode"]`), "relay"),
		chromedp.SendKeys(chromedp.CSS(`#dispatch-form input[name="route"]`), "备灾中心—分发中心—云栖"),
		chromedp.SendKeys(chromedp.CSS(`#dispatch-form input[name="vehicle"]`), "浙A·D2020"),
		chromedp.SendKeys(chromedp.CSS(`#dispatch-form input[name="driver"]`), "陈师傅"),
	)
	if err != nil {
		t.Fatal(err)
	}
	submit(t, ctx, `#dispatch-form button[type="submit"]`)
	shot(t, ctx, "09-dispatched")
	link := signLinkRE.FindString(eval[string](t, ctx, `document.querySelector('#sign-links').innerHTML`))
	if link == "" {
		t.Fatalf("no sign-off link after dispatch:\n%s", bodyText(t, ctx))
	}
	// The note travels with the goods: its QR code is the link shown.
	note := fetchPOST(t, ctx, base+eval[string](t, ctx, `document.querySelector('#sign-links form').getAttribute('action')`),
		"t="+strings.TrimPrefix(link, "/sign/"))
	if text := strings.Join(strings.Fields(pdfText(t, pdftotext, note)), ""); !strings.Contains(text, hospital) || !strings.Contains(text, "N95") {
		t.Errorf("dispatch note:\n%s", text)
	}
	if got := pdfQR(t, note); got != base+link {
		t.Errorf("dispatch note QR = %q, want %q", got, base+link)
	}

	// The hospital signs on a phone: 1,480 arrived, 20 crushed.
	recv, cancel2 := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel2()
	if err := chromedp.Do(recv, chromedp.Emulate(device.IPhoneX)); err != nil {
		t.Fatal(err)
	}
	navigate(t, recv, base+link)
	err = chromedp.Do(recv,
		chromedp.SetValue(chromedp.CSS(`input[name^="received_"]`), "1480"),
		chromedp.SendKeys(chromedp.CSS(`input[name^="reason_"]`), "两箱外包装压损"),
		chromedp.SendKeys(chromedp.CSS(`input[name="signer"]`), "王主任"),
	)
	if err != nil {
		t.Fatal(err)
	}
	submit(t, recv, `form button[type="submit"]`)
	if page := bodyText(t, recv); !strings.Contains(page, "王主任") {
		t.Fatalf("after signing:\n%s", page)
	}

	// The donor's certificate QR leads anyone to where the goods went.
	navigate(t, recv, base+"/verify/"+certNo)
	public := bodyText(t, recv)
	for _, want := range []string{"证书真实有效", goodsDonor, "N95", hospital, "签收"} {
		if !strings.Contains(public, want) {
			t.Errorf("public page of the in-kind certificate lacks %q:\n%s", want, public)
		}
	}
	if strings.Contains(public, "王主任") {
		t.Errorf("the public page names the person who signed")
	}

	// The dispatch traces every unit to this morning's donation line.
	navigate(t, ctx, base+"/goods/dispatches")
	navigate(t, ctx, base+attr(t, ctx, `table.list a[href^="/goods/dispatches/"]`, "href"))
	shot(t, ctx, "10-dispatch-trace")
	trace := bodyText(t, ctx)
	for _, want := range []string{"已签收", "1480", "两箱外包装压损", goodsDonor, "第 1 行"} {
		if !strings.Contains(trace, want) {
			t.Errorf("dispatch trace lacks %q:\n%s", want, trace)
		}
	}
	if href := attr(t, ctx, `a[href^="/goods/intake/"]`, "href"); href != "/goods/intake/"+intakeID {
		t.Errorf("trace links to %s, want the intake %s", href, intakeID)
	}

	// 日进日清: today's received grew by the 2,500 taken in, and the 1,500
	// sent out the same day count.
	sent1, received1 := sameDay(t, ctx, base)
	shot(t, ctx, "11-dashboard")
	if received1-received0 != 2500 || sent1-sent0 != 1500 {
		t.Errorf("日进日清 moved from %d/%d to %d/%d, want +1500 sent of +2500 received", sent0, received0, sent1, received1)
	}
}

// fetchPOST posts a form from Go with the browser's cookies and the
// browser's origin, as a form in the page would.
func fetchPOST(t *testing.T, ctx context.Context, url, body string) []byte {
	t.Helper()
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	return b
}

// pdfQR renders a PDF's first page and reads its QR code.
func pdfQR(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	tool := need(t, "pdftoppm")
	if out, err := exec.Command(tool, "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	return decodeQR(t, png)
}

// shot saves a full-page screenshot when BOAI_SCREENSHOTS names a
// directory: how the pages look, for people to check.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BOAI_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
