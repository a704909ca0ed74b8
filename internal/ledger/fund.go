package ledger

import (
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

// CheckSpend refuses to spend a restricted fund on anything but its own
// designation: money given for X is spent only on X. The general fund pays
// for any purpose.
func CheckSpend(fund Account, purpose donation.Designation) error {
	if fund.Class() != ClassFund {
		return invalid("%q 不是基金 / %q is not a fund", fund, fund)
	}
	if fund == GoodsFund {
		return invalid("受赠物资基金是物资的价值，不是可支出的资金 / the donated goods fund is the value of goods, not money to spend")
	}
	if fund == GeneralFund || FundOf(purpose) == fund {
		return nil
	}
	d := fund.Designation()
	return boai.Errorf(boai.EINVALID, "定向基金「%s」只能用于「%s」，不能用于「%s」 / the restricted fund %q can only be spent on %q, not on %q",
		d.FundLabel(), d.Target, purpose.FundLabel(), d.FundLabelEn(), d.Target, purpose.FundLabelEn())
}

// CheckAvailable refuses to take amount out of a fund that has less than
// that available. available is the fund's balance less what approved but
// unpaid expenditures have already claimed, read inside the same database
// transaction that will post the spending (see the package notes on the
// store). Every fund is held to it, not only restricted ones: the society
// spends money it has, it does not borrow from designated gifts.
func CheckAvailable(fund Account, available, amount money.Fen) error {
	if amount <= 0 {
		return invalid("金额必须大于零 / amount must be positive")
	}
	if amount > available {
		d := fund.Designation()
		return boai.Errorf(boai.ECONFLICT, "基金「%s」可用余额 %s，不足以支出 %s / the fund %q has %s available, less than %s",
			d.FundLabel(), available.Yuan(), amount.Yuan(), d.FundLabelEn(), available.Yuan(), amount.Yuan())
	}
	return nil
}

// Release re-purposes money from a restricted fund, which the donors have
// agreed to in writing (Consent names the document), to the general fund
// or another fund. It is an explicit, approved and recorded transfer.
type Release struct {
	From, To Account
	Amount   money.Fen
	At       time.Time
	Consent  string // reference of the donors' consent
	Reason   string
	Approver string
}

// Transaction builds the release's transfer: debit the restricted fund,
// credit the receiving fund. Whether From has Amount available is
// CheckAvailable's question, asked where the balance is known.
func (r Release) Transaction() (Transaction, error) {
	switch {
	case r.From.Class() != ClassFund || !r.From.Restricted():
		return Transaction{}, invalid("只能解除限定性基金的限定 / only a restricted fund is released")
	case r.To.Class() != ClassFund || r.To == r.From:
		return Transaction{}, invalid("请选择转入的另一个基金 / choose another fund to receive the money")
	}
	t := Transaction{Kind: KindRelease, At: r.At, Consent: strings.TrimSpace(r.Consent),
		Reason: strings.TrimSpace(r.Reason), Approver: strings.TrimSpace(r.Approver),
		Postings: []Posting{Dr(r.From, r.Amount), Cr(r.To, r.Amount)}}
	return t, t.Validate()
}
