// Package web is boai's HTTP edge: the staff UI, the public pages and the
// JSON API. Handlers are thin: parse, authorise, call the store or the
// domain, render.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/i18n"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/supervision"
)

//go:embed all:templates static
var assets embed.FS

// Config is what the web layer needs to know about its deployment.
type Config struct {
	Society       string         // the society's name, printed on certificates
	SocietyEn     string         // its English name
	BaseURL       string         // public URL, for QR codes, e.g. https://boai.example.org
	Location      *time.Location // the society's time zone
	SecureCookies bool           // mark cookies Secure (behind HTTPS)
	LookupRate    float64        // public look-ups per minute per client
	VerifyRate    float64        // certificate verifications (QR scans) per minute per client
	Cutoff        time.Duration  // daily cut-off of the goods list, from midnight (default 16:00)
	WaitHours     int            // goods in stock longer than this are flagged (default 24)
	// SecondApprovalOver: expenditures above it need a second approver and
	// alert supervisors (default ¥50,000).
	SecondApprovalOver money.Fen
	// IntakeRoles are the sign-off roles in-kind intake requires (default
	// unloading, sorting, counting; the medical-grade check is added for
	// medical-grade items).
	IntakeRoles []string
	// ApprovalSteps an allocation passes, and per step the roles that
	// decide there (default: task force by clerks, then leadership).
	ApprovalSteps []string
	StepRoles     map[string][]string
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the real client, for rate limits and the audit trail.
	TrustedProxies []netip.Prefix
	// LogDir is the public log's directory, served at /log/ (tlog-tiles);
	// LogKey its verifier key, shown on the site. Empty: no public log.
	LogDir string
	LogKey string
	// AlertRules are the limits the alert scan holds the society to,
	// shown on the supervision page (zero: supervision.DefaultRules).
	AlertRules supervision.Rules
	// PackageExtra adds files to the audit package of a period (the public
	// log's checkpoints and proofs); nil adds none.
	PackageExtra PackageExtra
	// DisclosureDue is when a day's disclosure must be published, from
	// the midnight that ends the day (default 12:00 the next day).
	DisclosureDue time.Duration
}

// Server serves boai over HTTP.
type Server struct {
	db      *store.DB
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	tmpl    map[string]*template.Template
	limiter *limiter // donor look-ups
	// verifyLimiter is looser: a QR scan is a single look-up of a number
	// printed on paper, and a crowd at an event shares one address.
	verifyLimiter *limiter
	imports       *importProgress
	tokens        tokenCache
	// branchNames caches branch names for API answers.
	branchNames sync.Map
	bg          sync.WaitGroup
	// discPages caches the rendered pages of published disclosures.
	discPages pageCache
}

// NewServer parses the templates and returns a server ready to serve.
func NewServer(db *store.DB, cfg Config, log *slog.Logger, m *Metrics) (*Server, error) {
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.LookupRate == 0 {
		cfg.LookupRate = 10
	}
	if cfg.VerifyRate == 0 {
		cfg.VerifyRate = 60
	}
	if cfg.AlertRules == (supervision.Rules{}) {
		cfg.AlertRules = supervision.DefaultRules
	}
	if cfg.DisclosureDue == 0 {
		cfg.DisclosureDue = 12 * time.Hour
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{db: db, cfg: cfg, log: log, metrics: m,
		limiter: newLimiter(cfg.LookupRate, 5), verifyLimiter: newLimiter(cfg.VerifyRate, 20), imports: newImportProgress()}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// Wait waits for background work (imports) to finish, for a clean shutdown.
func (s *Server) Wait() { s.bg.Wait() }

func (s *Server) parseTemplates() error {
	funcs := template.FuncMap{
		"yuan":     func(f money.Fen) string { return f.Yuan() },
		"capital":  money.Capital,
		"date":     func(t time.Time) string { return s.fmtTime(t, "2006-01-02") },
		"datetime": func(t time.Time) string { return s.fmtTime(t, "2006-01-02 15:04") },
		"rfc3339":  func(t time.Time) string { return s.fmtTime(t, "2006-01-02T15:04") },
		"add":      func(a, b int) int { return a + b },
		"sub":      func(a, b int) int { return a - b },
		"neg":      func(f money.Fen) bool { return f < 0 },
		"repeat":   strings.Repeat,
		"list":     func(xs ...string) []string { return xs },
		"permille": func(n int64) string { return fmt.Sprintf("%d.%d%%", n/10, n%10) },
		"minutes":  func(d time.Duration) string { return fmt.Sprintf("%.1f min", d.Minutes()) },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"at": at, // the i-th value of a repeated form field
		"elapsed": func(d time.Duration) string {
			if d < time.Hour {
				return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
			}
			return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
		},
		"qty": func(it any, n int64) string {
			switch it := it.(type) {
			case goods.Item:
				return it.Quantity(n)
			case *goods.Item:
				return it.Quantity(n)
			}
			return strconv.FormatInt(n, 10)
		},
		"itemOf": func(m map[int64]goods.Item, id int64) *goods.Item { it := m[id]; return &it },
		"neg64":  func(n int64) int64 { return -n },
		"yuanOf": func(f int64) string { return money.Fen(f).Yuan() },
		"pick":   func(n int, v string) map[string]any { return map[string]any{"N": n, "V": v} },
	}
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	s.tmpl = map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		layout := "templates/_layout.html"
		if strings.HasPrefix(name, "public_") {
			layout = "templates/_public.html"
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, layout, "templates/_partials.html", "templates/_disclosure.html", p)
		if err != nil {
			return err
		}
		s.tmpl[name] = t
	}
	return nil
}

func (s *Server) fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.cfg.Location).Format(layout)
}

// page is what every template receives.
type page struct {
	Title   string
	User    *auth.User
	Lang    string
	Path    string
	Society string
	Flash   string
	Error   string
	Data    any
	BaseURL string
	// What awaits this user's decision, shown in the menu: allocations at
	// a step their role decides, expenditures to approve.
	AwaitGoods, AwaitFunds int
}

// T translates key into the page's language.
func (p *page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Step names an approval step: its translation for the default steps, the
// society's own name for steps it configured.
func (p *page) Step(name string) string {
	if s := p.T("step." + name); s != "step."+name {
		return s
	}
	return name
}

// Bi picks the page's language from a bilingual "中文 / English" text, as
// the domain writes its reasons; other text is shown as it is.
func (p *page) Bi(s string) string {
	zh, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	if p.Lang == "en" {
		return en
	}
	return zh
}

// Can reports whether the page's user may do action (for showing links).
func (p *page) Can(a string) bool { return p.User.Can(auth.Action(a)) }

// Fund is a designation's fund label in the page's language.
func (p *page) Fund(d donation.Designation) string {
	if p.Lang == "en" {
		return d.FundLabelEn()
	}
	return d.FundLabel()
}

// OtherLang is the language the switch offers.
func (p *page) OtherLang() string {
	if p.Lang == "en" {
		return "zh"
	}
	return "en"
}

type ctxKey int

const (
	userKey ctxKey = iota + 1
	patternKey
	proxiesKey
)

func userFrom(ctx context.Context) *auth.User {
	u, _ := ctx.Value(userKey).(*auth.User)
	return u
}

// branchName names a branch for a response; branches change rarely, so
// the names are cached in the process.
func (s *Server) branchName(ctx context.Context, id int64) string {
	if v, ok := s.branchNames.Load(id); ok {
		return v.(string)
	}
	b, err := s.db.Branch(ctx, id)
	if err != nil {
		return ""
	}
	s.branchNames.Store(id, b.Name)
	return b.Name
}
