package web

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/donations?page=2", "/donations?page=2"},
		{"/", "/"},
		{"", "/d"},
		{"//evil.com", "/d"},
		{"/\\evil.com", "/d"},
		{"/\t/evil.com", "/d"},
		{"/\n/evil.com", "/d"},
		{"/ /evil.com", "/d"},
		{"https://evil.com", "/d"},
		{"evil.com", "/d"},
		{"/%2F%2Fevil.com", "/d"}, // decodes to //evil.com: refused too
	} {
		if got := safeNext(tt.in, "/d"); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClientIP(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tt := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"203.0.113.5:1234", "1.2.3.4", nil, "203.0.113.5"},            // no proxies: the header is ignored
		{"203.0.113.5:1234", "1.2.3.4", lb, "203.0.113.5"},             // not from the load balancer
		{"10.0.0.2:1234", "198.51.100.7", lb, "198.51.100.7"},          // the client behind the load balancer
		{"10.0.0.2:1234", "6.6.6.6, 198.51.100.7", lb, "198.51.100.7"}, // a forged first hop is not believed
		{"10.0.0.2:1234", "198.51.100.7, 10.0.0.9", lb, "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if tt.trusted != nil {
			r = r.WithContext(context.WithValue(r.Context(), proxiesKey, tt.trusted))
		}
		if got := clientIP(r); got != tt.want {
			t.Errorf("clientIP(%s, %q) = %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}
