package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"boai/internal/auth"
	"boai/internal/goodsimport"
	"boai/internal/i18n"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// goodsRegister is an in-kind register: an N95 line and a KN95 line of
// one donation, and a line of another donor naming an item the catalogue
// does not have.
func goodsRegister() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll([][]string{
		{"杭州市红十字会物资捐赠登记表"},
		{"捐赠方", "物资名称", "规格", "数量", "批号", "有效期", "定向", "接收日期"},
		{"杭州某某医疗器械有限公司", "N95 医用防护口罩", "GB 19083-2010", "2000", "N-1", "2029-02-28", "机构:浙江大学医学院附属第一医院", "2026-05-06"},
		{"杭州某某医疗器械有限公司", "KN95 防护口罩", "GB 2626-2019（非医用）", "500", "K-1", "2029-03-31", "机构:浙江大学医学院附属第一医院", "2026-05-06"},
		{"某某集团", "N95", "", "100", "", "", "", "2026-05-06"},
	})
	return b.Bytes()
}

var (
	verdictRE = regexp.MustCompile(`<tr data-verdict="([a-z]+)">`)
	hiddenRE  = regexp.MustCompile(`<input type="hidden" name="([a-z0-9_]+)" value="([^"]*)">`)
)

// goodsPreview posts a register for preview as c.
func goodsPreview(t *testing.T, c *client, kind string, branch int64, content []byte) *reply {
	t.Helper()
	ctype, body := multipartBody(t, map[string]string{"kind": kind, "branch": strconv.FormatInt(branch, 10)}, "register.csv", content)
	return c.do("POST", "/goods/import/preview", ctype, body)
}

// commitForm is the preview's commit form, as the browser would send it.
func commitForm(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, k := range []string{"kind", "branch", "filename", "sha256", "expect", "content"} {
		if _, ok := v[k]; !ok {
			t.Fatalf("the preview's commit form has no %s", k)
		}
	}
	return v
}

func intakes(t *testing.T, db *store.DB) []store.InKindSummary {
	t.Helper()
	l, err := db.ListInKind(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestGoodsImportThroughTheWeb(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{})
		wh := s.as(auth.Warehouse)

		r := wh.get("/goods/import")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "/goods/import/template.xlsx?kind=inkind") {
			t.Fatalf("import page: %v", r)
		}
		if strings.Contains(r.Body, `value="requests"`) {
			t.Errorf("the warehouse keeper is offered request lists, which they may not import")
		}
		r = wh.get("/goods/import/template.xlsx?kind=inkind")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "inkind-template.xlsx") {
			t.Fatalf("template: %v", r.Status)
		}
		if _, err := goodsimport.ParseInKind([]byte(r.Body), goodsimport.NewCatalogue(nil), nil); err != nil {
			t.Errorf("the template does not read back: %v", err)
		}

		// The preview: every row with its verdict, nothing recorded yet.
		before := len(intakes(t, db))
		r = goodsPreview(t, wh, "inkind", s.city.ID, goodsRegister())
		if r.Status != http.StatusOK {
			t.Fatalf("preview: %v", r)
		}
		var verdicts []string
		for _, m := range verdictRE.FindAllStringSubmatch(r.Body, -1) {
			verdicts = append(verdicts, m[1])
		}
		if strings.Join(verdicts, ",") != "ok,ok,error" {
			t.Errorf("row verdicts %v, want ok, ok, error", verdicts)
		}
		body := html.UnescapeString(r.Body)
		for _, want := range []string{"物资目录中没有“N95”", "MASK-N95", "MASK-KN95", "100 箱 (2000 只)", "25 箱 (500 只)",
			i18n.T("zh", "goodsimport.commit.inkind", 1)} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		counts := map[string]string{}
		for _, m := range kpiRE.FindAllStringSubmatch(r.Body, -1) {
			counts[html.UnescapeString(m[1])] = m[2]
		}
		if counts[i18n.T("zh", "goodsimport.verdict.ok")] != "2" || counts[i18n.T("zh", "goodsimport.verdict.error")] != "1" ||
			counts[i18n.T("zh", "goodsimport.records.inkind")] != "1" {
			t.Errorf("preview counts %v", counts)
		}
		if n := len(intakes(t, db)); n != before {
			t.Fatalf("the preview recorded %d intakes", n-before)
		}

		// Commit: one intake, N95 and KN95 lines, awaiting sign-off.
		form := commitForm(t, r.Body)
		r = wh.postForm("/goods/import/commit", form)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, i18n.T("zh", "goodsimport.done.inkind", 1, 0)) {
			t.Fatalf("commit: %v", r)
		}
		after := intakes(t, db)
		if len(after) != before+1 {
			t.Fatalf("%d intakes after the commit, want %d", len(after), before+1)
		}
		d, err := db.InKind(ctx, after[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		n95, kn95 := mustItem(t, db, "MASK-N95"), mustItem(t, db, "MASK-KN95")
		if d.Status != "receiving" || d.BranchID != s.city.ID || len(d.Lines) != 2 || d.Lines[0].ItemID != n95 || d.Lines[1].ItemID != kn95 ||
			d.Lines[0].Declared != 2000 || d.Lines[1].Declared != 500 || d.Designation.Target != "浙江大学医学院附属第一医院" {
			t.Errorf("intake %+v", d)
		}

		// The same commit again (a second click) adds nothing.
		r = wh.postForm("/goods/import/commit", form)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, i18n.T("zh", "goodsimport.done.inkind", 0, 1)) {
			t.Errorf("repeated commit: %v", r)
		}
		if n := len(intakes(t, db)); n != before+1 {
			t.Errorf("%d intakes after committing again, want %d", n, before+1)
		}
		stale := url.Values{}
		for k, v := range form {
			stale[k] = v
		}
		stale.Set("expect", "2")
		if r := wh.postForm("/goods/import/commit", stale); r.Status != http.StatusConflict || !strings.Contains(flashError(r.Body), "预览后数据已变化") {
			t.Errorf("commit of another preview than the file gives: %v, want 409", r)
		}
		r = goodsPreview(t, wh, "inkind", s.city.ID, goodsRegister())
		if got := verdictRE.FindAllStringSubmatch(r.Body, -1); len(got) != 3 || got[0][1] != "imported" || got[1][1] != "imported" {
			t.Errorf("second preview verdicts %v", got)
		}
		if !strings.Contains(r.Body, "disabled") {
			t.Errorf("the second preview offers to commit nothing")
		}

		// Request lists are not the warehouse keeper's to import; a broken
		// file is sent back with the reason.
		if r := goodsPreview(t, wh, "requests", s.city.ID, goodsRegister()); r.Status != http.StatusForbidden {
			t.Errorf("warehouse keeper previews a request list: %v", r)
		}
		if r := goodsPreview(t, wh, "inkind", s.city.ID, []byte("a,b,c\n1,2,3\n")); r.Status != http.StatusBadRequest ||
			!strings.Contains(flashError(r.Body), "找不到表头行") {
			t.Errorf("file without a header: %v", r)
		}
		tampered := commitForm(t, goodsPreview(t, wh, "inkind", s.city.ID, goodsRegister()).Body)
		tampered.Set("sha256", strings.Repeat("0", 64))
		if r := wh.postForm("/goods/import/commit", tampered); r.Status != http.StatusBadRequest {
			t.Errorf("commit with a file that does not match its hash: %v", r)
		}
	})
}

// A clerk imports a request list against the registered recipients.
func TestGoodsImportRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		clerk := s.as(auth.Clerk)
		if r := clerk.postForm("/goods/recipients", url.Values{"name": {"杭州市西溪医院"}, "class": {"hospital"}}); r.Status >= 400 && r.Status != http.StatusConflict {
			t.Fatalf("recipient: %v", r)
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.WriteAll([][]string{
			{"申请单位", "物资编码", "数量", "用途", "紧急程度", "送货地址", "联系人"},
			{"杭州市西溪医院", "MASK-N95", "300", "病房", "紧急", "文一西路", "张护士"},
			{"杭州市西溪医院", "MASK-KN95", "5箱", "病房", "紧急", "文一西路", "张护士"},
			{"未登记医院", "MASK-N95", "300", "病房", "紧急", "某路", "某人"},
		})
		r := goodsPreview(t, clerk, "requests", 0, b.Bytes())
		if r.Status != http.StatusOK {
			t.Fatalf("preview: %v", r)
		}
		if got := verdictRE.FindAllStringSubmatch(r.Body, -1); len(got) != 3 || got[0][1] != "ok" || got[1][1] != "ok" || got[2][1] != "error" {
			t.Errorf("verdicts %v", got)
		}
		r = clerk.postForm("/goods/import/commit", commitForm(t, r.Body))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, i18n.T("zh", "goodsimport.done.requests", 1, 0)) {
			t.Fatalf("commit: %v", r)
		}
		// The newest request is the imported one (the demo has others).
		reqs, err := db.ListRequests(context.Background(), "", 10)
		if err != nil || len(reqs) == 0 || reqs[0].Purpose != "病房" {
			t.Fatalf("requests %v, %v", reqs, err)
		}
		q, err := db.Request(context.Background(), reqs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Lines) != 2 || q.Lines[0].ItemID != mustItem(t, db, "MASK-N95") || q.Lines[1].ItemID != mustItem(t, db, "MASK-KN95") ||
			q.Lines[1].Quantity != 100 || q.Urgency != "urgent" {
			t.Errorf("request %+v", q)
		}
	})
}

// goodsImportWrites are valid bodies for the import's write routes, for
// TestSupervisorCannotWrite.
func goodsImportWrites(t *testing.T, branch int64) map[string]struct {
	ctype string
	body  []byte
} {
	ctype, body := multipartBody(t, map[string]string{"kind": "inkind", "branch": strconv.FormatInt(branch, 10)}, "register.csv", goodsRegister())
	sum := sha256.Sum256(goodsRegister())
	commit := url.Values{"kind": {"inkind"}, "branch": {strconv.FormatInt(branch, 10)}, "filename": {"register.csv"}, "expect": {"1"},
		"sha256": {hex.EncodeToString(sum[:])}, "content": {base64.RawURLEncoding.EncodeToString(goodsRegister())}}
	return map[string]struct {
		ctype string
		body  []byte
	}{
		"POST /goods/import/preview": {ctype, body},
		"POST /goods/import/commit":  {formType, []byte(commit.Encode())},
	}
}
