package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/stock"
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
		// District branches request goods, so they see what is on offer.
		if r := s.as(auth.Branch).get("/goods/list"); r.Status != http.StatusOK {
			t.Errorf("branch staff: %d", r.Status)
		}
		if r := wh.get("/goods/list?day=tomorrow"); r.Status != http.StatusBadRequest {
			t.Errorf("bad day: %d", r.Status)
		}
	})
}

// The recipient opens the dispatch's one-time link on a phone and signs:
// no account, a shortfall needs its reason, and the link signs once.
func TestRecipientSignsThroughTheLink(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSociety(t, db, 0, web.Config{})
		ctx := context.Background()
		whs, err := db.Lots(ctx, mustItem(t, db, "MASK-SURG"), 0)
		if err != nil || len(whs) == 0 {
			t.Fatalf("demo surgical masks: %v %v", whs, err)
		}
		d := &store.Dispatch{Mode: stock.PointToPoint, Recipient: "杭州市西溪医院",
			Doc: &stock.Doc{WarehouseID: whs[0].WarehouseID, Lines: []stock.Line{{LotID: whs[0].ID, Quantity: 100}}}}
		secret, err := db.CreateDispatch(ctx, audit.System, d)
		if err != nil {
			t.Fatal(err)
		}
		phone := s.anon()
		if r := phone.get("/sign/" + secret); r.Status != http.StatusOK || !strings.Contains(r.Body, "医用外科口罩") {
			t.Fatalf("sign page: %v", r)
		}
		lot := strconv.FormatInt(whs[0].ID, 10)
		if r := phone.postForm("/sign/"+secret, url.Values{"signer": {"张护士长"}, "received_" + lot: {"90"}}); r.Status != http.StatusBadRequest {
			t.Errorf("shortfall without reason: %v", r)
		}
		if r := phone.postForm("/sign/"+secret, url.Values{"signer": {"张护士长"}, "received_" + lot: {"90"}, "reason_" + lot: {"一箱受潮"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("sign: %v", r)
		}
		if r := phone.get("/sign/" + secret); !strings.Contains(r.Body, "张护士长") || strings.Contains(r.Body, `name="signer"`) {
			t.Errorf("after signing the page still offers the form: %v", r)
		}
		if r := phone.postForm("/sign/"+secret, url.Values{"signer": {"x"}, "received_" + lot: {"100"}}); r.Status != http.StatusConflict {
			t.Errorf("signing twice: %v", r)
		}
		if r := phone.get("/sign/sign_nonsense"); r.Status != http.StatusNotFound {
			t.Errorf("a made-up link: %d", r.Status)
		}
	})
}

func mustItem(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	items, err := db.SearchItems(context.Background(), code, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Code == code {
			return it.ID
		}
	}
	t.Fatalf("no item %s", code)
	return 0
}
