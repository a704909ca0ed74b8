package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/supervision"
	"boai/internal/web"
)

// matrixFixture holds the records the route table's {id}s are filled with.
type matrixFixture struct {
	*society
	importID    int64
	targetUser  *auth.User // the user /admin/users/{id} routes act on
	spareTokens []int64    // tokens /admin/tokens/{id}/revoke may revoke
	goods       goodsIDs
	kn95        int64 // the item /goods/items/{id} edits
	hooks       webhookIDs
	expenditure int64
	receipts    receiptIDs
	alert       int64 // the alert /supervision/alerts/{id}/ack acknowledges
	disclosure  disclosureIDs
}

func newMatrixFixture(t *testing.T, db *store.DB) *matrixFixture {
	t.Helper()
	ctx := context.Background()
	// Look-ups are rate limited per client; the matrix is one client.
	f := &matrixFixture{society: newSociety(t, db, 10, web.Config{LookupRate: 1e9, VerifyRate: 1e9})}
	f.targetUser = f.users[auth.Warehouse]
	imp := &store.Import{Filename: "matrix.csv", Mapping: "{}", BranchID: f.city.ID, Designation: `{"kind":"undesignated"}`,
		Content: []byte("交易日期,对方户名,收入金额,流水号\n" + time.Now().Add(-48*time.Hour).In(cst).Format("2006-01-02") + ",张三,100.00,M001\n")}
	if err := db.CreateImport(ctx, audit.System, imp); err != nil {
		t.Fatal(err)
	}
	f.importID = imp.ID
	f.goods = newGoodsIDs(t, db, f.city.ID)
	f.hooks = newWebhookIDs(t, db)
	f.expenditure = newExpenditure(t, db)
	f.kn95 = mustItem(t, db, "MASK-KN95")
	f.receipts = newReceiptIDs(t, db, f.city.ID)
	if _, err := db.RaiseAlert(ctx, supervision.LogMismatch, "matrix:1", "矩阵测试的预警", supervision.Warning); err != nil {
		t.Fatal(err)
	}
	alerts, _, err := db.Alerts(ctx, supervision.Filter{Kind: supervision.LogMismatch})
	if err != nil || len(alerts) != 1 {
		t.Fatalf("matrix alert: %v %v", alerts, err)
	}
	f.alert = alerts[0].ID
	f.disclosure = newDisclosureIDs(t, db)
	for range 2 {
		if _, err := db.CreateToken(ctx, audit.System, f.users[auth.Clerk].ID, "spare"); err != nil {
			t.Fatal(err)
		}
	}
	toks, err := db.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range toks {
		f.spareTokens = append(f.spareTokens, tk.ID)
	}
	return f
}

var pathParamRE = regexp.MustCompile(`\{[^}]*\}`)

// path turns a route pattern into a method and a concrete path, filling
// each wildcard with a real record of the right kind.
func (f *matrixFixture) path(t *testing.T, pattern string) (string, string) {
	t.Helper()
	method, p, ok := strings.Cut(pattern, " ")
	if !ok {
		t.Fatalf("route %q has no method", pattern)
	}
	p = pathParamRE.ReplaceAllStringFunc(p, func(w string) string {
		switch w {
		case "{$}":
			return ""
		case "{cert}":
			return f.xihuGift.CertNo
		case "{lang}":
			return "en"
		case "{path...}":
			return "checkpoint" // the log is public: no role matters
		case "{index}":
			return "0"
		case "{file}":
			return strconv.FormatInt(f.goods.file, 10)
		case "{code}":
			return f.receipts.code
		case "{number}":
			return f.receipts.number
		case "{token}":
			return "sign_not-a-real-link" // answered 404 to everyone: the link is the key
		case "{date}", "{day}":
			return f.disclosure.date // a published day of the demo
		case "{id}":
			var id int64
			switch {
			case strings.HasPrefix(p, "/imports/"):
				id = f.importID
			case strings.HasPrefix(p, "/admin/users/"):
				id = f.targetUser.ID
			case strings.HasPrefix(p, "/admin/tokens/"):
				id = f.spareTokens[0]
			case strings.HasPrefix(p, "/admin/branches/"):
				id = f.xihu.ID
			case strings.HasPrefix(p, "/admin/webhooks/"):
				id = f.hooks.webhook
			case strings.HasPrefix(p, "/admin/deliveries/"):
				id = f.hooks.delivery
			case strings.HasPrefix(p, "/api/v1/inkind/"):
				id = f.goods.intake
			case strings.HasPrefix(p, "/api/v1/requests/"):
				id = f.goods.request
			case strings.HasPrefix(p, "/receipts/"):
				id = f.receipts.receipt
			case strings.HasPrefix(p, "/expenditures/"):
				id = f.expenditure
			case strings.HasPrefix(p, "/supervision/alerts/"):
				id = f.alert
			case strings.HasPrefix(p, "/disclosures/corrections/"), strings.HasPrefix(p, "/disclosure/corrections/"):
				id = f.disclosure.correction
			case strings.HasPrefix(p, "/goods/items/"):
				id = f.kn95
			case strings.HasPrefix(p, "/goods/intake/"):
				id = f.goods.intake
			case strings.HasPrefix(p, "/goods/prearrivals/"):
				id = f.goods.prearrival
			case strings.HasPrefix(p, "/goods/requests/"), strings.HasPrefix(p, "/goods/proposal/"):
				id = f.goods.request
			case strings.HasPrefix(p, "/goods/allocations/"):
				id = f.goods.allocation
			case strings.HasPrefix(p, "/goods/dispatches/"):
				id = f.goods.dispatch
			case strings.HasPrefix(p, "/donations/"), strings.HasPrefix(p, "/api/v1/donations/"):
				id = f.xihuGift.ID // a Xihu donation: every role may see it
			default:
				t.Fatalf("route %q: the matrix test does not know what {id} is here; add it", pattern)
			}
			return strconv.FormatInt(id, 10)
		}
		t.Fatalf("route %q: the matrix test has no value for %s; add one", pattern, w)
		return ""
	})
	return method, p
}

// callers are anonymous ("") and every role.
func callers() []auth.Role { return append([]auth.Role{""}, auth.Roles...) }

func roleName(r auth.Role) string {
	if r == "" {
		return "anonymous"
	}
	return string(r)
}

// writeForms are the GET routes that serve only to make a write (a blank
// form, an import's template, its preview before commit): they need the
// write's action, so supervisors, who write nothing, are not shown them.
// Every other staff GET is a read that supervisors may take.
var writeForms = map[string]bool{
	"GET /donations/new":              true,
	"GET /imports/new":                true,
	"GET /imports/{id}":               true,
	"GET /imports/{id}/progress":      true,
	"GET /goods/intake/new":           true,
	"GET /goods/requests/new":         true,
	"GET /goods/import":               true,
	"GET /goods/import/template.xlsx": true,
	"GET /expenditures/new":           true,
}

// TestSupervisorReadsEveryPage holds the route table to the supervisor's
// rule: every staff GET page and export is a read (supervisors see it),
// except the blank forms of writes listed in writeForms; every POST is a
// write (supervisors are refused). TestRoleMatrix then checks the answers.
func TestSupervisorReadsEveryPage(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	srv, err := web.NewServer(db, web.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	sup := &auth.User{Role: auth.Supervisor, Active: true}
	for _, rt := range srv.RouteSpecs() {
		if rt.Action == "" {
			continue
		}
		method, _, _ := strings.Cut(rt.Pattern, " ")
		switch {
		case method == http.MethodGet && writeForms[rt.Pattern]:
			seen[rt.Pattern] = true
			if rt.Action.ReadOnly() {
				t.Errorf("%s is listed as a write's form but needs %s, a read: take it off writeForms", rt.Pattern, rt.Action)
			}
		case method == http.MethodGet && !rt.Action.ReadOnly():
			t.Errorf("%s needs %s, a write: supervisors cannot read it. Give it a read action, or list it in writeForms if it is only a write's blank form", rt.Pattern, rt.Action)
		case method == http.MethodGet && !sup.Can(rt.Action):
			t.Errorf("%s: supervisors may not %s", rt.Pattern, rt.Action)
		case method != http.MethodGet && rt.Action.ReadOnly():
			t.Errorf("%s changes something under %s, a read action: supervisors could call it", rt.Pattern, rt.Action)
		case method != http.MethodGet && sup.Can(rt.Action):
			t.Errorf("%s: supervisors may %s", rt.Pattern, rt.Action)
		}
	}
	for p := range writeForms {
		if !seen[p] {
			t.Errorf("writeForms lists %s, which is not a staff GET route", p)
		}
	}
}

// TestRoleMatrix calls every route of the table as every role and as an
// anonymous visitor: a public route answers everyone; any other answers
// exactly the roles auth allows, refuses the rest with 403, and sends an
// anonymous visitor to the login page (UI) or answers 401 (API).
func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMatrixFixture(t, db)
		for _, role := range auth.Roles {
			if f.users[role] == nil {
				t.Fatalf("no demo account has role %s: the matrix cannot cover it", role)
			}
		}
		for _, rt := range f.srv.RouteSpecs() {
			method, path := f.path(t, rt.Pattern)
			isAPI := strings.HasPrefix(path, "/api/")
			for _, role := range callers() {
				c := f.anon()
				if role != "" {
					c = f.as(role)
				}
				var body url.Values
				switch rt.Pattern {
				case "POST /logout":
					if role != "" {
						// A session of its own, so the matrix keeps the role's.
						c = f.withSession(f.newSession(role))
					}
				case "POST /login":
					body = url.Values{"username": {"matrix-" + roleName(role)}, "password": {"not-the-password"}}
				}
				r := c.do(method, path, formType, []byte(body.Encode()))
				who := fmt.Sprintf("%s as %s", rt.Pattern, roleName(role))
				switch {
				case rt.Action == "":
					if r.Status == http.StatusForbidden || r.toLogin() ||
						(r.Status == http.StatusUnauthorized && rt.Pattern != "POST /login") {
						t.Errorf("%s: public route refused: %v", who, r)
					}
				case role == "" && isAPI:
					if r.Status != http.StatusUnauthorized {
						t.Errorf("%s: got %v, want 401", who, r)
					}
				case role == "":
					if !r.toLogin() {
						t.Errorf("%s: got %d (Location %q), want 303 to /login?next=", who, r.Status, r.location())
					}
				case f.users[role].Can(rt.Action):
					if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || r.toLogin() {
						t.Errorf("%s: %s may %s, but got %v", who, role, rt.Action, r)
					}
				default:
					if r.Status != http.StatusForbidden {
						t.Errorf("%s: %s may not %s, got %v, want 403", who, role, rt.Action, r)
					}
				}
				if r.Status >= 500 {
					t.Errorf("%s: server error %v", who, r)
				}
			}
		}
	})
}

// TestBranchStaffSeeOnlyTheirBranch: a district branch's staff read and
// record only their own branch's donations; another branch's records are
// "not found", not "forbidden", so ids do not leak either.
func TestBranchStaffSeeOnlyTheirBranch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 30, web.Config{})
		xihu, clerk := s.as(auth.Branch), s.as(auth.Clerk)
		other := strconv.FormatInt(s.cityGift.ID, 10)
		own := strconv.FormatInt(s.xihuGift.ID, 10)
		for _, p := range []string{"/donations/", "/api/v1/donations/"} {
			for _, suffix := range []string{"", "/certificate.pdf", "/certificate.png"} {
				if p == "/donations/" && suffix != "" {
					continue
				}
				if r := xihu.get(p + other + suffix); r.Status != http.StatusNotFound {
					t.Errorf("branch staff GET %s%s%s (city donation): %v, want 404", p, other, suffix, r)
				} else if strings.Contains(r.Body, s.cityGift.CertNo) || strings.Contains(r.Body, s.cityGift.Donor.Name) {
					t.Errorf("branch staff GET %s%s%s: the 404 shows the donation", p, other, suffix)
				}
				if r := xihu.get(p + own + suffix); r.Status != http.StatusOK {
					t.Errorf("branch staff GET %s%s%s (own donation): %v, want 200", p, own, suffix, r)
				}
				if r := clerk.get(p + other + suffix); r.Status != http.StatusOK {
					t.Errorf("city clerk GET %s%s%s: %v, want 200", p, other, suffix, r)
				}
			}
		}

		ctx := context.Background()
		cityList, _, _, err := db.Donations(ctx, store.DonationFilter{Branch: s.city.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(cityList) < 2 {
			t.Fatalf("seed has %d city donations; the test needs some", len(cityList))
		}
		for _, q := range []string{"", "?branch=" + strconv.FormatInt(s.city.ID, 10), "?q=" + url.QueryEscape(s.cityGift.Donor.Name)} {
			r := xihu.get("/donations" + q)
			if r.Status != http.StatusOK {
				t.Fatalf("branch staff GET /donations%s: %v", q, r)
			}
			if q == "" && !strings.Contains(r.Body, s.xihuGift.CertNo) {
				t.Errorf("branch staff GET /donations: own donation %s missing", s.xihuGift.CertNo)
			}
			for _, d := range cityList {
				if strings.Contains(r.Body, d.CertNo) {
					t.Errorf("branch staff GET /donations%s lists city donation %s", q, d.CertNo)
				}
			}

			r = xihu.get("/donations/export.xlsx" + q)
			if r.Status != http.StatusOK {
				t.Fatalf("branch staff export%s: %v", q, r)
			}
			x, err := excelize.OpenReader(strings.NewReader(r.Body))
			if err != nil {
				t.Fatalf("branch staff export%s: %v", q, err)
			}
			rows, err := x.GetRows("Sheet1")
			x.Close()
			if err != nil || len(rows) < 1 {
				t.Fatalf("branch staff export%s: %d rows, %v", q, len(rows), err)
			}
			for _, row := range rows[1:] {
				if len(row) < 10 || row[9] != s.xihu.Name {
					t.Errorf("branch staff export%s has a row of another branch: %v", q, row)
				}
			}

			r = xihu.get("/api/v1/donations" + q)
			var list struct {
				Total int
				Items []struct {
					CertificateNo string `json:"certificate_no"`
					Branch        struct{ ID int64 }
				}
			}
			if err := json.Unmarshal([]byte(r.Body), &list); err != nil || r.Status != http.StatusOK {
				t.Fatalf("branch staff GET /api/v1/donations%s: %v (%v)", q, r, err)
			}
			for _, it := range list.Items {
				if it.Branch.ID != s.xihu.ID {
					t.Errorf("branch staff API list%s shows %s of branch %d", q, it.CertificateNo, it.Branch.ID)
				}
			}
		}

		// Nor may they record for another branch.
		before := s.counts()
		tok, err := db.CreateToken(ctx, audit.System, s.users[auth.Branch].ID, "xihu")
		if err != nil {
			t.Fatal(err)
		}
		body := `{"donor":{"name":"越权"},"amount_fen":100,"channel":"bank","received_at":"` +
			time.Now().Add(-time.Hour).Format(time.RFC3339) + `","branch":"HZ","external_ref":"XIHU-FOR-CITY"}`
		if r := s.withToken(tok).postJSON("/api/v1/donations", body); r.Status != http.StatusForbidden {
			t.Errorf("branch staff API records for the city: %v, want 403", r)
		}
		form := donationForm(s.city.ID, "越权", "100.00")
		if r := xihu.postForm("/donations", form); r.Status != http.StatusForbidden {
			t.Errorf("branch staff form records for the city: %v, want 403", r)
		}
		if after := s.counts(); after.Donations != before.Donations {
			t.Errorf("donations %d → %d after refused writes", before.Donations, after.Donations)
		}
	})
}

// donationForm is a valid new-donation form.
func donationForm(branch int64, donor, amount string) url.Values {
	return url.Values{
		"donor_kind": {"person"}, "donor_name": {donor}, "phone": {"13500001234"}, "amount": {amount},
		"channel": {"bank"}, "received_at": {time.Now().Add(-time.Hour).In(cst).Format("2006-01-02T15:04")},
		"branch": {strconv.FormatInt(branch, 10)}, "designation_kind": {"undesignated"},
	}
}

// TestSupervisorCannotWrite sends every write route a request that would
// succeed for a role allowed to make it; the supervisor gets 403 from each
// and the database does not change.
func TestSupervisorCannotWrite(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMatrixFixture(t, db)
		sup := f.as(auth.Supervisor)
		csvType, csvBody := multipartBody(t, map[string]string{"branch": strconv.FormatInt(f.city.ID, 10), "designation_kind": "undesignated"},
			"stmt.csv", []byte("交易日期,对方户名,收入金额,流水号\n"+time.Now().Add(-48*time.Hour).In(cst).Format("2006-01-02")+",李四,200.00,SUP1\n"))
		api := `{"donor":{"name":"纪检"},"amount_fen":100,"channel":"bank","received_at":"` +
			time.Now().Add(-time.Hour).Format(time.RFC3339) + `","external_ref":"SUPERVISOR-1"}`
		valid := map[string]struct {
			ctype string
			body  []byte
		}{
			"POST /donations":                   {formType, []byte(donationForm(f.city.ID, "纪检", "100.00").Encode())},
			"POST /donations/{id}/reverse":      {formType, []byte("reason=" + url.QueryEscape("纪检试图冲正"))},
			"POST /imports":                     {csvType, csvBody},
			"POST /imports/{id}/commit":         {formType, []byte("expect=1")},
			"POST /admin/users":                 {formType, []byte("username=sup-made&password=supervisor-pw-123&role=admin&branch=" + strconv.FormatInt(f.city.ID, 10))},
			"POST /admin/users/{id}":            {formType, []byte("display_name=x&role=admin&active=1&branch=" + strconv.FormatInt(f.city.ID, 10))},
			"POST /admin/users/{id}/password":   {formType, []byte("password=supervisor-pw-123")},
			"POST /admin/users/{id}/tokens":     {formType, []byte("name=sup")},
			"POST /admin/tokens/{id}/revoke":    {formType, nil},
			"POST /admin/branches":              {formType, []byte("code=HZ-SUP&name=" + url.QueryEscape("纪检分会"))},
			"POST /admin/branches/{id}":         {formType, []byte("name=" + url.QueryEscape("改名"))},
			"POST /api/v1/donations":            {"application/json", []byte(api)},
			"POST /supervision/alerts/{id}/ack": {formType, []byte("note=" + url.QueryEscape("纪检自行确认"))},
		}
		for k, v := range fundsWrites() {
			valid[k] = struct {
				ctype string
				body  []byte
			}{formType, []byte(v)}
		}
		for k, v := range receiptWrites(f.goods) {
			valid[k] = struct {
				ctype string
				body  []byte
			}{formType, []byte(v)}
		}
		for k, v := range disclosureWrites(f.disclosure) {
			valid[k] = struct {
				ctype string
				body  []byte
			}{formType, []byte(v)}
		}
		for k, v := range webhookWrites() {
			valid[k] = struct {
				ctype string
				body  []byte
			}{formType, []byte(v)}
		}
		for k, v := range apiGoodsWrites(f.goods) {
			valid[k] = struct {
				ctype string
				body  []byte
			}{"application/json", []byte(v)}
		}
		for k, v := range goodsWrites(f.goods) {
			valid[k] = struct {
				ctype string
				body  []byte
			}{formType, []byte(v)}
		}
		for k, v := range goodsImportWrites(t, f.city.ID) {
			valid[k] = v
		}
		before := f.counts()
		n := 0
		for _, rt := range f.srv.RouteSpecs() {
			method, path := f.path(t, rt.Pattern)
			if method != http.MethodPost || rt.Action == "" {
				continue
			}
			n++
			req, ok := valid[rt.Pattern]
			if !ok {
				t.Errorf("%s: no valid body in this test; add one so the refusal is meaningful", rt.Pattern)
				req.ctype = formType
			}
			if r := sup.do(method, path, req.ctype, req.body); r.Status != http.StatusForbidden {
				t.Errorf("supervisor %s: %v, want 403", rt.Pattern, r)
			}
		}
		if n < len(valid) {
			t.Errorf("only %d write routes in the table, the test knows %d", n, len(valid))
		}
		if after := f.counts(); after != before {
			t.Errorf("supervisor's refused writes changed the database: %+v → %+v", before, after)
		}
		ctx := context.Background()
		if imp, err := db.Import(ctx, f.importID); err != nil || imp.Status != store.ImportPreview {
			t.Errorf("import after supervisor commit: %+v, %v; want still in preview", imp, err)
		}
		if d, err := db.Donation(ctx, f.xihuGift.ID); err != nil || d.ReversedBy != 0 {
			t.Errorf("donation after supervisor reversal: reversed by %d, %v", d.ReversedBy, err)
		}
		toks, err := db.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range toks {
			if !tk.RevokedAt.IsZero() {
				t.Errorf("token %d revoked after the supervisor's refused revoke", tk.ID)
			}
		}
		if u, err := db.User(ctx, f.targetUser.ID); err != nil || u.Role != f.targetUser.Role {
			t.Errorf("user after supervisor update: %+v, %v", u, err)
		}
		if a, err := db.Alert(ctx, f.alert); err != nil || !a.Open() {
			t.Errorf("alert after the supervisor's acknowledgement: %+v, %v; want still open", a, err)
		}
	})
}

// TestCrossOriginPostsRefused: a form posted from another site (CSRF) is
// refused whether the browser says so in Sec-Fetch-Site or only in
// Origin, and records nothing; the same form from the site itself works.
func TestCrossOriginPostsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		clerk := s.as(auth.Clerk)
		form := donationForm(s.city.ID, "跨站", "66.00")
		before := s.counts()
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Origin", "https://evil.example.com"},
			{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example.com"},
		} {
			if r := clerk.postForm("/donations", form, hdr...); r.Status != http.StatusForbidden {
				t.Errorf("POST /donations with %v: %v, want 403", hdr, r)
			}
			rev := url.Values{"reason": {"跨站冲正"}}
			if r := clerk.postForm("/donations/"+strconv.FormatInt(s.cityGift.ID, 10)+"/reverse", rev, hdr...); r.Status != http.StatusForbidden {
				t.Errorf("POST reverse with %v: %v, want 403", hdr, r)
			}
		}
		if after := s.counts(); after != before {
			t.Errorf("cross-origin posts changed the database: %+v → %+v", before, after)
		}
		r := clerk.postForm("/donations", form, "Sec-Fetch-Site", "same-origin", "Origin", s.url)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/donations/") {
			t.Fatalf("same-origin POST /donations: %v, want 303 to the new donation", r)
		}
		if after := s.counts(); after.Donations != before.Donations+1 {
			t.Errorf("same-origin post: %d donations, want %d", after.Donations, before.Donations+1)
		}
	})
}
