package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// apiDonation is the part of the API's donation the tests read.
type apiDonation struct {
	ID            int64  `json:"id"`
	CertificateNo string `json:"certificate_no"`
	Status        string `json:"status"`
	AmountFen     int64  `json:"amount_fen"`
	Donor         struct {
		Name      string `json:"name"`
		Anonymous bool   `json:"anonymous"`
	} `json:"donor"`
	Branch struct {
		ID int64 `json:"id"`
	} `json:"branch"`
	ExternalRef string `json:"external_ref"`
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

const (
	apiPhone = "13811112222"
	apiID    = "110101199003077777"
)

// apiBody is a donation as an API client sends it; extra is spliced in
// as more top-level fields.
func apiBody(amountFen int64, receivedAt time.Time, extra string) string {
	b := fmt.Sprintf(`{"donor":{"name":"接口捐赠人","kind":"person","phone":%q,"id_number":%q},`+
		`"amount_fen":%d,"channel":"wechat","received_at":%q,"designation":"purpose:助学"`,
		apiPhone, apiID, amountFen, receivedAt.Format(time.RFC3339))
	if extra != "" {
		b += "," + extra
	}
	return b + "}"
}

// apiFixture is a society with an API token for the clerk.
func apiFixture(t *testing.T, db *store.DB) (*society, *client) {
	t.Helper()
	s := newSociety(t, db, 0, web.Config{})
	tok, err := db.CreateToken(context.Background(), audit.System, s.users[auth.Clerk].ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s, s.withToken(tok)
}

// postConcurrently sends the same POST n times at once and returns the
// replies.
func postConcurrently(t *testing.T, c *client, n int, path, body string, hdr ...string) []*reply {
	t.Helper()
	replies := make([]*reply, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			replies[i], errs[i] = c.send("POST", path, "application/json", []byte(body), hdr...)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return replies
}

// checkOneCreated asserts exactly one 201 and n-1 200s, all naming the
// same donation, and returns it.
func checkOneCreated(t *testing.T, replies []*reply) apiDonation {
	t.Helper()
	var first apiDonation
	created, retried := 0, 0
	for i, r := range replies {
		switch r.Status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
			retried++
		default:
			t.Errorf("request %d: %v, want 201 or 200", i, r)
			continue
		}
		var d apiDonation
		if err := json.Unmarshal([]byte(r.Body), &d); err != nil {
			t.Fatalf("request %d: %v in %s", i, err, r.Body)
		}
		if first.ID == 0 {
			first = d
		} else if d.ID != first.ID || d.CertificateNo != first.CertificateNo {
			t.Errorf("request %d answered donation %d (%s), another answered %d (%s)", i, d.ID, d.CertificateNo, first.ID, first.CertificateNo)
		}
		if strings.Contains(r.Body, apiPhone) || strings.Contains(r.Body, apiID) {
			t.Errorf("request %d: the reply shows the donor's phone or ID number: %s", i, r.Body)
		}
	}
	if created != 1 || retried != len(replies)-1 {
		t.Errorf("%d × 201 and %d × 200; want 1 and %d", created, retried, len(replies)-1)
	}
	return first
}

func storedCount(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, _, err := db.Donations(context.Background(), store.DonationFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAPIIdempotentUnderConcurrency: fifty identical retries racing each
// other record one donation, whether the key is the external reference or
// an Idempotency-Key header.
func TestAPIIdempotentUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, api := apiFixture(t, db)
		at := time.Now().Add(-time.Hour).Truncate(time.Second)
		before := storedCount(t, db)

		byRef := postConcurrently(t, api, 50, "/api/v1/donations", apiBody(10000, at, `"external_ref":"WX-4200001234"`))
		d := checkOneCreated(t, byRef)
		if n := storedCount(t, db); n != before+1 {
			t.Errorf("after 50 posts with one external_ref: %d donations stored, want %d", n, before+1)
		}
		for _, r := range byRef {
			if r.Status == http.StatusCreated && r.location() != "/api/v1/donations/"+strconv.FormatInt(d.ID, 10) {
				t.Errorf("201 Location %q, want /api/v1/donations/%d", r.location(), d.ID)
			}
		}

		byKey := postConcurrently(t, api, 50, "/api/v1/donations", apiBody(20000, at, ""), "Idempotency-Key", "retry-key-7f3a")
		k := checkOneCreated(t, byKey)
		if k.ID == d.ID {
			t.Errorf("the Idempotency-Key donation is the external_ref one (%d)", d.ID)
		}
		if n := storedCount(t, db); n != before+2 {
			t.Errorf("after 50 posts with one Idempotency-Key: %d donations stored, want %d", n, before+2)
		}

		// The same key for other content is a clash, not a retry.
		clash := []struct {
			name string
			body string
			hdr  []string
		}{
			{"external_ref, other amount", apiBody(10001, at, `"external_ref":"WX-4200001234"`), nil},
			{"Idempotency-Key, other amount", apiBody(20001, at, ""), []string{"Idempotency-Key", "retry-key-7f3a"}},
			{"Idempotency-Key, other time", apiBody(20000, at.Add(-time.Minute), ""), []string{"Idempotency-Key", "retry-key-7f3a"}},
		}
		for _, c := range clash {
			r := api.postJSON("/api/v1/donations", c.body, c.hdr...)
			var e apiError
			if r.Status != http.StatusConflict || json.Unmarshal([]byte(r.Body), &e) != nil || e.Error.Code != "conflict" || e.Error.Message == "" {
				t.Errorf("%s: %v, want 409 with a JSON error", c.name, r)
			}
		}
		if n := storedCount(t, db); n != before+2 {
			t.Errorf("after clashing posts: %d donations stored, want %d", n, before+2)
		}
	})
}

// TestAPIRejectsBadInput: every bad request is a 400 with a JSON message
// saying what is wrong, and stores nothing.
func TestAPIRejectsBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, api := apiFixture(t, db)
		at := time.Now().Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339)
		future := time.Now().Add(time.Hour).Format(time.RFC3339)
		body := func(fields string) string {
			return `{"donor":{"name":"坏请求"},"channel":"bank","external_ref":"BAD-1"` + fields + `}`
		}
		for _, tt := range []struct {
			name, body string
			hdr        []string
		}{
			{"malformed JSON", `{"donor":{"name":"坏请求"},"amount_fen":100,`, nil},
			{"not JSON", `amount_fen=100`, nil},
			{"empty body", ``, nil},
			{"trailing data", body(`,"amount_fen":100,"received_at":"`+at+`"`) + `{}`, nil},
			{"unknown field", body(`,"amount_fen":100,"received_at":"` + at + `","amount_yuan":1`), nil},
			{"unknown donor field", `{"donor":{"name":"坏请求","email":"a@b.c"},"amount_fen":100,"channel":"bank","received_at":"` + at + `"}`, nil},
			{"missing amount_fen", body(`,"received_at":"` + at + `"`), nil},
			{"amount_fen as a string", body(`,"amount_fen":"100","received_at":"` + at + `"`), nil},
			{"amount_fen as a decimal", body(`,"amount_fen":100.5,"received_at":"` + at + `"`), nil},
			{"zero amount", body(`,"amount_fen":0,"received_at":"` + at + `"`), nil},
			{"negative amount", body(`,"amount_fen":-100,"received_at":"` + at + `"`), nil},
			{"bad channel", `{"donor":{"name":"坏请求"},"channel":"carrier-pigeon","amount_fen":100,"received_at":"` + at + `"}`, nil},
			{"missing received_at", body(`,"amount_fen":100`), nil},
			{"bad received_at", body(`,"amount_fen":100,"received_at":"yesterday"`), nil},
			{"received_at without zone", body(`,"amount_fen":100,"received_at":"2026-01-02T10:00:00"`), nil},
			{"future received_at", body(`,"amount_fen":100,"received_at":"` + future + `"`), nil},
			{"designated kind without target (object)", body(`,"amount_fen":100,"received_at":"` + at + `","designation":{"kind":"purpose"}`), nil},
			{"designated kind without target (string)", body(`,"amount_fen":100,"received_at":"` + at + `","designation":"region:"`), nil},
			{"unknown designation kind", body(`,"amount_fen":100,"received_at":"` + at + `","designation":{"kind":"vague","target":"x"}`), nil},
			{"designation of the wrong type", body(`,"amount_fen":100,"received_at":"` + at + `","designation":42`), nil},
			{"no donor name, not anonymous", `{"amount_fen":100,"channel":"bank","received_at":"` + at + `"}`, nil},
			{"bad donor kind", `{"donor":{"name":"坏请求","kind":"robot"},"amount_fen":100,"channel":"bank","received_at":"` + at + `"}`, nil},
			{"unknown branch", body(`,"amount_fen":100,"received_at":"` + at + `","branch":"NOPE"`), nil},
		} {
			before := s.counts()
			r := api.postJSON("/api/v1/donations", tt.body, tt.hdr...)
			var e apiError
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s: %v, want 400", tt.name, r)
			} else if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
				json.Unmarshal([]byte(r.Body), &e) != nil || e.Error.Code != "invalid" || e.Error.Message == "" {
				t.Errorf("%s: body %q, want a JSON error with code invalid and a message", tt.name, r.Body)
			}
			if after := s.counts(); after != before {
				t.Errorf("%s: the refused request changed the database: %+v → %+v", tt.name, before, after)
			}
		}
	})
}

// TestAPIGetDonation: a recorded donation reads back by id with what was
// sent, and no reply or list ever shows the donor's phone or ID number.
func TestAPIGetDonation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, api := apiFixture(t, db)
		at := time.Now().Add(-time.Hour).Truncate(time.Second)
		r := api.postJSON("/api/v1/donations", apiBody(88888, at, `"external_ref":"ALIPAY-2026-1","message":"加油"`))
		if r.Status != http.StatusCreated {
			t.Fatalf("POST: %v", r)
		}
		var created apiDonation
		if err := json.Unmarshal([]byte(r.Body), &created); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{
			"/api/v1/donations/" + strconv.FormatInt(created.ID, 10),
			"/api/v1/donations?q=" + "ALIPAY-2026-1",
			"/api/v1/donations",
		} {
			r := api.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: %v", path, r)
			}
			for _, secret := range []string{apiPhone, apiID, s.cityGift.Donor.Phone, s.cityGift.Donor.IDNumber, anonPhone} {
				if strings.Contains(r.Body, secret) {
					t.Errorf("GET %s shows private %s", path, secret)
				}
			}
		}
		r = api.get("/api/v1/donations/" + strconv.FormatInt(created.ID, 10))
		var got apiDonation
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != created.ID || got.CertificateNo != created.CertificateNo || got.AmountFen != 88888 ||
			got.Donor.Name != "接口捐赠人" || got.ExternalRef != "ALIPAY-2026-1" || got.Status != "received" ||
			got.Branch.ID != s.users[auth.Clerk].BranchID {
			t.Errorf("GET: %+v, want the donation posted (%+v)", got, created)
		}
		for _, path := range []string{"/api/v1/donations/999999", "/api/v1/donations/abc"} {
			if r := api.get(path); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: %v, want 404", path, r)
			}
		}
	})
}
