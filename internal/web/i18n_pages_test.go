package web_test

import (
	"regexp"
	"strings"
	"testing"

	"boai/internal/auth"
	"boai/internal/i18n"
	"boai/internal/store/storetest"
)

var (
	scriptRE = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
	// An untranslated key shows as itself: "nav.dashboard", "col.amount".
	keyRE = regexp.MustCompile(`\b[a-z_]+(\.[a-z_]+)+\b`)
)

// TestEveryPageTranslated opens every page of the route table as an
// administrator, in Chinese and in English, and fails on any text that is
// an i18n key instead of its translation.
func TestEveryPageTranslated(t *testing.T) {
	prefixes := map[string]bool{}
	for k := range i18n.Keys("zh") {
		p, _, _ := strings.Cut(k, ".")
		prefixes[p] = true
	}
	db := storetest.OpenSQLite(t)
	f := newMatrixFixture(t, db)
	for _, rt := range f.srv.RouteSpecs() {
		method, path := f.path(t, rt.Pattern)
		if method != "GET" || strings.HasPrefix(path, "/api/") || strings.HasSuffix(path, ".xlsx") ||
			path == "/healthz" || strings.HasPrefix(path, "/lang/") {
			continue
		}
		for _, lang := range []string{"zh", "en"} {
			r := f.anon().get(path, "Cookie", "boai_session="+f.sessions[auth.Admin]+"; lang="+lang)
			if r.Status >= 500 {
				t.Errorf("%s %s (%s): %d", method, path, lang, r.Status)
				continue
			}
			if r.Status >= 300 && r.Status < 400 {
				continue // a logged-in admin is sent on from /login
			}
			text := tagRE.ReplaceAllString(scriptRE.ReplaceAllString(r.Body, " "), " ")
			for _, k := range keyRE.FindAllString(text, -1) {
				if p, _, _ := strings.Cut(k, "."); prefixes[p] {
					t.Errorf("%s (%s) shows the untranslated key %q", path, lang, k)
				}
			}
			if lang == "en" && strings.Contains(r.Body, "<html") && !strings.Contains(r.Body, `lang="en"`) {
				t.Errorf("%s did not switch to English", path)
			}
		}
	}
}
