package main

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"boai/internal/auth"
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/supervision"
	"boai/internal/tlog"
	"boai/internal/web"
)

// Config is boai's whole configuration: defaults, then environment, then
// flags.
type Config struct {
	Addr           string
	Data           string
	DB             string // postgres:// URL; empty for SQLite in Data
	BaseURL        string
	Society        string
	SocietyEn      string
	CertPrefix     string
	Timezone       string
	SecureCookies  bool
	LookupRate     float64
	TrustedProxies string // comma-separated CIDRs or addresses of the load balancers
	Cutoff         string // daily cut-off for the available-and-arriving list, HH:MM
	WaitHours      int    // goods in stock longer than this are flagged as waiting, and alerted
	ReceiptDays    int    // receipt requests unanswered longer than this many days are alerted
	SecondApproval string // yuan above which an expenditure needs a second approver
	IntakeRoles    string // comma-separated sign-off roles at in-kind intake
	ApprovalSteps  string // "step=role+role,step=role": an allocation's approval steps in order
	LogDir         string // the public log's directory; default <data>/log
	LogKey         string // the file holding the log's signer key; default <data>/log.key
	DisclosureAt   string // HH:MM: when the previous day's disclosure draft is prepared
	DisclosureDue  string // HH:MM: by when the previous day's disclosure must be published
}

func defaultConfig() Config {
	return Config{
		Addr: ":8080", Data: "./boai-data", Society: "杭州市红十字会", SocietyEn: "Hangzhou Red Cross Society",
		CertPrefix: "HZ", Timezone: "Asia/Shanghai", LookupRate: 10, Cutoff: "16:00", WaitHours: 24, ReceiptDays: 7, SecondApproval: "50000",
		IntakeRoles: "unloading,sorting,counting", ApprovalSteps: "taskforce=clerk+admin,leadership=approver+admin",
		DisclosureAt: "09:00", DisclosureDue: "12:00",
	}
}

// env overrides c from BOAI_* variables.
func (c *Config) env() {
	str := func(name string, dst *string) {
		if v, ok := os.LookupEnv(name); ok {
			*dst = v
		}
	}
	str("BOAI_ADDR", &c.Addr)
	str("BOAI_DATA", &c.Data)
	str("BOAI_DB", &c.DB)
	str("BOAI_BASE_URL", &c.BaseURL)
	str("BOAI_SOCIETY", &c.Society)
	str("BOAI_SOCIETY_EN", &c.SocietyEn)
	str("BOAI_CERT_PREFIX", &c.CertPrefix)
	str("BOAI_TZ", &c.Timezone)
	str("BOAI_TRUSTED_PROXIES", &c.TrustedProxies)
	str("BOAI_CUTOFF", &c.Cutoff)
	str("BOAI_SECOND_APPROVAL", &c.SecondApproval)
	str("BOAI_INTAKE_ROLES", &c.IntakeRoles)
	str("BOAI_APPROVAL_STEPS", &c.ApprovalSteps)
	str("BOAI_LOG_DIR", &c.LogDir)
	str("BOAI_LOG_KEY", &c.LogKey)
	str("BOAI_DISCLOSURE_AT", &c.DisclosureAt)
	str("BOAI_DISCLOSURE_DUE", &c.DisclosureDue)
	if v, err := strconv.Atoi(os.Getenv("BOAI_WAIT_HOURS")); err == nil {
		c.WaitHours = v
	}
	if v, err := strconv.Atoi(os.Getenv("BOAI_RECEIPT_DAYS")); err == nil {
		c.ReceiptDays = v
	}
	if v, err := strconv.ParseBool(os.Getenv("BOAI_SECURE_COOKIES")); err == nil {
		c.SecureCookies = v
	}
}

// flags registers the flags every subcommand shares.
func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "data directory: SQLite database, generated files (env BOAI_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "PostgreSQL URL, e.g. postgres://user@host/db; empty for the embedded SQLite (env BOAI_DB)")
	fs.StringVar(&c.Timezone, "tz", c.Timezone, "the society's time zone (env BOAI_TZ)")
}

func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env BOAI_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL for QR codes and links; default http://localhost<addr> (env BOAI_BASE_URL)")
	fs.StringVar(&c.Society, "society", c.Society, "the society's name (env BOAI_SOCIETY)")
	fs.StringVar(&c.CertPrefix, "cert-prefix", c.CertPrefix, "certificate number prefix (env BOAI_CERT_PREFIX)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure; set behind HTTPS (env BOAI_SECURE_COOKIES)")
	fs.StringVar(&c.Cutoff, "cutoff", c.Cutoff, "daily cut-off (HH:MM, society time) for the next day's available-and-arriving goods list (env BOAI_CUTOFF)")
	fs.StringVar(&c.SecondApproval, "second-approval", c.SecondApproval, "yuan above which an expenditure needs a second approver and alerts supervisors (env BOAI_SECOND_APPROVAL)")
	fs.StringVar(&c.IntakeRoles, "intake-roles", c.IntakeRoles, "who signs each line at in-kind intake: unloading, sorting, counting, medical_check (added for medical-grade items anyway) (env BOAI_INTAKE_ROLES)")
	fs.StringVar(&c.ApprovalSteps, "approval-steps", c.ApprovalSteps, "an allocation's approval steps and the roles deciding at each (env BOAI_APPROVAL_STEPS)")
	fs.IntVar(&c.WaitHours, "wait-hours", c.WaitHours, "flag goods in stock longer than this many hours, and alert supervisors (env BOAI_WAIT_HOURS)")
	fs.IntVar(&c.ReceiptDays, "receipt-days", c.ReceiptDays, "alert supervisors to receipt requests unanswered for longer than this many days (env BOAI_RECEIPT_DAYS)")
	fs.StringVar(&c.LogDir, "log-dir", c.LogDir, "the public log's directory, served at /log/; processes sharing a PostgreSQL database share it, one writes (default <data>/log; env BOAI_LOG_DIR)")
	fs.StringVar(&c.LogKey, "log-key", c.LogKey, "file with the public log's signer key, created on first start (default <data>/log.key; env BOAI_LOG_KEY)")
	fs.StringVar(&c.DisclosureAt, "disclosure-at", c.DisclosureAt, "time of day (HH:MM, society time) the previous day's disclosure draft is prepared (env BOAI_DISCLOSURE_AT)")
	fs.StringVar(&c.DisclosureDue, "disclosure-due", c.DisclosureDue, "time of day (HH:MM) by which the previous day's disclosure must be published, or supervisors are alerted (env BOAI_DISCLOSURE_DUE)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "load balancers whose X-Forwarded-For is believed, e.g. 10.0.0.0/8 (env BOAI_TRUSTED_PROXIES)")
}

// alertRules are the limits the alert scan holds the society to.
func (c *Config) alertRules() (supervision.Rules, error) {
	r := supervision.Rules{GoodsWait: time.Duration(c.WaitHours) * time.Hour, ReceiptWait: time.Duration(c.ReceiptDays) * 24 * time.Hour}
	if c.WaitHours < 1 {
		return r, fmt.Errorf("--wait-hours %d: give at least 1 hour", c.WaitHours)
	}
	if c.ReceiptDays < 1 {
		return r, fmt.Errorf("--receipt-days %d: give at least 1 day", c.ReceiptDays)
	}
	return r, r.Validate()
}

// dsn is what store.Open takes: the PostgreSQL URL or the SQLite file.
func (c *Config) dsn() (string, error) {
	if c.DB != "" {
		return c.DB, nil
	}
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	return filepath.Join(c.Data, "boai.db"), nil
}

func (c *Config) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", c.Timezone, err)
	}
	return loc, nil
}

// proxies parses TrustedProxies.
func (c *Config) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (c *Config) web(loc *time.Location) web.Config {
	base := c.BaseURL
	if base == "" {
		host := c.Addr
		if len(host) > 0 && host[0] == ':' {
			host = "localhost" + host
		}
		base = "http://" + host
	}
	proxies, _ := c.proxies()                  // checked in serve
	cutoff, _ := c.cutoff()                    // checked in serve
	second, _ := money.Parse(c.SecondApproval) // checked in serve
	roles, _ := c.intakeRoles()                // checked in serve
	steps, stepRoles, _ := c.approvalSteps()   // checked in serve
	rules, _ := c.alertRules()                 // checked in serve
	_, due, _ := c.disclosureTimes()           // checked in serve
	return web.Config{Society: c.Society, SocietyEn: c.SocietyEn, BaseURL: base, Location: loc,
		SecureCookies: c.SecureCookies, LookupRate: c.LookupRate, TrustedProxies: proxies, Cutoff: cutoff,
		WaitHours: c.WaitHours, SecondApprovalOver: second, IntakeRoles: roles, ApprovalSteps: steps, StepRoles: stepRoles,
		AlertRules: rules, DisclosureDue: due}
}

// parseArgs parses flags wherever they stand among the positional
// arguments ("boai backup FILE --data D" and "boai backup --data D FILE"
// alike) and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// cutoff parses Cutoff as the time of day.
func (c *Config) cutoff() (time.Duration, error) {
	return timeOfDay("--cutoff", c.Cutoff)
}

func timeOfDay(flag, v string) (time.Duration, error) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, fmt.Errorf("%s %q: use HH:MM", flag, v)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// disclosureTimes parses --disclosure-at and --disclosure-due, each a time
// of the day after the day disclosed; the draft must come before the due time.
func (c *Config) disclosureTimes() (at, due time.Duration, err error) {
	if at, err = timeOfDay("--disclosure-at", c.DisclosureAt); err != nil {
		return 0, 0, err
	}
	if due, err = timeOfDay("--disclosure-due", c.DisclosureDue); err != nil {
		return 0, 0, err
	}
	if due <= at {
		return 0, 0, fmt.Errorf("--disclosure-due %s must be after --disclosure-at %s: the draft needs time to be checked", c.DisclosureDue, c.DisclosureAt)
	}
	return at, due, nil
}

// intakeRoles parses --intake-roles.
func (c *Config) intakeRoles() ([]string, error) {
	var out []string
	for _, r := range strings.Split(c.IntakeRoles, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !slices.Contains(inkind.DefaultRoles, r) {
			return nil, fmt.Errorf("--intake-roles: unknown role %q (unloading, sorting, medical_check, counting)", r)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--intake-roles: name at least one role")
	}
	return out, nil
}

// approvalSteps parses --approval-steps: "taskforce=clerk+admin,leadership=approver+admin".
func (c *Config) approvalSteps() ([]string, map[string][]string, error) {
	var steps []string
	roles := map[string][]string{}
	for _, part := range strings.Split(c.ApprovalSteps, ",") {
		name, who, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || roles[name] != nil {
			return nil, nil, fmt.Errorf("--approval-steps %q: use step=role+role,step=role with each step once", c.ApprovalSteps)
		}
		for _, r := range strings.Split(who, "+") {
			r = strings.TrimSpace(r)
			if !auth.Role(r).Valid() {
				return nil, nil, fmt.Errorf("--approval-steps: unknown role %q in step %s", r, name)
			}
			roles[name] = append(roles[name], r)
		}
		steps = append(steps, name)
	}
	return steps, roles, nil
}

// logFiles are the public log's directory and the file of its signer key.
func (c *Config) logFiles() (dir, keyFile string) {
	dir, keyFile = c.LogDir, c.LogKey
	if dir == "" {
		dir = filepath.Join(c.Data, "log")
	}
	if keyFile == "" {
		keyFile = filepath.Join(c.Data, "log.key")
	}
	return dir, keyFile
}

// demoLogKey signs the demo's public log, so the README can print its
// public key. It is public: anyone can sign with it, so no real society
// may use it (serve --demo only writes it where no key exists yet).
const demoLogKey = "PRIVATE+KEY+demo.boai.hz/log+07d1d8b5+ASSgb8G/mZrRn8irzG5pmbfeIt0bg1ZXSUlg9HU5KAlo"

// logKey reads the log's signer key, creating it on first start. Its
// name, the log's origin, is the base URL's host and path with /log.
func (c *Config) logKey(base string, demo bool) (skey, vkey string, created bool, err error) {
	_, file := c.logFiles()
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		origin := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://") + "/log"
		if demo {
			skey = demoLogKey
		} else if skey, _, err = tlog.GenerateKey(origin); err != nil {
			return "", "", false, err
		}
		if vkey, err = tlog.PublicKey(skey); err != nil {
			return "", "", false, err
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
			return "", "", false, err
		}
		// O_EXCL: two processes starting at once keep the first key.
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.WriteString(skey + "\n")
			err = errors.Join(err, f.Sync(), f.Close())
			if err != nil {
				return "", "", false, fmt.Errorf("log key %s: %w", file, err)
			}
			return skey, vkey, true, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", "", false, fmt.Errorf("log key %s: %w", file, err)
		}
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return "", "", false, fmt.Errorf("log key %s: %w", file, err)
	}
	skey = strings.TrimSpace(string(b))
	if vkey, err = tlog.PublicKey(skey); err != nil {
		return "", "", false, fmt.Errorf("log key %s: %w", file, err)
	}
	return skey, vkey, false, nil
}
