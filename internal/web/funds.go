package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/store"
	"boai/internal/supervision"
)

// The funds pages (issue #4): fund balances and the utilisation rate,
// expenditure from request to payment, releases and period close.

// spendPolicy is the society's threshold for a second approver.
func (s *Server) spendPolicy() ledger.Policy {
	if s.cfg.SecondApprovalOver > 0 {
		return ledger.Policy{SecondApprovalOver: s.cfg.SecondApprovalOver}
	}
	return ledger.DefaultPolicy
}

// AccountLabel names an account in the page's language.
func (p *page) AccountLabel(a ledger.Account) string {
	if p.Lang == "en" {
		return a.LabelEn()
	}
	return a.Label()
}

type fundsData struct {
	Funds  []store.FundView
	Total  store.FundView
	From   string
	To     string
	Closed ledger.Period
	Alerts []supervision.Alert
}

// period reads from/to (YYYY-MM-DD, to inclusive) in the society's zone.
func (s *Server) period(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		if from, err = time.ParseInLocation("2006-01-02", v, s.cfg.Location); err != nil {
			return from, to, boai.Errorf(boai.EINVALID, "起始日期格式应为 YYYY-MM-DD / from: use YYYY-MM-DD")
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = time.ParseInLocation("2006-01-02", v, s.cfg.Location); err != nil {
			return from, to, boai.Errorf(boai.EINVALID, "截止日期格式应为 YYYY-MM-DD / to: use YYYY-MM-DD")
		}
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, boai.Errorf(boai.EINVALID, "起始日期不能晚于截止日期 / from is after to")
	}
	return from, to, nil
}

func (s *Server) fundsPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildFunds(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "funds", p)
}

func (s *Server) buildFunds(r *http.Request) (*page, error) {
	from, to, err := s.period(r)
	if err != nil {
		return nil, err
	}
	funds, err := s.db.Funds(r.Context(), from, to)
	if err != nil {
		return nil, err
	}
	closed, err := s.db.ClosedThrough(r.Context())
	if err != nil {
		return nil, err
	}
	alerts, _, err := s.db.Alerts(r.Context(), supervision.Filter{Limit: 20})
	if err != nil {
		return nil, err
	}
	d := fundsData{Funds: funds, From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to"), Closed: closed, Alerts: alerts}
	for _, f := range funds {
		if f.Fund.Goods() {
			continue // goods at value are listed, but they are not money
		}
		d.Total.Received += f.Received
		d.Total.Spent += f.Spent
		d.Total.Balance += f.Balance
	}
	p := s.page(r, "funds.title")
	p.Data = d
	return p, nil
}

func (s *Server) fundsXLSX(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildFunds(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := p.Data.(fundsData)
	var rows [][]any
	for _, f := range append(d.Funds, d.Total) {
		name := p.AccountLabel(f.Fund)
		if f.Fund == "" {
			name = p.T("funds.total")
		}
		rows = append(rows, []any{name, f.Received.Yuan(), f.Spent.Yuan(), f.Moved.Yuan(), f.Balance.Yuan(), f.Rate().String()})
	}
	s.writeSheet(w, r, "funds", []any{p.T("funds.fund"), p.T("funds.received"), p.T("funds.spent"), p.T("funds.moved"), p.T("funds.balance"),
		p.T("funds.rate")}, rows)
}

type expenditureListData struct {
	Items  []store.ExpenditureView
	Status string
}

func (s *Server) expenditureList(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("status")
	items, err := s.db.Expenditures(r.Context(), st, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "expenditures.title")
	p.Data = expenditureListData{Items: items, Status: st}
	s.render(w, r, "expenditures", p)
}

type expenditureFormData struct {
	Values     url.Values
	Funds      []store.FundView
	Categories []ledger.Category
	Kinds      []donation.DesignationKind
	Policy     ledger.Policy
}

func (s *Server) expenditureFormPage(r *http.Request, v url.Values) (*page, error) {
	all, err := s.db.Funds(r.Context(), time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	// Money is drawn from money funds only.
	funds := slices.DeleteFunc(all, func(f store.FundView) bool { return f.Fund.Goods() })
	p := s.page(r, "expenditures.new")
	p.Data = expenditureFormData{Values: v, Funds: funds, Categories: ledger.Categories, Kinds: donation.DesignationKinds, Policy: s.spendPolicy()}
	return p, nil
}

func (s *Server) expenditureForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.expenditureFormPage(r, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "expenditure_new", p)
}

func (s *Server) expenditureCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	e := &ledger.Expenditure{Kind: ledger.Category(v.Get("kind")), Payee: v.Get("payee"), Note: v.Get("note"),
		Purpose: donation.Designation{Kind: donation.DesignationKind(v.Get("purpose_kind")), Target: v.Get("purpose_target")}}
	err := func() error {
		for i := range v["fund"] {
			f, amt := at(v, "fund", i), at(v, "fund_amount", i)
			if f == "" && amt == "" {
				continue
			}
			fen, err := money.Parse(amt)
			if err != nil || fen <= 0 {
				return boai.Errorf(boai.EINVALID, "第 %d 个基金：金额格式不正确 / fund %d: invalid amount", i+1, i+1)
			}
			e.Draws = append(e.Draws, ledger.Draw{Fund: ledger.Account(f), Amount: fen})
			e.Amount += fen
		}
		return s.db.CreateExpenditure(r.Context(), actor(r), e, s.spendPolicy())
	}()
	if err != nil {
		p, perr := s.expenditureFormPage(r, v)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "expenditure_new", p, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/expenditures/%d", e.ID), "expenditure_recorded")
}

type expenditureData struct {
	E         *store.ExpenditureView
	Approvals int
}

func (s *Server) expenditurePage(r *http.Request) (*page, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.db.Expenditure(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := s.page(r, "expenditures.detail")
	p.Data = expenditureData{E: e, Approvals: s.spendPolicy().Approvals(e.Amount)}
	return p, nil
}

func (s *Server) expenditureDetail(w http.ResponseWriter, r *http.Request) {
	p, err := s.expenditurePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "expenditure", p)
}

// expenditureAct runs one step (approve, reject, pay) and shows the
// expenditure again, with the refusal when there is one.
func (s *Server) expenditureAct(step func(r *http.Request, id int64) error, flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := step(r, id); err != nil {
			p, perr := s.expenditurePage(r)
			if perr != nil {
				s.fail(w, r, perr)
				return
			}
			if boai.ErrorCode(err) == boai.EFORBIDDEN {
				// Allowed to approve, not this one: their own request, or twice.
				err = &boai.Error{Code: boai.ECONFLICT, Message: boai.ErrorMessage(err)}
			}
			s.formError(w, r, "expenditure", p, err)
			return
		}
		s.seeOther(w, r, fmt.Sprintf("/expenditures/%d", id), flash)
	}
}

func (s *Server) expenditureApprove(w http.ResponseWriter, r *http.Request) {
	s.expenditureAct(func(r *http.Request, id int64) error {
		_, err := s.db.ApproveExpenditure(r.Context(), actor(r), id, s.spendPolicy())
		return err
	}, "expenditure_approved")(w, r)
}

func (s *Server) expenditureReject(w http.ResponseWriter, r *http.Request) {
	s.expenditureAct(func(r *http.Request, id int64) error {
		return s.db.RejectExpenditure(r.Context(), actor(r), id, r.PostFormValue("reason"))
	}, "expenditure_rejected")(w, r)
}

func (s *Server) expenditurePay(w http.ResponseWriter, r *http.Request) {
	s.expenditureAct(func(r *http.Request, id int64) error {
		chosen, err := s.chosenDonations(r)
		if err != nil {
			return err
		}
		_, err = s.db.PayExpenditureFrom(r.Context(), actor(r), id, chosen)
		return err
	}, "expenditure_paid")(w, r)
}

// chosenDonations reads the donations finance names for a payment, one
// per line: a certificate number and an amount in yuan. None: first in,
// first out.
func (s *Server) chosenDonations(r *http.Request) (map[int64]money.Fen, error) {
	var chosen map[int64]money.Fen
	for n, line := range strings.Split(r.PostFormValue("links"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, boai.Errorf(boai.EINVALID, "第 %d 行应为“证书编号 金额” / line %d: certificate number and amount", n+1, n+1)
		}
		d, err := s.db.DonationByCert(r.Context(), donation.NormalizeCertNo(f[0]))
		if err != nil {
			return nil, boai.Errorf(boai.EINVALID, "第 %d 行：没有证书编号为 %s 的捐赠 / line %d: no donation %s", n+1, f[0], n+1, f[0])
		}
		amt, err := money.Parse(f[1])
		if err != nil || amt <= 0 {
			return nil, boai.Errorf(boai.EINVALID, "第 %d 行：金额格式不正确 / line %d: invalid amount", n+1, n+1)
		}
		if chosen == nil {
			chosen = map[int64]money.Fen{}
		}
		chosen[d.ID] += amt
	}
	return chosen, nil
}

func (s *Server) fundsError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.buildFunds(r)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "funds", p, err)
}

// fundRelease re-purposes restricted money with the donors' consent.
func (s *Server) fundRelease(w http.ResponseWriter, r *http.Request) {
	amt, err := money.Parse(r.PostFormValue("amount"))
	if err != nil || amt <= 0 {
		s.fundsError(w, r, boai.Errorf(boai.EINVALID, "金额格式不正确 / invalid amount"))
		return
	}
	to := ledger.Account(r.PostFormValue("to"))
	if to == "" {
		to = ledger.GeneralFund
	}
	_, err = s.db.Release(r.Context(), actor(r), ledger.Release{From: ledger.Account(r.PostFormValue("from")), To: to, Amount: amt,
		Consent: r.PostFormValue("consent"), Reason: r.PostFormValue("reason"), Approver: strings.TrimSpace(r.PostFormValue("approver"))})
	if err != nil {
		s.fundsError(w, r, err)
		return
	}
	s.seeOther(w, r, "/funds", "released")
}

func (s *Server) fundsClose(w http.ResponseWriter, r *http.Request) {
	p, err := ledger.ParsePeriod(r.PostFormValue("period"))
	if err == nil {
		err = s.db.ClosePeriod(r.Context(), actor(r), p)
	}
	if err != nil {
		s.fundsError(w, r, err)
		return
	}
	s.seeOther(w, r, "/funds", "period_closed")
}

// moneyTrail is the donation page's "where did my money go".
type moneyTrail struct {
	Fund   ledger.Account
	Unused money.Fen
	Lines  []store.TrailLine
}

func (s *Server) trailFor(r *http.Request, id int64) (*moneyTrail, error) {
	fund, unused, lines, err := s.db.MoneyTrail(r.Context(), id)
	if err != nil || fund == "" {
		return nil, err
	}
	return &moneyTrail{Fund: fund, Unused: unused, Lines: lines}, nil
}
