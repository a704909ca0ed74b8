package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"boai/internal/allocation"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// goodsIDs are records of the goods workflow the route table's {id}s are
// filled with.
type goodsIDs struct {
	intake, prearrival, request, file, allocation, dispatch int64
	recipient, requestLine, lot, warehouse                  int64
}

func newGoodsIDs(t *testing.T, db *store.DB, branch int64) goodsIDs {
	t.Helper()
	ctx := context.Background()
	a := audit.System
	n95, err := db.ItemByCode(ctx, "MASK-N95")
	if err != nil {
		t.Fatal(err)
	}
	var g goodsIDs
	d := &inkind.Donation{BranchID: branch, Donor: donation.Donor{Kind: donation.Organization, Name: "杭州矩阵测试有限公司"},
		Lines: []inkind.Line{{ItemID: n95.ID, MedicalGrade: true, Declared: 100, Valuation: inkind.Pending}}}
	if err := db.CreateInKind(ctx, a, d); err != nil {
		t.Fatal(err)
	}
	g.intake = d.ID
	p := &inkind.PreArrival{BranchID: branch, ExpectedOn: "2099-01-01", Donor: donation.Donor{Kind: donation.Organization, Name: "预到测试公司"},
		Lines: []inkind.Expected{{ItemID: n95.ID, Expected: 50}}}
	if err := db.CreatePreArrival(ctx, a, p); err != nil {
		t.Fatal(err)
	}
	g.prearrival = p.ID
	r := &allocation.Recipient{Name: "矩阵测试医院", Class: "hospital", Address: "杭州"}
	if err := db.CreateRecipient(ctx, a, r); err != nil {
		t.Fatal(err)
	}
	q := &allocation.AllocRequest{RecipientID: r.ID, Purpose: "测试", Address: "杭州", Contact: "王",
		Lines: []allocation.RequestLine{{ItemID: n95.ID, Quantity: 10}}}
	if err := db.CreateAllocRequest(ctx, a, q); err != nil {
		t.Fatal(err)
	}
	g.request, g.recipient, g.requestLine = q.ID, r.ID, q.Lines[0].ID
	f := &store.RequestFile{RequestID: q.ID, Name: "申请函.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("申请")}
	if err := db.AddRequestFile(ctx, a, f); err != nil {
		t.Fatal(err)
	}
	g.file = f.ID
	lots, err := db.Lots(ctx, n95.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lots {
		if !l.Designated() {
			al, err := db.SubmitAllocation(ctx, a, q.ID, []store.AllocLine{{RequestLineID: q.Lines[0].ID, LotID: l.ID, Quantity: 10}}, "")
			if err != nil {
				t.Fatal(err)
			}
			g.allocation, g.lot, g.warehouse = al.ID, l.ID, l.WarehouseID
			break
		}
	}
	if g.allocation == 0 {
		t.Fatal("the demo has no general N95 stock")
	}
	ds, err := db.ListDispatches(ctx, 0, 1)
	if err != nil || len(ds) == 0 {
		t.Fatalf("the demo has no dispatch: %v", err)
	}
	g.dispatch = ds[0].ID
	return g
}

// goodsWrites are valid bodies for the goods workflow's write routes, so
// a refusal in the role tests means the role, not a bad request.
func goodsWrites(g goodsIDs) map[string]string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	day := time.Now().In(cst)
	return map[string]string{
		"POST /goods/intake": url.Values{"donor_kind": {"organization"}, "donor_name": {"越权公司"}, "received_at": {day.Format("2006-01-02T15:04")},
			"designation_kind": {"undesignated"}, "item": {"MASK-N95"}, "declared": {"10"}, "valuation": {"pending"}}.Encode(),
		"POST /goods/intake/{id}/sign":           "line=1&role=unloading&person=x&verdict=accepted",
		"POST /goods/intake/{id}/settle":         "warehouse=" + id(g.warehouse),
		"POST /goods/prearrivals":                url.Values{"donor_name": {"越权公司"}, "expected_on": {day.Format("2006-01-02")}, "item": {"MASK-N95"}, "qty": {"5"}}.Encode(),
		"POST /goods/prearrivals/{id}/arrive":    "arrived_0=5",
		"POST /goods/requests":                   url.Values{"recipient": {id(g.recipient)}, "purpose": {"x"}, "address": {"x"}, "contact": {"x"}, "item": {"MASK-N95"}, "qty": {"1"}}.Encode(),
		"POST /goods/recipients":                 url.Values{"name": {"越权医院"}, "class": {"hospital"}}.Encode(),
		"POST /goods/proposal/{id}/submit":       "line=" + id(g.requestLine) + "&lot=" + id(g.lot) + "&qty=1",
		"POST /goods/allocations/{id}/decide":    "decision=approve",
		"POST /goods/allocations/{id}/paperwork": "kind=request_letter&ref=x",
		"POST /goods/allocations/{id}/dispatch":  "mode=point_to_point",
		"POST /goods/dispatches/{id}/note.pdf":   "",
		"POST /goods/items":                      url.Values{"category": {"1"}, "code": {"SUP-ITEM"}, "name": {"越权物资"}, "unit": {"只"}}.Encode(),
		"POST /goods/items/{id}":                 "name_en=x&active=1",
		"POST /goods/stock": url.Values{"kind": {"adjustment"}, "item": {"MASK-N95"}, "lot": {id(g.lot)}, "reason": {"count_correction"},
			"quantity": {"1"}}.Encode(),
	}
}

// Every goods list exports to a spreadsheet that opens, with a header row
// and the records of the list; items keep their exact codes and labels.
func TestGoodsExports(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 5, web.Config{})
	newGoodsIDs(t, db, s.city.ID)
	clerk := s.as(auth.Clerk)
	for path, want := range map[string]string{
		"/goods/intake.xlsx":      "MASK-N95",
		"/goods/prearrivals.xlsx": "MASK-N95",
		"/goods/requests.xlsx":    "矩阵测试医院",
		"/goods/allocations.xlsx": "矩阵测试医院",
		"/goods/dispatches.xlsx":  "CK",
		"/goods/list.xlsx":        "MASK-KN95",
	} {
		r := clerk.get(path)
		if r.Status != http.StatusOK {
			t.Errorf("%s: %v", path, r)
			continue
		}
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Errorf("%s: not a spreadsheet: %v", path, err)
			continue
		}
		rows, _ := x.GetRows("Sheet1")
		if len(rows) < 2 {
			t.Errorf("%s: %d rows", path, len(rows))
			continue
		}
		all := fmt.Sprint(rows)
		if !strings.Contains(all, want) {
			t.Errorf("%s lacks %q: %v", path, want, rows[:min(3, len(rows))])
		}
		if strings.Contains(all, "MASK-N95") && strings.Contains(all, "N95 医用防护口罩") {
			for _, row := range rows {
				for i, c := range row {
					if c == "MASK-KN95" && i+1 < len(row) && strings.HasPrefix(row[i+1], "N95") {
						t.Errorf("%s labels KN95 as N95: %v", path, row)
					}
				}
			}
		}
	}
}

// The stock page shows an item's lots and stock card; the warehouse moves
// stock only by documents: a transfer, an adjustment with a reason. Stock
// an allocation holds cannot be moved away from it.
func TestStockPage(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 5, web.Config{})
	g := newGoodsIDs(t, db, s.city.ID) // holds 10 N95 of g.lot for a request
	wh := s.as(auth.Warehouse)
	r := wh.get("/goods/stock?item=MASK-N95")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="lots"`) || !strings.Contains(r.Body, `id="card"`) {
		t.Fatalf("stock page: %v", r)
	}
	ctx := context.Background()
	lots, err := db.Lots(ctx, mustItem(t, db, "MASK-N95"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var lot int64
	var have int64
	for _, l := range lots {
		if l.ID == g.lot {
			lot, have = l.ID, l.Quantity
		}
	}
	whs, _ := db.Warehouses(ctx)
	var other int64
	for _, w := range whs {
		if w.ID != g.warehouse {
			other = w.ID
		}
	}
	post := func(v url.Values) *reply { return wh.postForm("/goods/stock", v) }
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	if r := post(url.Values{"kind": {"transfer"}, "item": {"MASK-N95"}, "lot": {id(lot)}, "to": {id(other)}, "quantity": {id(have)}}); r.Status != http.StatusConflict {
		t.Errorf("moved stock an allocation holds: %v", r)
	}
	if r := post(url.Values{"kind": {"transfer"}, "item": {"MASK-N95"}, "lot": {id(lot)}, "to": {id(other)}, "quantity": {"5"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("transfer: %v", r)
	}
	if r := post(url.Values{"kind": {"adjustment"}, "item": {"MASK-N95"}, "lot": {id(lot)}, "reason": {"damaged"}, "quantity": {"-2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("adjustment: %v", r)
	}
	if r := post(url.Values{"kind": {"adjustment"}, "item": {"MASK-N95"}, "lot": {id(lot)}, "reason": {"whim"}, "quantity": {"-2"}}); r.Status != http.StatusBadRequest {
		t.Errorf("adjustment without a reason: %v", r)
	}
	r = wh.get("/goods/stock?item=MASK-N95&warehouse=" + id(g.warehouse))
	if !strings.Contains(r.Body, "调拨单") || !strings.Contains(r.Body, "调整单") {
		t.Errorf("stock card lacks the documents")
	}
	if r := s.as(auth.Supervisor).postForm("/goods/stock", url.Values{"kind": {"transfer"}}); r.Status != http.StatusForbidden {
		t.Errorf("supervisor moves stock: %v", r)
	}
}

// Admins add items and retire them; nobody else may; a second N95 of the
// same name and specification is refused.
func TestCatalogueAdmin(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{})
	admin := s.as(auth.Admin)
	form := url.Values{"category": {"1"}, "code": {"MASK-N95-3M"}, "name": {"N95 医用防护口罩"}, "spec": {"3M 1860"}, "unit": {"只"},
		"pack_unit": {"箱"}, "pack_size": {"20"}, "medical": {"1"}}
	if r := admin.postForm("/goods/items", form); r.Status != http.StatusSeeOther {
		t.Fatalf("add item: %v", r)
	}
	if r := admin.postForm("/goods/items", form); r.Status != http.StatusConflict {
		t.Errorf("the same item twice: %v", r)
	}
	it, err := db.ItemByCode(context.Background(), "MASK-N95-3M")
	if err != nil || !it.MedicalGrade || it.PackSize != 20 {
		t.Fatalf("item %+v %v", it, err)
	}
	if r := admin.postForm("/goods/items/"+strconv.FormatInt(it.ID, 10), url.Values{"name_en": {"N95 (3M 1860)"}, "medical": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("retire: %v", r)
	}
	if r := admin.get("/api/v1/items?q=1860"); strings.Contains(r.Body, "MASK-N95-3M") {
		t.Errorf("a retired item is still offered in the picker")
	}
	if r := s.as(auth.Clerk).postForm("/goods/items", form); r.Status != http.StatusForbidden {
		t.Errorf("clerk adds items: %v", r)
	}
}

// What awaits a decision shows in the menu of those who decide it.
func TestMenuShowsWhatAwaits(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{})
	newGoodsIDs(t, db, s.city.ID) // one allocation at the task-force step
	badge := func(body string) bool { return strings.Contains(body, `class="badge warn" href="/goods/allocations"`) }
	if r := s.as(auth.Clerk).get("/dashboard"); !badge(r.Body) {
		t.Errorf("the task force sees nothing waiting")
	}
	if r := s.as(auth.Approver).get("/dashboard"); badge(r.Body) {
		t.Errorf("leadership is shown an allocation still at the task force")
	}
}

// An in-kind certificate's public page names a private donor only masked,
// never their phone, and names institutions in full.
func TestInKindVerifyKeepsDonorsPrivate(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{})
	ctx := context.Background()
	n95 := mustItem(t, db, "MASK-N95")
	d := &inkind.Donation{BranchID: s.city.ID, Donor: donation.Donor{Kind: donation.Person, Name: "欧阳明远", Phone: "13912345678"},
		Lines: []inkind.Line{{ItemID: n95, MedicalGrade: true, Declared: 100, Valuation: inkind.Pending}}}
	if err := db.CreateInKind(ctx, audit.System, d); err != nil {
		t.Fatal(err)
	}
	r := s.anon().get("/verify/" + d.CertNo)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, donation.MaskPersonName("欧阳明远")) || !strings.Contains(r.Body, "N95") {
		t.Fatalf("in-kind verify: %v", r)
	}
	for _, secret := range []string{"欧阳明远", "13912345678", "5678"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the public page shows %q", secret)
		}
	}
}

// A society names its own approval steps and who decides at each.
func TestConfiguredApprovalSteps(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{ApprovalSteps: []string{"物资专班", "常务副会长"},
		StepRoles: map[string][]string{"物资专班": {"approver"}, "常务副会长": {"admin"}}})
	g := newGoodsIDs(t, db, s.city.ID)
	path := "/goods/allocations/" + strconv.FormatInt(g.allocation, 10)
	if r := s.as(auth.Approver).get(path); !strings.Contains(r.Body, "物资专班") || !strings.Contains(r.Body, `value="approve"`) {
		t.Errorf("the configured first step is not the approver's: %v", r.Status)
	}
	if r := s.as(auth.Clerk).postForm(path+"/decide", url.Values{"decision": {"approve"}}); r.Status != http.StatusConflict {
		t.Errorf("a clerk decided at a step that is not theirs: %v", r.Status)
	}
	if r := s.as(auth.Approver).postForm(path+"/decide", url.Values{"decision": {"approve"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("approver at the first step: %v", r)
	}
	if r := s.as(auth.Admin).get(path); !strings.Contains(r.Body, "常务副会长") {
		t.Errorf("the second step's name is not shown")
	}
}
