package web

import "testing"

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
