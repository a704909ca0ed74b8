package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"boai/internal/auth"
	"boai/internal/i18n"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

var summaryRE = regexp.MustCompile(`共 (\d+) 笔，净额 (-?¥[0-9,.]+)`)

// listSummary reads "共 N 笔，净额 ¥X" off the donation list.
func listSummary(t *testing.T, c *client, query string) (int, string) {
	t.Helper()
	r := c.get("/donations" + query)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /donations%s: %v", query, r)
	}
	m := summaryRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("GET /donations%s: no summary line", query)
	}
	n, _ := strconv.Atoi(m[1])
	return n, m[2]
}

// TestReverseThroughTheWeb: a reversal needs a reason, marks the donation
// reversed, adds a negative record so the list's net sum drops, and
// happens once.
func TestReverseThroughTheWeb(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 20, web.Config{})
		finance := s.as(auth.Finance)
		d := s.cityGift
		path := "/donations/" + strconv.FormatInt(d.ID, 10)
		n0, sum0 := listSummary(t, finance, "")
		_, _, fen0, err := db.Donations(context.Background(), store.DonationFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if sum0 != fen0.Yuan() {
			t.Fatalf("list says net %s, the database %s", sum0, fen0.Yuan())
		}

		for _, reason := range []string{"", "   "} {
			if r := finance.postForm(path+"/reverse", url.Values{"reason": {reason}}); r.Status != http.StatusBadRequest {
				t.Errorf("reverse with reason %q: %v, want 400", reason, r)
			}
		}
		if r := finance.postForm(path+"/reverse", url.Values{"reason": {strings.Repeat("错", 501)}}); r.Status != http.StatusBadRequest {
			t.Errorf("reverse with a 501-character reason: %v, want 400", r)
		}
		if n, _ := listSummary(t, finance, ""); n != n0 {
			t.Fatalf("refused reversals changed the list: %d → %d", n0, n)
		}

		r := finance.postForm(path+"/reverse", url.Values{"reason": {"银行退回，重复入账"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), path) {
			t.Fatalf("reverse: %v (Location %q), want 303 to %s", r, r.location(), path)
		}
		page := finance.get(path)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, i18n.T("zh", "status.reversed")) ||
			!strings.Contains(page.Body, "银行退回，重复入账") {
			t.Errorf("the donation page does not show it reversed with the reason: %v", page)
		}
		n1, sum1 := listSummary(t, finance, "")
		if want := (fen0 - d.AmountFen).Yuan(); n1 != n0+1 || sum1 != want {
			t.Errorf("list after reversal: %d records, net %s; want %d, %s", n1, sum1, n0+1, want)
		}
		rev, err := db.Reversal(context.Background(), d.ID)
		if err != nil || rev.AmountFen != -d.AmountFen || rev.Reason != "银行退回，重复入账" {
			t.Fatalf("reversal record: %+v, %v", rev, err)
		}
		if r := finance.get("/donations/" + strconv.FormatInt(rev.ID, 10)); r.Status != http.StatusOK ||
			!strings.Contains(r.Body, i18n.T("zh", "status.reversal")) || !strings.Contains(r.Body, money.Fen(-d.AmountFen).Yuan()) {
			t.Errorf("the reversal record's page: %v", r)
		}

		// Once only; and a reversal is not itself reversed.
		if r := finance.postForm(path+"/reverse", url.Values{"reason": {"再冲一次"}}); r.Status != http.StatusConflict {
			t.Errorf("reversing twice: %v, want 409", r)
		}
		if r := finance.postForm("/donations/"+strconv.FormatInt(rev.ID, 10)+"/reverse", url.Values{"reason": {"冲正的冲正"}}); r.Status != http.StatusBadRequest {
			t.Errorf("reversing a reversal: %v, want 400", r)
		}
		if n, _ := listSummary(t, finance, ""); n != n1 {
			t.Errorf("refused reversals changed the list: %d → %d", n1, n)
		}
	})
}

// TestConcurrentReversalsMakeOne: people clicking "reverse" on the same
// donation at once get one reversal and clear conflicts, never a server
// error.
func TestConcurrentReversalsMakeOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		path := "/donations/" + strconv.FormatInt(s.xihuGift.ID, 10) + "/reverse"
		const n = 16
		replies := make([]*reply, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			c := s.as(auth.Clerk)
			if i%2 == 1 {
				c = s.as(auth.Finance)
			}
			wg.Go(func() {
				<-start
				replies[i], errs[i] = c.send("POST", path, formType, []byte("reason="+url.QueryEscape("同时冲正")))
			})
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for i, r := range replies {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			switch r.Status {
			case http.StatusSeeOther:
				ok++
			case http.StatusConflict:
				conflict++
			default:
				t.Errorf("reversal %d: %v, want 303 or 409", i, r)
			}
		}
		if ok != 1 || conflict != n-1 {
			t.Errorf("%d reversals succeeded and %d conflicted; want 1 and %d", ok, conflict, n-1)
		}
		all, _, _, err := db.Donations(context.Background(), store.DonationFilter{Kind: "reversal", Limit: 100})
		if err != nil || len(all) != 1 {
			t.Errorf("%d reversal records stored (%v), want 1", len(all), err)
		}
	})
}

// TestFormRejectsUnknownBranch: a donation or user pointed at a branch
// that does not exist is a mistake to show the user, not a server error.
func TestFormRejectsUnknownBranch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		before := s.counts()
		if r := s.as(auth.Clerk).postForm("/donations", donationForm(999999, "无此机构", "10.00")); r.Status != http.StatusBadRequest {
			t.Errorf("donation for branch 999999: %v, want 400", r)
		}
		// The user forms show the store's "branch not found" (404) or an
		// invalid-input error (400) on the form; either is fine.
		admin := s.as(auth.Admin)
		wh := s.users[auth.Warehouse]
		form := url.Values{"display_name": {wh.DisplayName}, "role": {string(wh.Role)}, "branch": {"999999"}, "active": {"1"}}
		if r := admin.postForm("/admin/users/"+strconv.FormatInt(wh.ID, 10), form); r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
			t.Errorf("user moved to branch 999999: %v, want 400 or 404", r)
		}
		form = url.Values{"username": {"newbie"}, "password": {"a-long-password"}, "role": {"clerk"}, "branch": {"999999"}}
		if r := admin.postForm("/admin/users", form); r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
			t.Errorf("user created at branch 999999: %v, want 400 or 404", r)
		}
		if after := s.counts(); after != before {
			t.Errorf("refused forms changed the database: %+v → %+v", before, after)
		}
	})
}

// After a reversal the clerk records the corrected donation from the
// reversed one's page: the form comes filled in, the correction keeps the
// bank reference, and each page links to the other.
func TestCorrectionThroughTheWeb(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		clerk := s.as(auth.Clerk)
		d := s.cityGift
		path := "/donations/" + strconv.FormatInt(d.ID, 10)
		if r := clerk.postForm(path+"/reverse", url.Values{"reason": {"金额录错"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reverse: %v", r)
		}
		page := clerk.get(path)
		if !strings.Contains(page.Body, "/donations/new?corrects="+strconv.FormatInt(d.ID, 10)) {
			t.Fatalf("the reversed donation offers no correction: %v", page)
		}
		form := clerk.get("/donations/new?corrects=" + strconv.FormatInt(d.ID, 10))
		if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="KNOWN-CITY"`) || !strings.Contains(form.Body, d.Donor.Name) {
			t.Fatalf("correction form not filled in: %v", form)
		}
		v := donationForm(s.city.ID, d.Donor.Name, "1,200.00")
		v.Set("corrects", strconv.FormatInt(d.ID, 10))
		v.Set("external_ref", "KNOWN-CITY")
		r := clerk.postForm("/donations", v)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("record the correction: %v", r)
		}
		fix, err := db.Correction(context.Background(), d.ID)
		if err != nil || fix.AmountFen != 120000 || fix.ExternalRef != "KNOWN-CITY" {
			t.Fatalf("correction: %+v %v", fix, err)
		}
		if !strings.Contains(clerk.get(path).Body, fix.CertNo) || !strings.Contains(clerk.get("/donations/"+strconv.FormatInt(fix.ID, 10)).Body, d.CertNo) {
			t.Error("the donation and its correction do not link to each other")
		}
		if r := clerk.postForm("/donations", v); r.Status != http.StatusSeeOther || !strings.HasSuffix(r.location(), strconv.FormatInt(fix.ID, 10)+"?flash=created") {
			t.Errorf("the same correction sent again: %v (%s), want the first one", r, r.location())
		}
		v.Set("amount", "1,300.00")
		if r := clerk.postForm("/donations", v); r.Status != http.StatusConflict {
			t.Errorf("a second, different correction: %v, want 409", r)
		}
	})
}
