package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"boai/internal/auth"
	"boai/internal/disclosure"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// disclosureIDs are the demo's latest published day and its published
// correction, which the route table's {date}, {day} and {id} take.
type disclosureIDs struct {
	date       string
	correction int64
}

func newDisclosureIDs(t *testing.T, db *store.DB) disclosureIDs {
	t.Helper()
	ctx := context.Background()
	days, err := db.PublishedDisclosures(ctx, 100)
	if err != nil || len(days) == 0 {
		t.Fatalf("the demo has no published disclosure: %v", err)
	}
	cs, err := db.DisclosureCorrections(ctx, "", true, 10)
	if err != nil || len(cs) == 0 {
		t.Fatalf("the demo has no published correction: %v", err)
	}
	return disclosureIDs{date: days[0].Date, correction: cs[0].ID}
}

// disclosureWrites are valid bodies for the disclosure's write routes.
func disclosureWrites(d disclosureIDs) map[string]string {
	return map[string]string{
		"POST /disclosures":                          "date=" + d.date,
		"POST /disclosures/{date}/check":             "",
		"POST /disclosures/{date}/publish":           "",
		"POST /disclosures/{date}/corrections":       url.Values{"section": {"totals"}, "line": {"0"}, "corrected": {"越权更正"}, "reason": {"越权"}}.Encode(),
		"POST /disclosures/corrections/{id}/check":   "",
		"POST /disclosures/corrections/{id}/publish": "",
	}
}

// TestDisclosureWorkflow walks a day from the demo's draft to the public:
// the maker cannot check, a role without the right cannot publish, only a
// published day is public, in every format, and a correction is linked
// from what it corrects.
func TestDisclosureWorkflow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 60, web.Config{})
		all, err := db.Disclosures(ctx, 100)
		if err != nil || len(all) == 0 || all[0].Status != disclosure.Draft {
			t.Fatalf("the demo's latest day should be a draft: %+v %v", all, err)
		}
		day := all[0].Date
		anon := s.anon()
		for _, p := range []string{"/disclosure/" + day, "/disclosure/" + day + ".csv", "/disclosure/" + day + ".xlsx", "/disclosure/" + day + ".pdf", "/api/v1/disclosure/" + day} {
			if r := anon.get(p); r.Status != http.StatusNotFound {
				t.Errorf("GET %s of a draft: %v, want 404", p, r)
			}
		}
		if r := s.as(auth.Clerk).postForm("/disclosures/"+day+"/check", nil); r.Status != http.StatusForbidden {
			t.Errorf("the maker checks: %v, want 403", r)
		}
		if r := s.as(auth.Finance).postForm("/disclosures/"+day+"/check", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("finance checks: %v", r)
		}
		if r := s.as(auth.Approver).postForm("/disclosures/"+day+"/publish", nil); r.Status != http.StatusForbidden {
			t.Errorf("an approver publishes: %v, want 403", r)
		}
		if r := s.as(auth.Supervisor).get("/disclosures/" + day); r.Status != http.StatusOK || !strings.Contains(r.Body, "已审核，待发布") {
			t.Errorf("the supervisor reads the review page: %v", r)
		}
		if r := s.as(auth.Finance).postForm("/disclosures/"+day+"/publish", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("finance publishes: %v", r)
		}
		if r := s.as(auth.Admin).postForm("/disclosures", url.Values{"date": {day}}); r.Status != http.StatusConflict {
			t.Errorf("re-prepare a published day: %v, want 409", r)
		}
		d, err := db.PublishedDisclosure(ctx, day)
		if err != nil {
			t.Fatal(err)
		}

		page := anon.get("/disclosure/" + day)
		if page.Status != http.StatusOK {
			t.Fatalf("GET the published page: %v", page)
		}
		for _, want := range []string{`<meta property="og:title" content="杭州市红十字会每日公示 ` + day + `">`, `property="og:description"`,
			`property="og:image" content="https://boai.example.org/static/share.png"`, `id="totals"`, "/disclosure/" + day + ".xlsx"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		for _, l := range d.Day.Money {
			if !strings.Contains(page.Body, `id="money-`+strconv.Itoa(l.No)+`"`) || !strings.Contains(page.Body, l.Donor) {
				t.Errorf("the page lacks money line %d (%s)", l.No, l.Donor)
			}
		}
		if again := anon.get("/disclosure/" + day); again.Body != page.Body {
			t.Errorf("the page changed between two reads")
		}

		csv := anon.get("/disclosure/" + day + ".csv")
		if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "\uFEFF类别,序号") {
			t.Errorf("CSV: %v", csv)
		}
		x := anon.get("/disclosure/" + day + ".xlsx")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("XLSX: %v (%v)", err, x)
		}
		rows, err := f.GetRows("捐款")
		f.Close()
		if err != nil || len(rows) != len(d.Day.Money)+1 {
			t.Errorf("XLSX 捐款: %d rows, want %d (%v)", len(rows), len(d.Day.Money)+1, err)
		}
		if pdf := anon.get("/disclosure/" + day + ".pdf"); !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Errorf("PDF: %.40q", pdf.Body)
		}
		var api struct {
			Date  string `json:"date"`
			Money []struct {
				AmountFen int64 `json:"amount_fen"`
			} `json:"money"`
		}
		r := anon.get("/api/v1/disclosure/" + day)
		if err := json.Unmarshal([]byte(r.Body), &api); err != nil || api.Date != day || len(api.Money) != len(d.Day.Money) {
			t.Errorf("API: %v (%v)", r, err)
		}
		if feed := anon.get("/disclosure/feed.atom"); !strings.Contains(feed.Body, "/disclosure/"+day) || !strings.Contains(feed.Body, "<feed") {
			t.Errorf("feed: %v", feed)
		}
		if idx := anon.get("/disclosure"); !strings.Contains(idx.Body, `href="/disclosure/`+day+`"`) {
			t.Errorf("index lacks %s", day)
		}

		// A correction of the totals, through maker and checker.
		fix := url.Values{"section": {"totals"}, "line": {"0"}, "corrected": {"累计支出应含当日 ¥100.00 手续费"}, "reason": {"漏记银行手续费"}}
		if r := s.as(auth.Finance).postForm("/disclosures/"+day+"/corrections", fix); r.Status != http.StatusSeeOther {
			t.Fatalf("draft a correction: %v", r)
		}
		cs, err := db.DisclosureCorrections(ctx, day, false, 10)
		if err != nil || len(cs) != 1 {
			t.Fatalf("corrections: %+v %v", cs, err)
		}
		id := strconv.FormatInt(cs[0].ID, 10)
		if r := anon.get("/disclosure/corrections/" + id); r.Status != http.StatusNotFound {
			t.Errorf("a draft correction is public: %v", r)
		}
		if r := s.as(auth.Finance).postForm("/disclosures/corrections/"+id+"/check", nil); r.Status != http.StatusForbidden {
			t.Errorf("the correction's maker checks it: %v, want 403", r)
		}
		if r := s.as(auth.Clerk).postForm("/disclosures/corrections/"+id+"/check", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("check the correction: %v", r)
		}
		if r := s.as(auth.Admin).postForm("/disclosures/corrections/"+id+"/publish", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("publish the correction: %v", r)
		}
		page = anon.get("/disclosure/" + day)
		if !strings.Contains(page.Body, `id="correction-`+id+`"`) || !strings.Contains(page.Body, `href="/disclosure/corrections/`+id+`"`) || !strings.Contains(page.Body, "漏记银行手续费") {
			t.Errorf("the page does not show and link its correction")
		}
		notice := anon.get("/disclosure/corrections/" + id)
		if notice.Status != http.StatusOK || !strings.Contains(notice.Body, `href="/disclosure/`+day+`#totals"`) {
			t.Errorf("the correction's page: %v", notice)
		}
		if pdf := anon.get("/disclosure/" + day + ".pdf"); !bytes.HasPrefix([]byte(pdf.Body), []byte("%PDF")) {
			t.Errorf("PDF with a correction: %.40q", pdf.Body)
		}

		for p, want := range map[string]int{
			"/disclosure/2001-01-01": http.StatusNotFound, "/disclosure/yesterday": http.StatusNotFound,
			"/disclosure/" + day + ".doc": http.StatusNotFound, "/disclosure/corrections/x": http.StatusNotFound,
			"/api/v1/disclosure/2001-13-01": http.StatusBadRequest, "/api/v1/disclosure/2001-01-01": http.StatusNotFound,
		} {
			if r := anon.get(p); r.Status != want {
				t.Errorf("GET %s: %d, want %d", p, r.Status, want)
			}
		}
	})
}
