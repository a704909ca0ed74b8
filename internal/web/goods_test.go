package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"boai/internal/auth"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// N95 and KN95 stay two items in the catalogue, the picker, the daily list
// and its Excel export; designated masks are listed apart.
func TestGoodsPagesKeepN95AndKN95Apart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		wh := s.as(auth.Warehouse)
		n95, kn95 := "N95 医用防护口罩（GB 19083-2010）", "KN95 防护口罩（GB 2626-2019（非医用））"
		for _, path := range []string{"/goods?q=95", "/api/v1/items?q=95", "/goods/list"} {
			r := wh.get(path)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, n95) || !strings.Contains(r.Body, kn95) {
				t.Errorf("%s: %d, want both %q and %q", path, r.Status, n95, kn95)
			}
		}
		list := wh.get("/goods/list").Body
		if !strings.Contains(list, "浙江大学医学院附属第一医院") || !strings.Contains(list, "(2000 只)") || !strings.Contains(list, "(1000 只)") {
			t.Errorf("the list does not show the designated N95 apart from the general stock")
		}
		r := wh.get("/goods/list.xlsx")
		x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatalf("xlsx: %v", err)
		}
		rows, _ := x.GetRows("Sheet1")
		var labels []string
		for _, row := range rows[2:] {
			labels = append(labels, row[1])
		}
		all := strings.Join(labels, "|")
		if !strings.Contains(all, n95) || !strings.Contains(all, kn95) {
			t.Errorf("export items %v", labels)
		}
		if r := s.anon().get("/goods"); !r.toLogin() {
			t.Errorf("anonymous: %v", r)
		}
		if r := s.as(auth.Branch).get("/goods/list"); r.Status != http.StatusForbidden {
			t.Errorf("branch staff: %d", r.Status)
		}
		if r := wh.get("/goods/list?day=tomorrow"); r.Status != http.StatusBadRequest {
			t.Errorf("bad day: %d", r.Status)
		}
	})
}
