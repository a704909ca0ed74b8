// Package e2e drives boai through a real browser: headless Chromium,
// controlled with chromedp, against the whole server started in-process on
// a fresh SQLite database. It checks what a clerk, a supervisor and a donor
// holding a certificate actually see.
//
// The tests need Chromium and pdftotext (poppler-utils). Without them they
// skip, except when CI is set, where a missing tool fails the run.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "time/tzdata" // Asia/Shanghai where the system has no zone files

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"boai/internal/demo"
	"boai/internal/publish"
	"boai/internal/store"
	"boai/internal/tlog"
	"boai/internal/web"
)

// testTimeout bounds each test: browser start, every page and download.
const testTimeout = 3 * time.Minute

// The donation the clerk records through the form.
const (
	donorName   = "张小明"
	donorMasked = "张*明"
	donorPhone  = "13812345678"
	amountText  = "1,000.00"
	amountShown = "¥1,000.00"
	amountWords = "壹仟元整"
	institution = "浙江大学医学院附属第一医院"
)

// TestClerkRecordsDonationDonorVerifiesCertificate follows one gift from
// the clerk's form to the donor's phone: log in, record, download the
// certificate, read its QR code, open the verification page it points to.
func TestClerkRecordsDonationDonorVerifiesCertificate(t *testing.T) {
	chrome, pdftotext := need(t, "chromium"), need(t, "pdftotext")
	base := startServer(t)
	ctx := newBrowser(t, chrome)

	login(t, ctx, base, "clerk", "boai-demo-clerk")
	id, certNo := recordDonation(t, ctx, base)

	page := bodyText(t, ctx)
	for _, want := range []string{donorName, donorPhone, amountShown, amountWords, institution} {
		if !strings.Contains(page, want) {
			t.Errorf("donation page lacks %q:\n%s", want, page)
		}
	}
	verifyHref := attr(t, ctx, `a[href^="/verify/"]`, "href")
	if want := "/verify/" + certNo; verifyHref != want {
		t.Errorf("verify link = %q, want %q", verifyHref, want)
	}

	// The PDF, downloaded by the browser as the clerk would.
	pdf := download(t, ctx, `a[href$="/certificate.pdf"]`)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("certificate.pdf is not a PDF: % x", pdf[:min(len(pdf), 16)])
	}
	text := pdfText(t, pdftotext, pdf)
	for _, want := range []string{donorName, amountWords, certNo} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate PDF text lacks %q:\n%s", want, text)
		}
	}

	// The PNG, fetched with the browser's session cookie; its QR code
	// must point at this donation's verification page.
	img := fetch(t, ctx, base+fmt.Sprintf("/api/v1/donations/%d/certificate.png", id))
	verifyURL := decodeQR(t, img)
	if want := base + "/verify/" + certNo; verifyURL != want {
		t.Fatalf("QR code = %q, want %q", verifyURL, want)
	}
	// The URL printed under the QR code is the same (it may wrap).
	if squeezed := strings.Join(strings.Fields(text), ""); !strings.Contains(squeezed, verifyURL) {
		t.Errorf("certificate PDF does not print %s:\n%s", verifyURL, text)
	}

	// The donor scans the code: an anonymous phone, no staff session.
	phone, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(phone, chromedp.Emulate(device.IPhoneX), chromedp.Navigate(verifyURL)); err != nil {
		t.Fatalf("open %s on a phone: %v", verifyURL, err)
	}
	if w := eval[int](t, phone, `window.innerWidth`); w != 375 {
		t.Errorf("phone viewport is %d px wide, want 375", w)
	}
	public := bodyText(t, phone)
	for _, want := range []string{"证书真实有效", certNo, donorMasked, amountShown, amountWords, "定向·受赠机构·" + institution} {
		if !strings.Contains(public, want) {
			t.Errorf("verification page lacks %q:\n%s", want, public)
		}
	}
	for _, secret := range []string{donorName, donorPhone, donorPhone[len(donorPhone)-4:]} {
		if strings.Contains(public, secret) {
			t.Errorf("verification page shows private %q:\n%s", secret, public)
		}
	}
	if over := eval[int](t, phone, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("verification page is %d px wider than the phone", over)
	}

	// The tracing page (捐赠去向): once the log's writer has caught up, the
	// donation's step names its log entry, and its proof checks out
	// against the log's published key.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if err := chromedp.Do(phone, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		if public = bodyText(t, phone); strings.Contains(public, "日志 #") || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range []string{"捐赠去向", "收到捐赠", "日志 #"} {
		if !strings.Contains(public, want) {
			t.Errorf("tracing page lacks %q:\n%s", want, public)
		}
	}
	key := fetch(t, phone, base+"/log/key")
	bundle := fetch(t, phone, base+"/verify/"+certNo+"/proof")
	entry, index, err := tlog.VerifyBundle(bundle, strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatalf("the certificate's proof: %v", err)
	}
	if !strings.Contains(string(entry), `"cert":"`+certNo+`"`) || strings.Contains(string(entry), donorName) {
		t.Errorf("log entry %d: %s", index, entry)
	}
	if href := attr(t, phone, `a.entry`, "href"); href != fmt.Sprintf("/proofs/%d", index) {
		t.Errorf("the received step links %q, want /proofs/%d", href, index)
	}
}

// TestSupervisorSeesAuditTrailInEnglish checks the watchdog's view: the
// clerk's entry is in the audit trail, nothing offers to record money,
// and the English dashboard has no untranslated message keys.
func TestSupervisorSeesAuditTrailInEnglish(t *testing.T) {
	chrome := need(t, "chromium")
	base := startServer(t)
	ctx := newBrowser(t, chrome)

	login(t, ctx, base, "clerk", "boai-demo-clerk")
	id, certNo := recordDonation(t, ctx, base)
	logout(t, ctx)

	login(t, ctx, base, "supervisor", "boai-demo-supervisor")
	chart, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := chromedp.Do(chart, chromedp.WaitVisible(chromedp.CSS(`#trend canvas`))); err != nil {
		t.Errorf("dashboard trend chart did not render (no canvas in #trend): %v", err)
	}
	noNewDonationLink(t, ctx, "/dashboard")

	navigate(t, ctx, base+"/audit")
	noNewDonationLink(t, ctx, "/audit")
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll('table.list tbody tr')].map(r => r.innerText)`)
	want := regexp.MustCompile(`(?s)^[^\n]*\bclerk\b.*登记捐赠.*捐赠 #` + fmt.Sprint(id) + `\b`)
	found := false
	for _, r := range rows {
		if want.MatchString(r) {
			found = true
			if !strings.Contains(r, certNo) {
				t.Errorf("audit entry for donation #%d lacks certificate %s: %q", id, certNo, r)
			}
		}
	}
	if !found {
		t.Errorf("audit trail has no entry of clerk recording donation #%d; first rows:\n%s", id, strings.Join(rows[:min(len(rows), 5)], "\n---\n"))
	}

	// Switch language with the link in the top bar, as a person would.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`header.top .lang a`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] main`))); err != nil {
		t.Fatalf("switch to English: %v", err)
	}
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/audit") {
		t.Errorf("after switching language the browser is at %s, want back on /audit", loc)
	}
	navigate(t, ctx, base+"/dashboard")
	text := bodyText(t, ctx)
	if !strings.Contains(text, "Dashboard") {
		t.Errorf("English dashboard lacks %q:\n%s", "Dashboard", text)
	}
	if keys := regexp.MustCompile(`\b[a-z_]+\.[a-z_.]+\b`).FindAllString(text, -1); len(keys) > 0 {
		t.Errorf("English dashboard shows untranslated keys %q:\n%s", keys, text)
	}
}

// need returns the path of a tool the test cannot run without. A missing
// tool skips the test, or fails it under CI.
func need(t *testing.T, tool string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e: browser tests skipped in -short mode")
	}
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	if p := "/usr/bin/" + tool; isExecutable(p) {
		return p
	}
	msg := fmt.Sprintf("e2e: %s not found on PATH or in /usr/bin; install it (Debian: apt-get install %s) to run the browser tests",
		tool, map[string]string{"chromium": "chromium", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}[tool])
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// startServer runs boai on a fresh SQLite file with the demo society, its
// accounts and 100 donations, and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	base, _ := startServerDB(t)
	return base
}

// startServerDB is startServer that also hands back the database.
func startServerDB(t *testing.T) (string, *store.DB) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "boai.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Seed(ctx, db, time.Now(), 100); err != nil {
		t.Fatalf("seed demo society: %v", err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}

	// The base URL goes into QR codes, so the listener comes first.
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The public log, written by its writer as boai serve runs it.
	skey, vkey, err := tlog.GenerateKey("e2e.boai.example/log")
	if err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(t.TempDir(), "log")
	srv, err := web.NewServer(db, web.Config{Society: "杭州市红十字会", BaseURL: base, Location: loc, LogDir: logDir, LogKey: vkey}, log, web.NewMetrics())
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	writerCtx, stopWriter := context.WithCancel(context.Background())
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		(&publish.Writer{DB: db, Dir: logDir, Key: skey, Log: log, Poll: 50 * time.Millisecond, Retry: 100 * time.Millisecond}).Run(writerCtx)
	}()
	t.Cleanup(func() { stopWriter(); <-writerDone })
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); srv.Wait() })
	return base, db
}

// newBrowser starts headless Chromium on a fresh profile and returns its
// first tab. The machine may have no network: nothing reaches out.
func newBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	profile := t.TempDir() // removed after the browser has quit (cleanups run last-in first-out)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	return ctx
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("open %s: HTTP %d\n%s", url, resp.Status, bodyText(t, ctx))
	}
}

// login signs in through the login form and expects the dashboard.
func login(t *testing.T, ctx context.Context, base, user, password string) {
	t.Helper()
	navigate(t, ctx, base+"/login")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
	)
	if err != nil {
		t.Fatalf("fill login form: %v", err)
	}
	submit(t, ctx, `form[action="/login"] button[type="submit"]`)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/dashboard") {
		t.Fatalf("%s logged in and landed on %s, want /dashboard:\n%s", user, loc, bodyText(t, ctx))
	}
}

func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	submit(t, ctx, `form[action="/logout"] button`)
}

// submit clicks a submit button and waits for the page it leads to,
// which must not be an error.
func submit(t *testing.T, ctx context.Context, button string) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("click %s: HTTP %d\n%s", button, resp.Status, bodyText(t, ctx))
	}
}

var donationPath = regexp.MustCompile(`/donations/(\d+)\?flash=created$`)

// recordDonation fills the new-donation form as the clerk would and
// returns the new donation's id and certificate number, leaving the
// browser on its detail page.
func recordDonation(t *testing.T, ctx context.Context, base string) (id int64, certNo string) {
	t.Helper()
	navigate(t, ctx, base+"/donations/new")
	f := `#donation-form `
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(f+`select[name="donor_kind"]`), "person"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="donor_name"]`), donorName),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="phone"]`), donorPhone),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="amount"]`), amountText),
		chromedp.SetValue(chromedp.CSS(f+`select[name="channel"]`), "bank"),
		chromedp.SetValue(chromedp.CSS(f+`select[name="designation_kind"]`), "institution"),
		chromedp.SendKeys(chromedp.CSS(f+`input[name="designation_target"]`), institution),
	)
	if err != nil {
		t.Fatalf("fill donation form: %v", err)
	}
	if got := value(t, ctx, f+`input[name="donor_name"]`); got != donorName {
		t.Fatalf("donor name field holds %q after typing %q", got, donorName)
	}
	submit(t, ctx, f+`button[type="submit"]`)

	loc := location(t, ctx)
	m := donationPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after recording, the browser is at %s, want /donations/{id}:\n%s", loc, bodyText(t, ctx))
	}
	fmt.Sscan(m[1], &id)
	certNo, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.page-head h1 .mono`)))
	if err != nil {
		t.Fatalf("certificate number: %v", err)
	}
	certNo = strings.TrimSpace(certNo)
	if !regexp.MustCompile(`^HZ\d{8}-[0-9A-Z]{4,}$`).MatchString(certNo) {
		t.Fatalf("certificate number %q is not of the form HZyyyymmdd-XXXX…", certNo)
	}
	return id, certNo
}

// download clicks a download link and returns the file the browser saved.
func download(t *testing.T, ctx context.Context, link string) []byte {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
	})
	if err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(wait, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(link))); err != nil {
		t.Fatalf("click %s: %v", link, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download from %s: %v", link, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("download from %s was canceled", link)
		case browser.DownloadProgressStateCompleted:
			path := ev.FilePath
			if path == "" {
				path = filepath.Join(dir, ev.GUID) // allowAndName names the file by its GUID
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read download: %v", err)
			}
			return b
		}
	}
	t.Fatalf("download from %s never completed", link)
	return nil
}

// fetch GETs url from Go with the browser's cookies, as the browser would.
func fetch(t *testing.T, ctx context.Context, url string) []byte {
	t.Helper()
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		t.Fatalf("browser cookies: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	return b
}

func pdfText(t *testing.T, pdftotext string, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// decodeQR reads the QR code on a certificate image.
func decodeQR(t *testing.T, pngData []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("certificate.png: %v", err)
	}
	// A certificate has two codes, verification at the left, the log
	// proof beside it: the left quarter is read first, then the whole page
	// (a dispatch note's code stands elsewhere).
	b := img.Bounds()
	left := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Min.X, b.Min.Y, b.Min.X+b.Dx()/4, b.Max.Y))
	var res *gozxing.Result
	for _, part := range []image.Image{left, img} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(part)
		if err != nil {
			t.Fatalf("certificate.png: %v", err)
		}
		if res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}); err == nil {
			break
		}
	}
	if res == nil {
		t.Fatal("no QR code found on certificate.png")
	}
	return res.GetText()
}

// noNewDonationLink checks that nothing on the page offers to record a
// donation.
func noNewDonationLink(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	links := eval[[]string](t, ctx, `[...document.querySelectorAll('a')]
		.filter(a => a.getAttribute('href') === '/donations/new' || a.innerText.trim() === '登记捐款')
		.map(a => a.outerHTML)`)
	if len(links) > 0 {
		t.Errorf("%s offers the supervisor to record a donation: %v", page, links)
	}
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.body.innerText`)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	return loc
}

func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !a.Exists {
		t.Fatalf("attribute %s of %s: missing (%v)", name, sel, err)
	}
	return a.Value
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}
