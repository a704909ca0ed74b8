package web

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/i18n"
)

const sessionCookie = "boai_session"

// authenticate loads the user from a Bearer token or the session cookie.
// A bad token is an error at once; a stale cookie just means "not logged in".
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.fail(w, r, boai.Errorf(boai.EUNAUTHORIZED, "Authorization 须为 Bearer 令牌 / use a Bearer token"))
				return
			}
			u, err := s.tokens.user(r.Context(), strings.TrimSpace(secret), s.db.TokenUser)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), userKey, u))
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if u, err := s.db.SessionUser(r.Context(), c.Value); err == nil {
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// require lets the request through only for a user whose role may act.
func (s *Server) require(a auth.Action, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r.Context())
		if u == nil {
			if isAPI(r) {
				s.fail(w, r, boai.Errorf(boai.EUNAUTHORIZED, "需要 API 令牌或登录 / authentication required"))
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !u.Can(a) {
			s.fail(w, r, boai.Errorf(boai.EFORBIDDEN, "您的角色无权执行此操作 / your role may not do this"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// actor describes the current user for the audit trail.
func actor(r *http.Request) audit.Actor {
	u := userFrom(r.Context())
	a := audit.Actor{IP: clientIP(r), Via: "web"}
	if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		a.Via = "api"
	}
	if u != nil {
		a.UserID, a.Username, a.Role = u.ID, u.Username, string(u.Role)
	}
	return a
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// status maps error codes to HTTP statuses, in this one place.
func status(code string) int {
	switch code {
	case boai.EINVALID:
		return http.StatusBadRequest
	case boai.ENOTFOUND:
		return http.StatusNotFound
	case boai.ECONFLICT:
		return http.StatusConflict
	case boai.EFORBIDDEN:
		return http.StatusForbidden
	case boai.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case boai.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail answers with err: JSON for the API, an error page otherwise. Users
// see the error's message; the log keeps internal details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := boai.ErrorCode(err)
	st := status(code)
	if code == boai.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if s.metrics != nil {
		s.metrics.errors.WithLabelValues(code).Inc()
	}
	if isAPI(r) {
		writeJSON(w, st, map[string]any{"error": map[string]string{"code": code, "message": boai.ErrorMessage(err)}})
		return
	}
	p := s.page(r, "error.title")
	p.Error = boai.ErrorMessage(err)
	if code == boai.EINTERNAL {
		p.Error = i18n.T(p.Lang, "error.internal")
	}
	s.renderStatus(w, r, st, "error", p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "页面不存在 / page not found"))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe records metrics by route pattern and recovers from panics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// The mux sets the pattern on the request it routes, which is a
		// copy of r once authenticate has added the user: it reports the
		// pattern back through this pointer.
		pattern := new(string)
		r = r.WithContext(context.WithValue(r.Context(), patternKey, pattern))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					s.fail(sw, r, errors.New("panic"))
				}
			}
			if s.metrics != nil {
				route := *pattern
				if route == "" {
					route = "unmatched"
				}
				s.metrics.observe(route, r.Method, sw.status, time.Since(start))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// reportPattern tells observe which route pattern the mux matched.
func reportPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p, ok := r.Context().Value(patternKey).(*string); ok {
				*p = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// clientIP is the address of the client: the peer, or, when the peer is
// one of the configured trusted proxies (the load balancer), the nearest
// address in X-Forwarded-For that is not a trusted proxy. Without trusted
// proxies the header is ignored, since anyone can send it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	trusted, _ := r.Context().Value(proxiesKey).([]netip.Prefix)
	if !isTrusted(host, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		if !isTrusted(h, trusted) {
			return h
		}
		host = h
	}
	return host
}

func isTrusted(ip string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range trusted {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// withProxies puts the trusted proxies where clientIP finds them.
func (s *Server) withProxies(next http.Handler) http.Handler {
	if len(s.cfg.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), proxiesKey, s.cfg.TrustedProxies)))
	})
}

// limiter is a token bucket per client for the public look-ups, so nobody
// can walk the donor list by trying names. It lives in the process: behind
// a load balancer each process grants its own share.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	lastGC  time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perMinute float64, burst int) *limiter {
	return &limiter{rate: perMinute / 60, burst: float64(burst), buckets: map[string]*bucket{}}
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.at) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.lastGC = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// session cookie helpers

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
}

func (s *Server) secure(r *http.Request) bool {
	return s.cfg.SecureCookies || r.TLS != nil
}

// tokenCache remembers for a moment which user a token belongs to, so a
// busy payment callback does not cost a database read per request. A
// revoked token or deactivated user stops working within tokenTTL.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
}

type cachedToken struct {
	u   *auth.User
	exp time.Time
}

const tokenTTL = 2 * time.Second

// forget drops every cached token, so a revocation or a user change made
// through this process applies at once.
func (c *tokenCache) forget() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *tokenCache) user(ctx context.Context, secret string, lookup func(context.Context, string) (*auth.User, error)) (*auth.User, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[secret]
	c.mu.Unlock()
	if ok && now.Before(e.exp) {
		return e.u, nil
	}
	u, err := lookup(ctx, secret)
	if err != nil {
		return nil, err // failures are not cached: a new token works at once
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[string]cachedToken{}
	}
	c.m[secret] = cachedToken{u: u, exp: now.Add(tokenTTL)}
	c.mu.Unlock()
	return u, nil
}
