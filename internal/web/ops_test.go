package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// TestHealthAndMetrics: /healthz answers when the database does, and
// /metrics counts requests and recorded donations.
func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		if r := s.anon().get("/healthz"); r.Status != http.StatusOK || strings.TrimSpace(r.Body) != "ok" {
			t.Errorf("/healthz: %v", r)
		}
		tok, err := db.CreateToken(context.Background(), audit.System, s.users[auth.Clerk].ID, "metrics")
		if err != nil {
			t.Fatal(err)
		}
		api := s.withToken(tok)
		if r := api.postJSON("/api/v1/donations", apiBody(500, time.Now().Add(-time.Hour), `"external_ref":"METRICS-1"`)); r.Status != http.StatusCreated {
			t.Fatalf("POST: %v", r)
		}
		form := donationForm(s.city.ID, "指标", "12.00")
		if r := s.as(auth.Clerk).postForm("/donations", form); r.Status != http.StatusSeeOther {
			t.Fatalf("form: %v", r)
		}
		s.anon().get("/no-such-page")

		r := s.anon().get("/metrics")
		if r.Status != http.StatusOK {
			t.Fatalf("/metrics: %v", r)
		}
		for _, want := range []string{
			`boai_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
			`boai_http_requests_total{code="404",method="GET",route="/"} 1`,
			// Requests of logged-in users and API clients count under
			// their route too.
			`boai_http_requests_total{code="201",method="POST",route="POST /api/v1/donations"} 1`,
			`boai_http_requests_total{code="303",method="POST",route="POST /donations"} 1`,
			`boai_donations_recorded_total{source="api"} 1`,
			`boai_donations_recorded_total{source="form"} 1`,
			`boai_http_request_duration_seconds_bucket`,
			`boai_errors_total{code="not_found"}`,
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}
