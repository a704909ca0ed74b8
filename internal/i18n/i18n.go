// Package i18n holds boai's interface text in Simplified Chinese (first)
// and English. Every key exists in both; a test holds the templates to it.
package i18n

import "fmt"

// T returns key's text in lang ("zh" or "en"), formatted with args. A
// missing key shows as itself, which the tests catch.
func T(lang, key string, args ...any) string {
	m := zh
	if lang == "en" {
		m = en
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys returns every key of language lang, for tests.
func Keys(lang string) map[string]string {
	if lang == "en" {
		return en
	}
	return zh
}
