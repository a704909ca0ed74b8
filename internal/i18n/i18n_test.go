package i18n

import "testing"

func TestEveryKeyInBothLanguages(t *testing.T) {
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q has no English text", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("key %q has no Chinese text", k)
		}
	}
}

func TestT(t *testing.T) {
	if got := T("zh", "dashboard.count", 3); got != "3 笔" {
		t.Errorf("T zh = %q", got)
	}
	if got := T("en", "dashboard.count", 3); got != "3 donations" {
		t.Errorf("T en = %q", got)
	}
}
