package web_test

import (
	"boai/internal/publish"
	"boai/internal/tlog"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"boai/internal/audit"
	"boai/internal/disclosure"
	"boai/internal/donation"
	"boai/internal/i18n"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// secret is a private detail and whose it is.
type secret struct {
	text, what string
}

// secrets lists what no public page may show of ds: phone numbers, ID
// numbers, anonymous donors' names, and persons' full names.
func secrets(ds []donation.Donation) []secret {
	var out []secret
	for _, d := range ds {
		if d.Donor.Phone != "" {
			out = append(out, secret{d.Donor.Phone, "phone of " + d.CertNo})
		}
		if d.Donor.IDNumber != "" {
			out = append(out, secret{d.Donor.IDNumber, "ID number of " + d.CertNo})
		}
		switch {
		case d.Donor.Anonymous && d.Donor.Name != "":
			out = append(out, secret{d.Donor.Name, "anonymous donor's name on " + d.CertNo})
		case d.Donor.Kind == donation.Person && utf8.RuneCountInString(d.Donor.Name) >= 2:
			out = append(out, secret{d.Donor.Name, "full name of the person on " + d.CertNo})
		}
	}
	return out
}

// TestPublicPagesKeepDonorsPrivate fetches every public page for every
// donation of the demo society and checks that none shows a phone number,
// an ID number, an anonymous donor's name or a person's full name.
func TestPublicPagesKeepDonorsPrivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 60, web.Config{LookupRate: 1e9, VerifyRate: 1e9})
		// An anonymous organisation, and a reversed gift, too.
		s.record(&donation.Donation{Donor: donation.Donor{Kind: donation.Organization, Name: "隐名实业有限公司", Phone: "057188886666", Anonymous: true},
			AmountFen: 1_000_000, Channel: donation.Bank, ReceivedAt: s.cityGift.ReceivedAt, BranchID: s.city.ID})
		if _, err := db.ReverseDonation(ctx, audit.System, s.xihuGift.ID, "录入错误"); err != nil {
			t.Fatal(err)
		}
		all, _, _, err := db.Donations(ctx, store.DonationFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		private := secrets(all)
		anonymous, withPhone := 0, 0
		for _, d := range all {
			if d.Donor.Anonymous {
				anonymous++
			}
			if d.Donor.Phone != "" {
				withPhone++
			}
		}
		if anonymous < 3 || withPhone < 10 {
			t.Fatalf("the seed has %d anonymous donors and %d with phones; the test needs more", anonymous, withPhone)
		}

		c := s.anon()
		check := func(what string, r *reply) {
			t.Helper()
			for _, p := range private {
				if strings.Contains(r.Body, p.text) {
					t.Errorf("%s shows the %s (%q)", what, p.what, p.text)
				}
			}
		}
		for _, path := range []string{"/", "/lookup", "/login"} {
			r := c.get(path)
			if r.Status != http.StatusOK {
				t.Errorf("GET %s: %v", path, r)
			}
			check("GET "+path, r)
		}
		for _, d := range all {
			r := c.get("/verify/" + url.PathEscape(d.CertNo))
			check("GET /verify/"+d.CertNo, r)
			byCert := c.postForm("/lookup", url.Values{"cert": {strings.ToLower(d.CertNo)}})
			check("POST /lookup cert="+d.CertNo, byCert)
			if d.Kind == donation.KindReversal {
				if r.Status != http.StatusNotFound {
					t.Errorf("GET /verify/%s (a reversal record): %v, want 404", d.CertNo, r)
				}
				continue
			}
			want := d.Donor.PublicName()
			if r.Status != http.StatusOK || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, d.AmountFen.Yuan()) {
				t.Errorf("GET /verify/%s: %d, want 200 showing %q and %s", d.CertNo, r.Status, want, d.AmountFen.Yuan())
			}
			if !strings.Contains(byCert.Body, d.CertNo) || !strings.Contains(byCert.Body, want) {
				t.Errorf("POST /lookup cert=%s: the donation is not shown as %q", d.CertNo, want)
			}
			if d.Donor.Phone != "" && d.Donor.Name != "" {
				r := c.postForm("/lookup", url.Values{"name": {d.Donor.Name}, "last4": {d.Donor.PhoneLast4()}})
				check("POST /lookup name+last4 of "+d.CertNo, r)
				if !strings.Contains(r.Body, d.CertNo) {
					t.Errorf("POST /lookup by name and last4 of %s does not find it", d.CertNo)
				}
			}
		}
		if r := c.get("/verify/" + s.xihuGift.CertNo); !strings.Contains(r.Body, i18n.T("zh", "status.reversed")) {
			t.Errorf("GET /verify of a reversed donation does not say so")
		}
		if r := c.get("/verify/" + s.anonGift.CertNo); !strings.Contains(r.Body, donation.AnonymousName) {
			t.Errorf("GET /verify of an anonymous gift does not show %s", donation.AnonymousName)
		}
	})
}

// TestLookupNoMatchTellsNothing: every failed look-up reads the same, so
// the page does not tell whether a name, number or certificate exists.
func TestLookupNoMatchTellsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{LookupRate: 1e9, VerifyRate: 1e9})
		rev, err := db.ReverseDonation(ctx, audit.System, s.cityGift.ID, "录入错误")
		if err != nil {
			t.Fatal(err)
		}
		c := s.anon()
		name, last4 := s.xihuGift.Donor.Name, s.xihuGift.Donor.PhoneLast4()
		wrong := "0000"
		if last4 == wrong {
			wrong = "1111"
		}
		cases := []struct {
			name string
			form url.Values
		}{
			{"empty input", url.Values{}},
			{"blank fields", url.Values{"cert": {"  "}, "name": {" "}, "last4": {""}}},
			{"unknown certificate", url.Values{"cert": {"HZ20990101-ZZZZZZZZ"}}},
			{"reversal record's certificate", url.Values{"cert": {rev.CertNo}}},
			{"real name, wrong last4", url.Values{"name": {name}, "last4": {wrong}}},
			{"real name, last4 not digits", url.Values{"name": {name}, "last4": {"12a4"}}},
			{"real name, no last4", url.Values{"name": {name}}},
			{"real last4, other name", url.Values{"name": {"无此人"}, "last4": {last4}}},
			{"another donor's last4", url.Values{"name": {name}, "last4": {s.cityGift.Donor.PhoneLast4()}}},
		}
		var first string
		for i, tt := range cases {
			r := c.postForm("/lookup", tt.form)
			if r.Status != http.StatusOK {
				t.Errorf("%s: status %d, want 200", tt.name, r.Status)
			}
			if got := flashError(r.Body); got != i18n.T("zh", "lookup.none") {
				t.Errorf("%s: error %q, want %q", tt.name, got, i18n.T("zh", "lookup.none"))
			}
			for _, d := range []*donation.Donation{s.cityGift, s.xihuGift, s.anonGift, rev} {
				if strings.Contains(r.Body, d.CertNo) {
					t.Errorf("%s: the page shows %s", tt.name, d.CertNo)
				}
			}
			if i == 0 {
				first = r.Body
			} else if r.Body != first {
				t.Errorf("%s: the page differs from the empty look-up's:\n%s\n---\n%s", tt.name, r.Body, first)
			}
		}
		// The right name and last4 do find the gift: the cases above fail
		// for the reason they test.
		if r := c.postForm("/lookup", url.Values{"name": {name}, "last4": {last4}}); !strings.Contains(r.Body, s.xihuGift.CertNo) {
			t.Errorf("the right name and last4 do not find the donation")
		}
	})
}

// TestLookupRateLimit: one client gets the burst of look-ups, then 429;
// the verification page (QR scans) has a larger burst of its own.
func TestLookupRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{LookupRate: 10})
		c := s.anon()
		const burst = 5
		for i := range burst + 3 {
			r := c.postForm("/lookup", url.Values{"name": {"张三"}, "last4": {"1234"}})
			if i < burst && r.Status != http.StatusOK {
				t.Errorf("look-up %d: %d, want 200", i+1, r.Status)
			}
			if i >= burst && r.Status != http.StatusTooManyRequests {
				t.Errorf("look-up %d: %d, want 429", i+1, r.Status)
			}
		}
		const verifyBurst = 20
		for i := range verifyBurst + 3 {
			r := c.get("/verify/" + s.cityGift.CertNo)
			if i < verifyBurst && r.Status != http.StatusOK {
				t.Errorf("verify %d: %d, want 200", i+1, r.Status)
			}
			if i >= verifyBurst && r.Status != http.StatusTooManyRequests {
				t.Errorf("verify %d: %d, want 429", i+1, r.Status)
			}
		}
	})
}

// publicRequest is one request a visitor can make without logging in.
type publicRequest struct {
	method, path string
	form         url.Values
}

// publicRoutes expands every public route of the table into the requests
// that reach each thing it shows in the demo data: every certificate,
// receipt, published day in every format and correction. A public route
// missing here fails the test, so a new one cannot be left unscanned.
func publicRoutes(t *testing.T, db *store.DB) map[string][]publicRequest {
	t.Helper()
	ctx := context.Background()
	get := func(paths ...string) []publicRequest {
		var out []publicRequest
		for _, p := range paths {
			out = append(out, publicRequest{method: http.MethodGet, path: p})
		}
		return out
	}
	all, _, _, err := db.Donations(ctx, store.DonationFilter{Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	var certs []string
	for _, d := range all {
		certs = append(certs, d.CertNo)
	}
	goods, err := db.ListInKind(ctx, "", 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goods {
		certs = append(certs, g.CertNo)
	}
	var verify, certProofs, lookups []publicRequest
	for i, c := range certs {
		verify = append(verify, get("/verify/"+url.PathEscape(c))...)
		certProofs = append(certProofs, get("/verify/"+url.PathEscape(c)+"/proof")...)
		if i%10 == 0 {
			lookups = append(lookups, publicRequest{method: http.MethodPost, path: "/lookup", form: url.Values{"cert": {c}}})
		}
	}
	reg, err := db.ReceiptsRegister(ctx, store.ReceiptFilter{Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	var receipts, receiptProofs []publicRequest
	for _, r := range reg.Receipts {
		receipts = append(receipts, get("/r/"+r.Code+"/"+r.NumberText()+"?check="+url.QueryEscape(r.CheckCode))...)
		receiptProofs = append(receiptProofs, get("/r/"+r.Code+"/"+r.NumberText()+"/proof")...)
	}
	days, err := db.PublishedDisclosures(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var dayFiles, apiDays []publicRequest
	for _, d := range days {
		for _, ext := range []string{"", ".csv", ".xlsx", ".pdf", ".json"} {
			dayFiles = append(dayFiles, get("/disclosure/"+d.Date+ext)...)
		}
		apiDays = append(apiDays, get("/api/v1/disclosure/"+d.Date)...)
	}
	cs, err := db.DisclosureCorrections(ctx, "", true, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var corrections []publicRequest
	for _, c := range cs {
		corrections = append(corrections, get("/disclosure/corrections/"+strconv.FormatInt(c.ID, 10))...)
	}
	if len(verify) == 0 || len(receipts) == 0 || len(dayFiles) == 0 || len(corrections) == 0 {
		t.Fatalf("the demo lacks something public: %d certificates, %d receipts, %d day files, %d corrections",
			len(verify), len(receipts), len(dayFiles), len(corrections))
	}
	// The public log: every entry's proof (the entry is in it), the key,
	// the checkpoint and the page that shows them.
	numbered, _, err := db.LogStatus(ctx)
	if err != nil || numbered == 0 {
		t.Fatalf("the demo's public log is empty (%v): log it before the scan", err)
	}
	var proofs []publicRequest
	for i := range numbered {
		proofs = append(proofs, get("/proofs/"+strconv.FormatInt(i, 10))...)
	}
	return map[string][]publicRequest{
		"GET /transparency":                get("/transparency"),
		"GET /log/key":                     get("/log/key"),
		"GET /log/{path...}":               get("/log/checkpoint"), // tiles are hashes; the entries are scanned through their proofs
		"GET /proofs/{index}":              proofs,
		"GET /verify/{cert}/proof":         certProofs,
		"GET /r/{code}/{number}/proof":     receiptProofs,
		"GET /{$}":                         get("/"),
		"GET /verify/{cert}":               verify,
		"GET /lookup":                      get("/lookup"),
		"POST /lookup":                     lookups,
		"GET /login":                       get("/login"),
		"POST /login":                      nil, // answers a form, shows nobody's data
		"POST /logout":                     nil,
		"GET /lang/{lang}":                 get("/lang/en?next=/disclosure"),
		"GET /healthz":                     get("/healthz"),
		"GET /sign/{token}":                get("/sign/sign_not-a-real-link"), // the links are secrets, held only hashed
		"POST /sign/{token}":               nil,
		"GET /r/{code}/{number}":           receipts,
		"GET /disclosure":                  get("/disclosure"),
		"GET /disclosure/feed.atom":        get("/disclosure/feed.atom"),
		"GET /disclosure/{day}":            dayFiles,
		"GET /disclosure/corrections/{id}": corrections,
		"GET /api/v1/disclosure/{date}":    apiDays,
		"GET /api/v1/sign/{token}":         get("/api/v1/sign/sign_not-a-real-link"),
		"POST /api/v1/sign/{token}":        nil,
	}
}

// privateNames are the names no public output may show: every private
// donor's, and every anonymous donor's, of money and of goods.
func privateNames(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	all, _, _, err := db.Donations(ctx, store.DonationFilter{Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	add := func(d donation.Donor) {
		if d.Kind != donation.Organization || d.Anonymous {
			names = append(names, d.Name)
		}
	}
	for _, d := range all {
		add(d.Donor)
	}
	goods, err := db.ListInKind(ctx, "", 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goods {
		add(g.Donor)
	}
	return names
}

// publicText is what a reader of body sees: the text of a spreadsheet's
// cells, of a PDF (through pdftotext), the body itself otherwise.
func publicText(t *testing.T, ctype string, body []byte) (string, bool) {
	t.Helper()
	switch {
	case strings.Contains(ctype, "spreadsheetml"):
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("unreadable XLSX: %v", err)
			return "", false
		}
		defer x.Close()
		var b strings.Builder
		for _, sh := range x.GetSheetList() {
			rows, err := x.GetRows(sh)
			if err != nil {
				t.Errorf("XLSX sheet %s: %v", sh, err)
			}
			for _, r := range rows {
				b.WriteString(strings.Join(r, "\t") + "\n")
			}
		}
		return b.String(), true
	case strings.Contains(ctype, "application/pdf"):
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("pdftotext is missing: CI must scan the PDFs too")
			}
			return "", false
		}
		cmd := exec.Command(bin, "-", "-")
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("pdftotext: %v", err)
			return "", false
		}
		return string(out), true
	}
	return string(body), true
}

// TestEveryPublicOutputOfTheDemoIsPrivate generates every public page,
// file and feed of the demo society (every certificate, receipt,
// published day in every format, correction notice) and scans each with
// the disclosure's privacy guard, fed every private donor's name: no
// phone number, ID or bank card number, and no private donor's full name.
func TestEveryPublicOutputOfTheDemoIsPrivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		skey, vkey, err := tlog.GenerateKey("privacy.boai.example/log")
		if err != nil {
			t.Fatal(err)
		}
		logDir := filepath.Join(t.TempDir(), "log")
		s := newSociety(t, db, 300, web.Config{LookupRate: 1e9, VerifyRate: 1e9, LogDir: logDir, LogKey: vkey})
		logAll(t, db, logDir, skey)
		names := privateNames(t, db)
		if len(names) < 100 {
			t.Fatalf("only %d private donors' names in the demo: the scan would prove little", len(names))
		}
		guard := disclosure.NewGuard(names)
		table := publicRoutes(t, db)
		c := s.anon()
		scanned, pdfs := 0, 0
		for _, rt := range s.srv.RouteSpecs() {
			if rt.Action != "" {
				continue
			}
			reqs, ok := table[rt.Pattern]
			if !ok {
				t.Errorf("public route %s is not in the privacy test's table: add what it shows", rt.Pattern)
				continue
			}
			for _, rq := range reqs {
				var r *reply
				if rq.method == http.MethodPost {
					r = c.postForm(rq.path, rq.form)
				} else {
					r = c.get(rq.path)
				}
				if r.Status >= 500 {
					t.Errorf("%s %s: %v", rq.method, rq.path, r)
					continue
				}
				ctype := r.Header.Get("Content-Type")
				var findings []disclosure.Finding
				text, ok := publicText(t, ctype, []byte(r.Body))
				if !ok {
					continue
				}
				if strings.Contains(ctype, "application/pdf") {
					pdfs++
				}
				if strings.HasPrefix(ctype, "application/json") {
					f, err := guard.ScanJSON([]byte(text))
					if err != nil {
						t.Errorf("%s: not JSON: %v", rq.path, err)
					}
					findings = f
				} else {
					findings = guard.Scan(text)
				}
				for _, f := range findings {
					lo, hi := max(0, f.Start-40), min(len(text), f.End+40)
					t.Errorf("%s %s (%s) shows a %s: …%s…", rq.method, rq.path, ctype, f.Kind, text[lo:hi])
				}
				scanned++
			}
		}
		t.Logf("scanned %d public outputs (%d PDFs through pdftotext)", scanned, pdfs)
		// The guard is not blind: it finds a demo donor's name and phone
		// where they would leak.
		var person *donation.Donation
		all, _, _, _ := db.Donations(context.Background(), store.DonationFilter{Limit: 1000})
		for i := range all {
			if all[i].Donor.Kind == donation.Person && !all[i].Donor.Anonymous && all[i].Donor.Phone != "" {
				person = &all[i]
				break
			}
		}
		if person == nil {
			t.Fatal("the demo has no named person with a phone")
		}
		leak := "<td>" + person.Donor.Name + " " + person.Donor.Phone + "</td>"
		if f := guard.Scan(leak); len(f) != 2 {
			t.Errorf("the guard finds %v in %q, want the name and the phone", f, leak)
		}
	})
}

// logAll appends everything the database has for the public log.
func logAll(t *testing.T, db *store.DB, dir, skey string) {
	t.Helper()
	ctx := context.Background()
	l, err := tlog.Open(dir, skey)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	leader, err := db.LeadLog(ctx)
	if err != nil || leader == nil {
		t.Fatalf("lead the log: %v", err)
	}
	defer leader.Close()
	if _, err := publish.Drain(ctx, db, l, leader, 0); err != nil {
		t.Fatal(err)
	}
}
