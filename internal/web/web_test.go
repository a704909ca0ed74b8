package web_test

// The tests in this package drive the real handler over real HTTP
// (httptest.NewServer) on a real database, SQLite and, when
// BOAI_TEST_POSTGRES is set, PostgreSQL. Nothing is mocked. Sessions for
// the demo accounts are made with the store (CreateSession), so only the
// tests about logging in pay for argon2.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/demo"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/store"
	"boai/internal/web"
)

// testEnv is one boai server on one database.
type testEnv struct {
	t   *testing.T
	db  *store.DB
	srv *web.Server
	url string
}

// newEnv serves db over HTTP until the test ends. The server's log goes
// to the test's output, shown when a test fails.
func newEnv(t *testing.T, db *store.DB, cfg web.Config) *testEnv {
	t.Helper()
	if cfg.Society == "" {
		cfg.Society = "杭州市红十字会"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://boai.example.org"
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := web.NewServer(db, cfg, log, web.NewMetrics())
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	// Cleanups run last-in first-out: the server stops, and background
	// imports finish, before the database (opened earlier) closes.
	t.Cleanup(func() {
		ts.Close()
		srv.Wait()
	})
	return &testEnv{t: t, db: db, srv: srv, url: ts.URL}
}

// noRedirect lets the tests see redirects (303 to /login, to the new
// record) instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
	Timeout:       30 * time.Second,
}

// client makes requests as one caller: anonymous, a session cookie, or an
// API token.
type client struct {
	t       *testing.T
	base    string
	session string // boai_session cookie value
	token   string // Bearer token
}

func (e *testEnv) anon() *client { return &client{t: e.t, base: e.url} }

func (e *testEnv) withSession(secret string) *client {
	return &client{t: e.t, base: e.url, session: secret}
}

func (e *testEnv) withToken(secret string) *client {
	return &client{t: e.t, base: e.url, token: secret}
}

// reply is a response read in full.
type reply struct {
	Status int
	Header http.Header
	Body   string
	resp   *http.Response
}

func (r *reply) location() string { return r.Header.Get("Location") }

// toLogin reports whether r is the redirect require answers anonymous UI
// requests with.
func (r *reply) toLogin() bool {
	return r.Status == http.StatusSeeOther && strings.HasPrefix(r.location(), "/login?next=")
}

func (r *reply) String() string {
	b := r.Body
	if len(b) > 600 {
		b = b[:600] + "…"
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

// send makes one request; it does not touch t, so goroutines may call it.
func (c *client) send(method, path, ctype string, body []byte, hdr ...string) (*reply, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: "boai_session", Value: c.session})
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &reply{Status: resp.StatusCode, Header: resp.Header, Body: string(b), resp: resp}, nil
}

func (c *client) do(method, path, ctype string, body []byte, hdr ...string) *reply {
	c.t.Helper()
	r, err := c.send(method, path, ctype, body, hdr...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (c *client) get(path string, hdr ...string) *reply {
	c.t.Helper()
	return c.do("GET", path, "", nil, hdr...)
}

const formType = "application/x-www-form-urlencoded"

func (c *client) postForm(path string, v url.Values, hdr ...string) *reply {
	c.t.Helper()
	return c.do("POST", path, formType, []byte(v.Encode()), hdr...)
}

func (c *client) postJSON(path, body string, hdr ...string) *reply {
	c.t.Helper()
	return c.do("POST", path, "application/json", []byte(body), hdr...)
}

// multipartBody encodes fields and one file as multipart/form-data.
func multipartBody(t *testing.T, fields map[string]string, filename string, content []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// society is the demo society on one database: branches, the demo
// accounts with a live session each, and a few donations the tests know.
type society struct {
	*testEnv
	city, xihu *org.Branch
	users      map[auth.Role]*auth.User
	sessions   map[auth.Role]string
	// cityGift and xihuGift are person donations with a phone and an ID
	// number, at the city society and at the Xihu branch.
	cityGift, xihuGift *donation.Donation
	// anonGift is an anonymous person's donation, with a phone.
	anonGift *donation.Donation
}

// Private details of the known donations; public pages never show them.
const (
	cityPhone = "13912345678"
	cityID    = "330106199001011234"
	xihuPhone = "13787654321"
	xihuID    = "33010619850505432X"
	anonPhone = "13600001111"
	anonName  = "钱隐名"
)

// newSociety seeds the demo society with n random donations plus the
// known ones, and serves it with cfg.
func newSociety(t *testing.T, db *store.DB, n int, cfg web.Config) *society {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if _, err := demo.Seed(ctx, db, now, n); err != nil {
		t.Fatalf("demo.Seed: %v", err)
	}
	s := &society{testEnv: newEnv(t, db, cfg), users: map[auth.Role]*auth.User{}, sessions: map[auth.Role]string{}}
	var err error
	if s.city, err = db.BranchByCode(ctx, "HZ"); err != nil {
		t.Fatal(err)
	}
	if s.xihu, err = db.BranchByCode(ctx, "HZ-XH"); err != nil {
		t.Fatal(err)
	}
	for _, acc := range demo.Accounts {
		u, err := db.UserByName(ctx, acc.Username)
		if err != nil {
			t.Fatal(err)
		}
		s.users[acc.Role] = u
		s.sessions[acc.Role] = s.newSession(acc.Role)
	}
	at := now.Add(-2 * time.Hour).Truncate(time.Second)
	s.cityGift = s.record(&donation.Donation{
		Donor:     donation.Donor{Kind: donation.Person, Name: "欧阳明远", Phone: cityPhone, IDNumber: cityID},
		AmountFen: 123456, Channel: donation.Bank, ReceivedAt: at, BranchID: s.city.ID, ExternalRef: "KNOWN-CITY",
	})
	s.xihuGift = s.record(&donation.Donation{
		Donor:     donation.Donor{Kind: donation.Person, Name: "林西湖", Phone: xihuPhone, IDNumber: xihuID},
		AmountFen: 65432, Channel: donation.WeChat, ReceivedAt: at, BranchID: s.xihu.ID, ExternalRef: "KNOWN-XIHU",
		Designation: donation.Designation{Kind: donation.Region, Target: "淳安县"},
	})
	s.anonGift = s.record(&donation.Donation{
		Donor:     donation.Donor{Kind: donation.Person, Name: anonName, Phone: anonPhone, Anonymous: true},
		AmountFen: 50000, Channel: donation.Alipay, ReceivedAt: at, BranchID: s.city.ID, ExternalRef: "KNOWN-ANON",
	})
	return s
}

// newSession logs role's demo account in through the store.
func (s *society) newSession(role auth.Role) string {
	s.t.Helper()
	secret, err := s.db.CreateSession(context.Background(), audit.System, s.users[role])
	if err != nil {
		s.t.Fatalf("session for %s: %v", role, err)
	}
	return secret
}

func (s *society) as(role auth.Role) *client { return s.withSession(s.sessions[role]) }

// record stores d through the store, as the system.
func (s *society) record(d *donation.Donation) *donation.Donation {
	s.t.Helper()
	if d.Source == "" {
		d.Source = donation.SourceForm
	}
	if _, err := s.db.CreateDonation(context.Background(), audit.System, d); err != nil {
		s.t.Fatalf("record donation: %v", err)
	}
	return d
}

// counts is what a write would change; equal counts mean nothing was
// written.
type counts struct {
	Donations, Audit, Users, Tokens, Branches int
	Sum                                       money.Fen
}

func (e *testEnv) counts() counts {
	e.t.Helper()
	ctx := context.Background()
	var c counts
	var err error
	if _, c.Donations, c.Sum, err = e.db.Donations(ctx, store.DonationFilter{Limit: 1}); err != nil {
		e.t.Fatal(err)
	}
	if _, c.Audit, err = e.db.AuditEntries(ctx, audit.Filter{Limit: 1}); err != nil {
		e.t.Fatal(err)
	}
	us, err := e.db.Users(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	ts, err := e.db.Tokens(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	bs, err := e.db.Branches(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	c.Users, c.Tokens, c.Branches = len(us), len(ts), len(bs)
	return c
}

var flashErrRE = regexp.MustCompile(`(?s)<p class="flash err"[^>]*>(.*?)</p>`)

// flashError is the error paragraph of an HTML page, "" if none.
func flashError(body string) string {
	m := flashErrRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// cst formats t as the forms expect, in the society's zone.
var cst = time.FixedZone("CST", 8*3600)
