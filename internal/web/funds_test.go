package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/store"
	"boai/internal/store/storetest"
	"boai/internal/web"
)

// newExpenditure records a small pending expenditure from the general
// fund, requested by the system, for the routes' {id}.
func newExpenditure(t *testing.T, db *store.DB) int64 {
	t.Helper()
	e := &ledger.Expenditure{Kind: ledger.Operating, Payee: "杭州某某印刷厂", Amount: 100,
		Draws: []ledger.Draw{{Fund: ledger.GeneralFund, Amount: 100}}}
	if err := db.CreateExpenditure(context.Background(), audit.System, e, ledger.DefaultPolicy); err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// fundsWrites are valid bodies for the funds pages' write routes.
func fundsWrites() map[string]string {
	return map[string]string{
		"POST /expenditures": url.Values{"kind": {"operating"}, "payee": {"越权印刷厂"}, "purpose_kind": {"undesignated"},
			"fund": {string(ledger.GeneralFund)}, "fund_amount": {"1.00"}}.Encode(),
		"POST /expenditures/{id}/approve": "",
		"POST /expenditures/{id}/reject":  "reason=x",
		"POST /expenditures/{id}/pay":     "",
		"POST /funds/release": url.Values{"from": {string(ledger.FundOf(donation.Designation{Kind: donation.Region, Target: "淳安县"}))},
			"amount": {"1.00"}, "consent": {"x"}, "reason": {"x"},
			"approver": {"boss"}}.Encode(),
		"POST /funds/close": "period=2000-01",
	}
}

// The statement and the designation totals show what the book holds, as
// pages and as spreadsheets.
func TestFundsReports(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 20, web.Config{})
	ctx := context.Background()
	id := newExpenditure(t, db)
	if _, err := db.ApproveExpenditure(ctx, audit.Actor{Username: "boss", Role: "finance"}, id, ledger.DefaultPolicy); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PayExpenditure(ctx, audit.Actor{Username: "boss", Role: "finance"}, id); err != nil {
		t.Fatal(err)
	}
	fin := s.as(auth.Finance)
	r := fin.get("/reports")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "运营费用") || !strings.Contains(r.Body, "¥1.00") || !strings.Contains(r.Body, "非限定性基金") {
		t.Fatalf("reports: %v", r)
	}
	for _, path := range []string{"/reports.xlsx", "/funds.xlsx"} {
		r := fin.get(path)
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if r.Status != http.StatusOK || err != nil {
			t.Fatalf("%s: %v %v", path, r.Status, err)
		}
		if rows, _ := x.GetRows(x.GetSheetList()[0]); len(rows) < 2 {
			t.Errorf("%s: %d rows", path, len(rows))
		}
	}
	if r := s.as(auth.Warehouse).get("/reports"); r.Status != http.StatusForbidden {
		t.Errorf("warehouse reads the reports: %d", r.Status)
	}
}

// Finance may name the donations a payment uses; a bad line is refused
// with its line number and nothing is paid.
func TestPayFromChosenDonations(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newSociety(t, db, 0, web.Config{})
	ctx := context.Background()
	d := &donation.Donation{Donor: donation.Donor{Kind: donation.Organization, Name: "指定用途公司"}, AmountFen: 500, Channel: donation.Bank,
		ReceivedAt: time.Now().Add(-time.Hour).Truncate(time.Second), BranchID: s.city.ID, ExternalRef: "CHOSEN-1", Source: donation.SourceForm}
	if _, err := db.CreateDonation(ctx, audit.System, d); err != nil {
		t.Fatal(err)
	}
	id := newExpenditure(t, db) // ¥1.00 from the general fund
	if _, err := db.ApproveExpenditure(ctx, audit.Actor{Username: "boss", Role: "finance"}, id, ledger.DefaultPolicy); err != nil {
		t.Fatal(err)
	}
	fin := s.as(auth.Finance)
	path := "/expenditures/" + strconv.FormatInt(id, 10) + "/pay"
	if r := fin.postForm(path, url.Values{"links": {d.CertNo + " 0.50\nnonsense"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "第 2 行") {
		t.Errorf("a bad line: %v", r)
	}
	if r := fin.postForm(path, url.Values{"links": {d.CertNo + " 1.00"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("pay from the chosen donation: %v", r)
	}
	v, err := db.Expenditure(ctx, id)
	if err != nil || len(v.Donations) != 1 || v.Donations[0].DonationID != d.ID {
		t.Errorf("links %+v %v", v, err)
	}
}
