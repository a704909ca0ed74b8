package web_test

import (
	"context"
	"net/url"
	"testing"

	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/store"
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
