package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/i18n"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/supervision"
	"boai/internal/web"
)

// Supervisors and admins see the alerts, filtered by kind, state and
// period; only an admin acknowledges, with a note, and the trail shows it.
func TestSupervisionPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 10, web.Config{})
		for _, a := range []struct {
			kind    supervision.Kind
			subject string
			msg     string
		}{
			{supervision.ApprovalLate, "allocation:9001", "调拨方案 #9001 已等待审批 25 分钟"},
			{supervision.LogMismatch, "entry:9002", "公开日志第 9002 条与数据库不符"},
			{supervision.DisclosureLate, "day:2026-11-29", "11 月 29 日公示逾期"},
		} {
			if _, err := db.RaiseAlert(ctx, a.kind, a.subject, a.msg, supervision.Warning); err != nil {
				t.Fatal(err)
			}
		}
		list, _, err := db.Alerts(ctx, supervision.Filter{Kind: supervision.LogMismatch})
		if err != nil || len(list) != 1 {
			t.Fatalf("goods alerts %v %v", list, err)
		}
		logAlert := list[0].ID

		sup, admin := s.as(auth.Supervisor), s.as(auth.Admin)
		r := sup.get("/supervision")
		if r.Status != http.StatusOK {
			t.Fatalf("supervisor GET /supervision: %v", r)
		}
		for _, want := range []string{"调拨方案 #9001", "公开日志第 9002 条与数据库不符", "11 月 29 日公示逾期", "审计资料包"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("supervision page lacks %q", want)
			}
		}
		if strings.Contains(r.Body, "/ack") {
			t.Error("the supervisor's page offers to acknowledge")
		}
		if r := sup.get("/supervision?kind=log_mismatch"); !strings.Contains(r.Body, "第 9002 条") || strings.Contains(r.Body, "#9001") {
			t.Errorf("kind filter: log alert shown %v, approval alert hidden %v", strings.Contains(r.Body, "第 9002 条"), !strings.Contains(r.Body, "#9001"))
		}
		for _, q := range []string{"?kind=nonsense", "?state=closed", "?from=yesterday", "?from=2026-12-02&to=2026-12-01"} {
			if r := sup.get("/supervision" + q); r.Status != http.StatusBadRequest {
				t.Errorf("GET /supervision%s: %v, want 400", q, r)
			}
		}
		if r := admin.get("/supervision"); !strings.Contains(r.Body, "/supervision/alerts/"+strconv.FormatInt(logAlert, 10)+"/ack") {
			t.Error("the admin's page does not offer to acknowledge")
		}

		ack := "/supervision/alerts/" + strconv.FormatInt(logAlert, 10) + "/ack"
		if r := admin.postForm(ack, url.Values{"note": {"  "}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "处理说明") {
			t.Errorf("ack without a note: %v", r)
		}
		if r := admin.postForm("/supervision/alerts/999999/ack", url.Values{"note": {"x"}}); r.Status != http.StatusNotFound {
			t.Errorf("ack of no alert: %v", r)
		}
		r = admin.postForm(ack, url.Values{"note": {"已调度出库"}, "back": {"/supervision?kind=log_mismatch"}})
		if r.Status != http.StatusSeeOther || r.location() != "/supervision?kind=log_mismatch&flash=alert_acked" {
			t.Fatalf("ack: %v (Location %q)", r, r.location())
		}
		if r := admin.postForm(ack, url.Values{"note": {"again"}}); r.Status != http.StatusConflict {
			t.Errorf("second ack: %v, want 409", r)
		}
		r = sup.get("/supervision?state=acked")
		if !strings.Contains(r.Body, "已调度出库") || strings.Contains(r.Body, "#9001") {
			t.Errorf("acknowledged alerts: note shown %v, open one hidden %v", strings.Contains(r.Body, "已调度出库"), !strings.Contains(r.Body, "#9001"))
		}

		// The trail names the acknowledgement; supervisors filter it by
		// action and export it.
		r = sup.get("/audit?action=alert.ack")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "确认预警") || !strings.Contains(r.Body, "已调度出库") {
			t.Errorf("audit filtered by action: %v", r.Status)
		}
		for _, q := range []string{"?entity_id=x", "?from=2026-13-01", "?from=2026-12-02&to=2026-12-01"} {
			if r := sup.get("/audit" + q); r.Status != http.StatusBadRequest {
				t.Errorf("GET /audit%s: %v, want 400", q, r)
			}
		}
		rows := xlsxRows(t, sup.get("/audit.xlsx?action=alert.ack"))
		if len(rows) != 2 || rows[1][7] != "alert.ack" || rows[1][2] != "admin" || !strings.Contains(rows[1][11], "已调度出库") {
			t.Errorf("audit export of the ack: %v", rows)
		}
		_, total, err := db.AuditEntries(ctx, audit.Filter{Username: "clerk"})
		if err != nil {
			t.Fatal(err)
		}
		if rows := xlsxRows(t, sup.get("/audit.xlsx?user=clerk")); len(rows)-1 != total {
			t.Errorf("audit export for clerk: %d rows, the trail has %d", len(rows)-1, total)
		}
		_, open, err := db.Alerts(ctx, supervision.Filter{State: "open"})
		if err != nil {
			t.Fatal(err)
		}
		rows = xlsxRows(t, sup.get("/supervision/alerts.xlsx?state=open"))
		if len(rows)-1 != open || open < 2 {
			t.Errorf("open alerts export: %d rows, want %d", len(rows)-1, open)
		}
		for _, row := range rows[1:] {
			if row[6] != "未处理" {
				t.Errorf("open alerts export has %v", row)
			}
		}
	})
}

func xlsxRows(t *testing.T, r *reply) [][]string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("export: %v", r)
	}
	return xlsxOf(t, []byte(r.Body))
}

func xlsxOf(t *testing.T, b []byte) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The audit package of a period opens, holds a README and one
// spreadsheet per kind of record with exactly the period's rows, and
// carries the files PackageExtra adds.
func TestAuditPackage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := web.Config{PackageExtra: func(ctx context.Context, from, to time.Time, add func(string, []byte) error) error {
			return add("log/checkpoint.txt", []byte("boai.example/log\n42\n"+from.Format("2006-01-02")+"\n"))
		}}
		s := newSociety(t, db, 40, cfg)
		if _, err := db.RaiseAlert(ctx, supervision.LogMismatch, "entry:1", "第 1 条与数据库不符", supervision.Critical); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ScanAlerts(ctx, time.Now(), supervision.DefaultRules); err != nil {
			t.Fatal(err)
		}
		loc := time.FixedZone("CST", 8*3600)
		now := time.Now().In(loc)
		fromDay, toDay := now.AddDate(0, 0, -20).Format("2006-01-02"), now.Format("2006-01-02")
		from, _ := time.ParseInLocation("2006-01-02", fromDay, loc)
		to, _ := time.ParseInLocation("2006-01-02", toDay, loc)
		to = to.AddDate(0, 0, 1)

		for _, q := range []string{"", "?from=" + fromDay, "?from=" + toDay + "&to=" + fromDay, "?from=20261101&to=" + toDay} {
			if r := s.as(auth.Supervisor).get("/supervision/package" + q); r.Status != http.StatusBadRequest {
				t.Errorf("package%s: %v, want 400", q, r)
			}
		}
		r := s.as(auth.Supervisor).get("/supervision/package?from=" + fromDay + "&to=" + toDay)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "boai-audit-"+fromDay) {
			t.Fatalf("package: %v", r)
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatalf("the package is not a ZIP: %v", err)
		}
		files := map[string][]byte{}
		for _, f := range z.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		readme := string(files["README.txt"])
		for name := range files {
			if name != "README.txt" && !strings.Contains(readme, name) {
				t.Errorf("README does not describe %s", name)
			}
		}
		if !strings.Contains(readme, "log/checkpoint.txt") || string(files["log/checkpoint.txt"]) != "boai.example/log\n42\n"+fromDay+"\n" {
			t.Errorf("the extra file: %q, README %q", files["log/checkpoint.txt"], readme)
		}

		count := func(name string) int {
			t.Helper()
			b, ok := files[name]
			if !ok {
				t.Fatalf("the package has no %s", name)
			}
			n := len(xlsxOf(t, b)) - 1
			if !strings.Contains(readme, name+"（"+strconv.Itoa(n)+" 行") {
				t.Errorf("README's row count for %s is not %d", name, n)
			}
			return n
		}
		_, donations, _, err := db.Donations(ctx, store.DonationFilter{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if got := count("donations.xlsx"); got != donations || donations == 0 {
			t.Errorf("donations.xlsx: %d rows, the period has %d", got, donations)
		}
		_, entries, err := db.AuditEntries(ctx, audit.Filter{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if got := count("audit.xlsx"); got != entries || entries == 0 {
			t.Errorf("audit.xlsx: %d rows, the trail of the period has %d", got, entries)
		}
		_, alerts, err := db.Alerts(ctx, supervision.Filter{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if got := count("alerts.xlsx"); got != alerts || alerts == 0 {
			t.Errorf("alerts.xlsx: %d rows, the period has %d", got, alerts)
		}
		var transfers, expenditures, draws int
		if err := db.EachTransfer(ctx, from, to, func(store.Transfer) error { transfers++; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := db.EachExpenditure(ctx, from, to, func(e *store.ExpenditureView) error { expenditures++; draws += len(e.Draws); return nil }); err != nil {
			t.Fatal(err)
		}
		if got := count("ledger.xlsx"); got != transfers || transfers < donations {
			t.Errorf("ledger.xlsx: %d rows, the book has %d transfers in the period (%d donations)", got, transfers, donations)
		}
		if got := count("expenditures.xlsx"); got != expenditures {
			t.Errorf("expenditures.xlsx: %d rows, want %d", got, expenditures)
		}
		if got := count("expenditure_draws.xlsx"); got != draws {
			t.Errorf("expenditure_draws.xlsx: %d rows, want %d", got, draws)
		}
		var inkindLines, allocs, dispatchLines int
		inkinds, err := db.ListInKind(ctx, "", 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range inkinds {
			d, err := db.InKind(ctx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !d.ReceivedAt.Before(from) && d.ReceivedAt.Before(to) {
				inkindLines += len(d.Lines)
			}
		}
		list, err := db.ListAllocations(ctx, "", 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if !a.SubmittedAt.Before(from) && a.SubmittedAt.Before(to) {
				allocs++
			}
		}
		ds, err := db.ListDispatches(ctx, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, sum := range ds {
			d, err := db.DispatchDetail(ctx, sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !d.CreatedAt.Before(from) && d.CreatedAt.Before(to) {
				dispatchLines += len(d.Lines)
			}
		}
		reg, err := db.ReceiptsRegister(ctx, store.ReceiptFilter{From: from, To: to, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]int{"inkind.xlsx": inkindLines, "allocations.xlsx": allocs, "dispatches.xlsx": dispatchLines,
			"receipts.xlsx": len(reg.Receipts)} {
			if got := count(name); got != want || want == 0 {
				t.Errorf("%s: %d rows, the period has %d", name, got, want)
			}
		}
		count("requests.xlsx")
		// A period before anything happened holds headers only.
		r = s.as(auth.Admin).get("/supervision/package?from=2000-01-01&to=2000-01-31")
		z, err = zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range z.File {
			if !strings.HasSuffix(f.Name, ".xlsx") {
				continue
			}
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if rows := xlsxOf(t, b); len(rows) > 1 {
				t.Errorf("%s of January 2000: %d rows", f.Name, len(rows)-1)
			}
		}
	})
}

// An extra file with a name that could escape the package, or that is
// already there, breaks the download off instead of ending it as a ZIP
// that looks whole.
func TestAuditPackageRefusesBadExtras(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"../etc/passwd", "/abs.txt", "audit.xlsx", "README.txt"} {
		db := storetest.OpenSQLite(t)
		cfg := web.Config{PackageExtra: func(ctx context.Context, from, to time.Time, add func(string, []byte) error) error {
			return add(name, []byte("x"))
		}}
		s := newSociety(t, db, 0, cfg)
		res, err := s.as(auth.Supervisor).send(http.MethodGet, "/supervision/package?from=2026-01-01&to=2026-01-31", "", nil)
		if err == nil {
			if _, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body))); err == nil {
				t.Errorf("extra %q: the package came out whole", name)
			}
		}
	}
}

// Every action and kind of record the store writes to the audit trail
// has a name in both languages, so the trail's filter lists it and its
// rows read as words.
func TestAuditActionsNamed(t *testing.T) {
	files, err := filepath.Glob("../store/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v %v", files, err)
	}
	re := regexp.MustCompile(`\.audit\(ctx, [A-Za-z.]+, "([a-z_.]+)", "([a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			n++
			for _, key := range []string{"action." + m[1], "entity." + m[2]} {
				for _, lang := range []string{"zh", "en"} {
					if _, ok := i18n.Keys(lang)[key]; !ok {
						t.Errorf("%s: %s has no %s name", filepath.Base(f), key, lang)
					}
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("found %d audit calls: the pattern no longer matches the store's code", n)
	}
}

// A month of 100,000 donations goes into the audit package without the
// package, or its donations, being held in memory: the heap stays far
// below the size of what is written. It takes up to a minute, so it runs
// in CI and, locally, when BOAI_TEST_LARGE is set.
func TestAuditPackageLarge(t *testing.T) {
	if os.Getenv("BOAI_TEST_LARGE") == "" && os.Getenv("CI") == "" {
		t.Skip("set BOAI_TEST_LARGE=1 to package 100,000 donations (CI always does)")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{})
		const n = 100_000
		imp := &store.Import{Filename: "month.csv", Mapping: "{}", BranchID: s.city.ID, Designation: `{"kind":"undesignated"}`, Content: []byte("month")}
		if err := db.CreateImport(ctx, audit.System, imp); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
		for i := 0; i < n; i += 20_000 {
			var ds []*donation.Donation
			for j := i; j < i+20_000; j++ {
				ds = append(ds, &donation.Donation{Donor: donation.Donor{Kind: donation.Person, Name: "捐赠人" + strconv.Itoa(j)},
					AmountFen: money.Fen(1000 + j%100_000), Channel: donation.Bank, ReceivedAt: at.Add(-time.Duration(j) * time.Second),
					BranchID: s.city.ID, ExternalRef: "MONTH-" + strconv.Itoa(j), Source: donation.SourceImport})
			}
			if _, _, _, err := db.CommitImport(ctx, audit.System, imp.ID, ds, len(ds), nil); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		var peak uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		day := func(t time.Time) string { return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") }
		req, _ := http.NewRequest(http.MethodGet, s.url+"/supervision/package?from="+day(at.Add(-n*time.Second))+"&to="+day(at), nil)
		req.AddCookie(&http.Cookie{Name: "boai_session", Value: s.sessions[auth.Supervisor]})
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(t.TempDir(), "pkg.zip"))
		if err != nil {
			t.Fatal(err)
		}
		size, err := io.Copy(f, resp.Body)
		resp.Body.Close()
		close(stop)
		<-done
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("package: %d %v", resp.StatusCode, err)
		}
		t.Logf("%d donations: package of %.1f MB in %v, peak heap in use %.0f MB", n, float64(size)/1e6, time.Since(start).Round(time.Millisecond), float64(peak)/1e6)
		zr, err := zip.OpenReader(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, zf := range zr.File {
			if zf.Name == "README.txt" {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				if !strings.Contains(string(b), "donations.xlsx（"+strconv.Itoa(n)+" 行") {
					t.Errorf("README: %s", b)
				}
			}
		}
		if peak > 400<<20 {
			t.Errorf("peak heap %d MB while packaging: the package is held in memory", peak>>20)
		}
	})
}
