package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"boai/internal/allocation"
	"boai/internal/auth"
	"boai/internal/i18n"
)

// page builds the common page data for r, with the title's i18n key.
func (s *Server) page(r *http.Request, titleKey string) *page {
	lang := "zh"
	if c, err := r.Cookie("lang"); err == nil && c.Value == "en" {
		lang = "en"
	}
	p := &page{User: userFrom(r.Context()), Lang: lang, Path: r.URL.RequestURI(), BaseURL: s.cfg.BaseURL}
	p.Society = s.cfg.Society
	if lang == "en" && s.cfg.SocietyEn != "" {
		p.Society = s.cfg.SocietyEn
	}
	p.Title = i18n.T(lang, titleKey)
	s.awaiting(r, p)
	p.Flash = r.URL.Query().Get("flash")
	if p.Flash != "" {
		p.Flash = i18n.T(lang, "flash."+p.Flash)
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p *page) {
	s.renderStatus(w, r, http.StatusOK, name, p)
}

// renderStatus executes a template into a buffer first, so a template
// error becomes a clean 500 rather than half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.tmpl[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	root := "layout"
	if r.Header.Get("HX-Request") == "true" && t.Lookup("fragment") != nil {
		root = "fragment"
	}
	if err := t.ExecuteTemplate(&buf, root, p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a redirect target on this site: a path starting with
// one "/", with no scheme, no host, no backslash and no control or space
// characters (browsers drop tabs and newlines, so "/\t/evil.com" would
// become "//evil.com"). Anything else gets fallback.
func safeNext(next, fallback string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
		return fallback
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return fallback
	}
	return next
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != "en" {
		lang = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("ok\n"))
}

// pageURL returns a function giving the link to page n of a list, keeping
// the list's other query parameters.
func pageURL(path string, q url.Values) func(int) string {
	return func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return path + "?" + v.Encode()
	}
}

// awaiting fills in what waits for the user's decision. A failure here
// only leaves the menu without its counts.
func (s *Server) awaiting(r *http.Request, p *page) {
	u := p.User
	if u == nil {
		return
	}
	if u.Can(auth.ApproveGoods) {
		if pending, err := s.db.PendingSteps(r.Context()); err == nil {
			steps, roles := s.approvalSteps()
			for step, n := range pending {
				if step < len(steps) && allocation.CanDecide(roles, steps[step], string(u.Role)) {
					p.AwaitGoods += n
				}
			}
		}
	}
	if u.Can(auth.ApproveSpend) {
		p.AwaitFunds, _ = s.db.PendingExpenditures(r.Context(), u.Username)
	}
}
