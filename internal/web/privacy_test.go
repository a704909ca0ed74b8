package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"boai/internal/audit"
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
