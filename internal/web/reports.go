package web

import (
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/store"
)

// reportMonth is one month of the income and expenditure statement.
type reportMonth struct {
	Period  ledger.Period
	Income  []store.StatementLine
	Expense []store.StatementLine
	In, Out money.Fen
}

type reportsData struct {
	Months       []reportMonth
	Designations []store.DesignationTotal
	From, To     string
	In, Out      money.Fen
}

func (s *Server) buildReports(r *http.Request) (*page, error) {
	from, to, err := s.period(r)
	if err != nil {
		return nil, err
	}
	lines, err := s.db.Statement(r.Context(), from, to)
	if err != nil {
		return nil, err
	}
	des, err := s.db.DonationsByDesignation(r.Context(), from, to)
	if err != nil {
		return nil, err
	}
	d := reportsData{Designations: des, From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	for _, l := range lines {
		if len(d.Months) == 0 || d.Months[len(d.Months)-1].Period != l.Period {
			d.Months = append(d.Months, reportMonth{Period: l.Period})
		}
		m := &d.Months[len(d.Months)-1]
		switch l.Account.Class() {
		case ledger.ClassFund:
			m.Income, m.In = append(m.Income, l), m.In+l.Amount
			d.In += l.Amount
		case ledger.ClassExpense:
			m.Expense, m.Out = append(m.Expense, l), m.Out+l.Amount
			d.Out += l.Amount
		}
	}
	p := s.page(r, "reports.title")
	p.Data = d
	return p, nil
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildReports(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "reports", p)
}

// reportsXLSX writes the statement and the designation totals as two
// sheets.
func (s *Server) reportsXLSX(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildReports(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := p.Data.(reportsData)
	x := excelize.NewFile()
	defer x.Close()
	st, ds := p.T("reports.statement"), p.T("reports.by_designation")
	_ = x.SetSheetName("Sheet1", st)
	_, _ = x.NewSheet(ds)
	row := 1
	set := func(sheet string, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		_ = x.SetSheetRow(sheet, cell, &vals)
		row++
	}
	set(st, p.T("funds.period"), p.T("reports.side"), p.T("funds.fund"), p.T("reports.account"), p.T("col.amount_yuan"))
	for _, m := range d.Months {
		for _, l := range m.Income {
			set(st, string(m.Period), p.T("reports.income"), p.AccountLabel(l.Account.Fund()), p.AccountLabel(l.Account), l.Amount.Yuan())
		}
		for _, l := range m.Expense {
			set(st, string(m.Period), p.T("reports.expense"), p.AccountLabel(l.Account.Fund()), p.AccountLabel(l.Account), l.Amount.Yuan())
		}
	}
	row = 1
	set(ds, p.T("donation.designation_kind"), p.T("donation.designation_target"), p.T("col.count"), p.T("col.amount_yuan"))
	for _, t := range d.Designations {
		set(ds, p.T("designation."+t.Kind), t.Target, t.Count, t.Fen.Yuan())
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="report-%s.xlsx"`, s.db.Now().In(s.cfg.Location).Format("20060102")))
	_ = x.Write(w)
}
