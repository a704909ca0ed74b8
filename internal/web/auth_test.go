package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/demo"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

func password(t *testing.T, username string) string {
	t.Helper()
	for _, a := range demo.Accounts {
		if a.Username == username {
			return a.Password
		}
	}
	t.Fatalf("no demo account %s", username)
	return ""
}

func sessionCookie(r *reply) *http.Cookie {
	for _, c := range r.resp.Cookies() {
		if c.Name == "boai_session" {
			return c
		}
	}
	return nil
}

// login posts the login form and returns the reply.
func login(c *client, username, pw, next string) *reply {
	c.t.Helper()
	return c.postForm("/login", url.Values{"username": {username}, "password": {pw}, "next": {next}})
}

// TestLoginAndLogout: a good login sets a safe session cookie and goes
// where it was asked (on this site only); logging out ends the session
// on the server, so the old cookie no longer works.
func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		anon := s.anon()
		r := login(anon, "Clerk ", password(t, "clerk"), "/donations?q=x")
		if r.Status != http.StatusSeeOther || r.location() != "/donations?q=x" {
			t.Fatalf("login: %v (Location %q), want 303 to /donations?q=x", r, r.location())
		}
		ck := sessionCookie(r)
		if ck == nil || ck.Value == "" {
			t.Fatalf("login set no session cookie: %v", r.Header["Set-Cookie"])
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
			t.Errorf("session cookie %q: HttpOnly=%v SameSite=%v Path=%q Secure=%v; want HttpOnly, Lax, /, not Secure on plain HTTP",
				r.Header.Get("Set-Cookie"), ck.HttpOnly, ck.SameSite, ck.Path, ck.Secure)
		}
		clerk := s.withSession(ck.Value)
		if r := clerk.get("/dashboard"); r.Status != http.StatusOK {
			t.Fatalf("dashboard with the new session: %v", r)
		}
		if r := clerk.get("/api/v1/donations"); r.Status != http.StatusOK {
			t.Fatalf("API with the new session: %v", r)
		}

		// Only local paths are followed after login.
		for _, next := range []string{"//evil.example.com/x", "https://evil.example.com/", `/\evil.example.com`, "javascript:alert(1)"} {
			r := login(anon, "clerk", password(t, "clerk"), next)
			if r.Status != http.StatusSeeOther || r.location() != "/dashboard" {
				t.Errorf("login with next=%q: %v to %q, want /dashboard", next, r.Status, r.location())
			}
		}

		r = clerk.postForm("/logout", nil)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Errorf("logout: %v (Location %q)", r, r.location())
		}
		if ck := sessionCookie(r); ck == nil || ck.MaxAge >= 0 || ck.Value != "" {
			t.Errorf("logout does not clear the cookie: %v", r.Header["Set-Cookie"])
		}
		if r := clerk.get("/dashboard"); !r.toLogin() {
			t.Errorf("dashboard with the logged-out cookie: %v, want 303 to /login", r)
		}
		if r := clerk.get("/api/v1/donations"); r.Status != http.StatusUnauthorized {
			t.Errorf("API with the logged-out cookie: %v, want 401", r)
		}
		if _, err := db.SessionUser(context.Background(), ck.Value); err == nil {
			t.Errorf("the session survives logout in the database")
		}

		// Behind HTTPS the cookie is Secure.
		secure := newEnv(t, db, web.Config{SecureCookies: true})
		r = login(secure.anon(), "clerk", password(t, "clerk"), "")
		if ck := sessionCookie(r); ck == nil || !ck.Secure || !ck.HttpOnly {
			t.Errorf("with SecureCookies the session cookie is %v", r.Header["Set-Cookie"])
		}
	})
}

// TestLoginFailures: a wrong password and an unknown user get the same
// 401 and message; after auth.LockAfter failures the account is locked,
// even against the right password.
func TestLoginFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel() // the lockout waits seconds by design; let the other backend run meanwhile
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{})
		anon := s.anon()

		wrong := login(anon, "finance", "not-the-password", "")
		unknown := login(anon, "nobody-here", "not-the-password", "")
		for name, r := range map[string]*reply{"wrong password": wrong, "unknown user": unknown} {
			if r.Status != http.StatusUnauthorized || sessionCookie(r) != nil {
				t.Errorf("%s: %v, want 401 without a session", name, r)
			}
		}
		if flashError(wrong.Body) == "" || flashError(wrong.Body) != flashError(unknown.Body) {
			t.Errorf("wrong password says %q, unknown user says %q; want the same message", flashError(wrong.Body), flashError(unknown.Body))
		}
		if r := login(anon, "finance", "", ""); r.Status != http.StatusUnauthorized {
			t.Errorf("empty password: %v, want 401", r)
		}
		if n, _, err := db.LoginState(ctx, "finance"); err != nil || n != 2 {
			t.Fatalf("after two failed logins over HTTP: %d failures recorded, %v", n, err)
		}
		// The rest of the failures through the store: past auth.SlowAfter
		// every HTTP attempt waits longer by design.
		for range auth.LockAfter - 2 {
			if _, err := db.Authenticate(ctx, "finance", "not-the-password"); err == nil {
				t.Fatal("a wrong password authenticated")
			}
		}
		before := s.counts()
		r := login(anon, "finance", password(t, "finance"), "")
		if r.Status != http.StatusTooManyRequests || sessionCookie(r) != nil {
			t.Errorf("right password after %d failures: %v, want 429 without a session", auth.LockAfter, r)
		}
		if after := s.counts(); after.Audit != before.Audit {
			t.Errorf("a locked-out login was recorded as a login")
		}
		// Other accounts are not locked.
		if r := login(anon, "clerk", password(t, "clerk"), ""); r.Status != http.StatusSeeOther {
			t.Errorf("another user while finance is locked: %v", r)
		}
	})
}

// TestAPITokens: a token works until it is revoked or its user is
// deactivated; a malformed Authorization header is refused.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSociety(t, db, 0, web.Config{})
		admin := s.as(auth.Admin)
		secret, err := db.CreateToken(ctx, audit.System, s.users[auth.Clerk].ID, "pos")
		if err != nil {
			t.Fatal(err)
		}
		api := s.withToken(secret)
		if r := api.get("/api/v1/donations"); r.Status != http.StatusOK {
			t.Fatalf("fresh token: %v", r)
		}
		toks, err := db.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, tk := range toks {
			if strings.HasPrefix(secret, tk.Prefix) {
				id = tk.ID
			}
		}
		if r := admin.postForm("/admin/tokens/"+strconv.FormatInt(id, 10)+"/revoke", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %v", r)
		}
		for _, path := range []string{"/api/v1/donations", "/dashboard"} {
			r := api.get(path)
			var e apiError
			if r.Status != http.StatusUnauthorized {
				t.Errorf("GET %s with a revoked token: %v, want 401", path, r)
			} else if strings.HasPrefix(path, "/api/") && (json.Unmarshal([]byte(r.Body), &e) != nil || e.Error.Code != "unauthorized") {
				t.Errorf("GET %s with a revoked token: body %q, want a JSON error", path, r.Body)
			}
		}
		if r := api.postJSON("/api/v1/donations", apiBody(100, s.cityGift.ReceivedAt, `"external_ref":"REVOKED-1"`)); r.Status != http.StatusUnauthorized {
			t.Errorf("POST with a revoked token: %v, want 401", r)
		}
		for _, h := range []string{"Basic Y2xlcms6cHc=", "Bearer", "Bearer not-a-token", "bearer " + secret} {
			if r := s.anon().get("/api/v1/donations", "Authorization", h); r.Status != http.StatusUnauthorized {
				t.Errorf("Authorization %q: %v, want 401", h, r)
			}
		}

		// Deactivating a user stops their tokens and sessions.
		wh := s.users[auth.Warehouse]
		whToken, err := db.CreateToken(ctx, audit.System, wh.ID, "scanner")
		if err != nil {
			t.Fatal(err)
		}
		if r := s.withToken(whToken).get("/api/v1/donations"); r.Status != http.StatusOK {
			t.Fatalf("warehouse token: %v", r)
		}
		form := url.Values{"display_name": {wh.DisplayName}, "role": {string(wh.Role)}, "branch": {strconv.FormatInt(wh.BranchID, 10)}}
		if r := admin.postForm("/admin/users/"+strconv.FormatInt(wh.ID, 10), form); r.Status != http.StatusSeeOther {
			t.Fatalf("deactivate: %v", r)
		}
		if r := s.withToken(whToken).get("/api/v1/donations"); r.Status != http.StatusUnauthorized {
			t.Errorf("token of a deactivated user: %v, want 401", r)
		}
		if r := s.as(auth.Warehouse).get("/dashboard"); !r.toLogin() {
			t.Errorf("session of a deactivated user: %v, want 303 to /login", r)
		}
	})
}
