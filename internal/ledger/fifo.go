package ledger

import (
	"boai"
	"boai/internal/money"
)

// Inflow is money that came into one fund: a donation, or a release that
// moved money in from another fund. Used is how much of it earlier
// spending has already been linked to.
type Inflow struct {
	ID     int64
	Amount money.Fen
	Used   money.Fen
}

// Unused is the inflow's money not yet linked to any spending.
func (in Inflow) Unused() money.Fen { return in.Amount - in.Used }

// Link says that Amount of a donation's money paid for an expenditure: the
// row that answers "where did my money go" and "whose money paid for this".
type Link struct {
	DonationID    int64
	ExpenditureID int64
	Amount        money.Fen
}

func checkInflow(in Inflow) error {
	if in.Amount <= 0 || in.Used < 0 || in.Used > in.Amount {
		return boai.Errorf(boai.EINTERNAL, "inflow %d: amount %d, used %d", in.ID, in.Amount, in.Used)
	}
	return nil
}

// LinkFIFO links draw, an expenditure's draw on one fund, to that fund's
// inflows (given in arrival order), oldest unused money first. It does not
// change inflows; the caller adds the links to Used. Only the inflows it
// reaches are checked, so a caller may pass just those not yet used up.
func LinkFIFO(inflows []Inflow, expenditureID int64, draw Draw) ([]Link, error) {
	if draw.Amount <= 0 {
		return nil, invalid("金额必须大于零 / amount must be positive")
	}
	var links []Link
	need := draw.Amount
	for _, in := range inflows {
		if err := checkInflow(in); err != nil {
			return nil, err
		}
		take := min(in.Unused(), need)
		if take == 0 {
			continue
		}
		links = append(links, Link{DonationID: in.ID, ExpenditureID: expenditureID, Amount: take})
		if need -= take; need == 0 {
			return links, nil
		}
	}
	return nil, short(draw, draw.Amount-need)
}

func short(d Draw, unused money.Fen) error {
	des := d.Fund.Designation()
	return boai.Errorf(boai.ECONFLICT, "基金「%s」尚未使用的捐赠只有 %s，不足 %s / the fund %q has only %s of unused donations, less than %s",
		des.FundLabel(), unused.Yuan(), d.Amount.Yuan(), des.FundLabelEn(), unused.Yuan(), d.Amount.Yuan())
}

// CheckLinks validates links chosen by hand instead of first in, first
// out: each names one of the fund's inflows and a positive amount, no
// inflow gives more than its unused money, and together they cover the
// draw exactly.
func CheckLinks(inflows []Inflow, expenditureID int64, draw Draw, links []Link) error {
	want := map[int64]money.Fen{}
	var sum money.Fen
	for _, l := range links {
		if l.ExpenditureID != expenditureID || l.Amount <= 0 || l.Amount > MaxPosting {
			return invalid("每条关联须属于本支出且金额大于零 / each link belongs to this expenditure and has a positive amount")
		}
		want[l.DonationID] += l.Amount
		sum += l.Amount
	}
	if sum != draw.Amount {
		return invalid("关联合计 %s，与该基金支付的 %s 不符 / the links add up to %s, not the fund's %s",
			sum.Yuan(), draw.Amount.Yuan(), sum.Yuan(), draw.Amount.Yuan())
	}
	seen := make(map[int64]bool, len(want))
	for _, in := range inflows {
		w, ok := want[in.ID]
		if !ok {
			continue
		}
		if err := checkInflow(in); err != nil {
			return err
		}
		if seen[in.ID] {
			return boai.Errorf(boai.EINTERNAL, "inflow %d listed twice", in.ID)
		}
		seen[in.ID] = true
		if w > in.Unused() {
			return boai.Errorf(boai.ECONFLICT, "捐赠 %d 尚未使用的只有 %s，不能关联 %s / donation %d has only %s unused, not %s",
				in.ID, in.Unused().Yuan(), w.Yuan(), in.ID, in.Unused().Yuan(), w.Yuan())
		}
	}
	for id := range want {
		if !seen[id] {
			return invalid("捐赠 %d 不属于该基金 / donation %d is not in this fund", id, id)
		}
	}
	return nil
}
