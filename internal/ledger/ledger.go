package ledger

import (
	"fmt"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

// Transaction kinds.
const (
	KindDonation = "donation"  // money received
	KindGoods    = "goods"     // donated goods received at their value
	KindGoodsOut = "goods_out" // donated goods leaving at their value
	KindPayment  = "payment"   // an expenditure paid
	KindRelease  = "release"   // a restriction released with the donor's consent: a transfer between funds
	KindReversal = "reversal"  // cancels an earlier transaction, posting by posting
)

// Limits that keep every sum inside int64: at most MaxPostings postings of
// at most MaxPosting fen each (¥10 trillion) can never overflow.
const (
	MaxPostings = 1000
	MaxPosting  = money.Fen(1_000_000_000_000_000)
)

// Posting is one line of a transaction: exactly one of Debit and Credit is
// positive. Two fields rather than a signed amount, because that is how
// finance staff read a voucher and it makes "no negative amount on a side"
// a checkable rule.
type Posting struct {
	Account Account
	Debit   money.Fen
	Credit  money.Fen
}

// Dr is a debit posting, Cr a credit posting.
func Dr(a Account, f money.Fen) Posting { return Posting{Account: a, Debit: f} }
func Cr(a Account, f money.Fen) Posting { return Posting{Account: a, Credit: f} }

// Signed is the posting as one number, debit positive: what the store
// keeps in one column, so a transaction balances when its sum is zero.
func (p Posting) Signed() money.Fen { return p.Debit - p.Credit }

// Transaction is one balanced entry. Once recorded it is never edited or
// deleted: a mistake is cancelled by a reversal that names it.
type Transaction struct {
	ID       int64
	Kind     string
	At       time.Time // when it happened; decides its period
	Ref      string    // what it records, e.g. "donation:42", "expenditure:7"
	Postings []Posting
	Reason   string // why: required for a reversal and a release
	Approver string // who approved: required for a reversal and a release
	Consent  string // the donors' consent to re-purpose: required for a release
	Reverses int64  // for a reversal: the transaction it cancels
}

// Validate checks the rules every recorded transaction obeys: at least two
// postings on accounts of the chart, each with one positive side, debits
// equal to credits; a reversal and a release say why and who approved;
// only a release (or a reversal) takes money out of a restricted fund's
// own account, so designated money is never quietly pooled.
func (t *Transaction) Validate() error {
	switch t.Kind {
	case KindDonation, KindGoods, KindGoodsOut, KindPayment, KindRelease, KindReversal:
	default:
		return invalid("未知的凭证类型 %q / unknown transaction kind", t.Kind)
	}
	switch {
	case t.At.IsZero():
		return invalid("凭证须有日期 / a transaction needs its date")
	case len(t.Postings) < 2:
		return invalid("凭证至少要有两条分录 / a transaction needs at least two postings")
	case len(t.Postings) > MaxPostings:
		return invalid("凭证分录过多（最多 %d 条）/ too many postings (at most %d)", MaxPostings, MaxPostings)
	}
	var debits, credits money.Fen
	for i, p := range t.Postings {
		switch {
		case !p.Account.Valid():
			return invalid("第 %d 条分录：未知科目 %q / posting %d: unknown account %q", i+1, p.Account, i+1, p.Account)
		case p.Debit < 0 || p.Credit < 0:
			return invalid("第 %d 条分录：金额不能为负 / posting %d: an amount cannot be negative", i+1, i+1)
		case (p.Debit == 0) == (p.Credit == 0):
			return invalid("第 %d 条分录须有且只有借方或贷方金额 / posting %d needs exactly one of debit and credit", i+1, i+1)
		case p.Debit > MaxPosting || p.Credit > MaxPosting:
			return invalid("第 %d 条分录金额过大 / posting %d: amount too large", i+1, i+1)
		case p.Debit > 0 && p.Account.Class() == ClassFund && p.Account.Restricted() &&
			t.Kind != KindRelease && t.Kind != KindReversal:
			return invalid("限定性基金「%s」只能经捐赠人同意、审批后转出 / money leaves the restricted fund %q only by an approved release with the donors' consent",
				p.Account.Designation().FundLabel(), p.Account.Designation().FundLabelEn())
		}
		debits += p.Debit
		credits += p.Credit
	}
	if debits != credits {
		return invalid("借贷不平：借方 %s，贷方 %s / unbalanced: debits %s, credits %s",
			debits.Yuan(), credits.Yuan(), debits.Yuan(), credits.Yuan())
	}
	switch t.Kind {
	case KindReversal:
		if t.Reverses <= 0 {
			return invalid("冲销凭证须注明所冲销的凭证 / a reversal names the transaction it cancels")
		}
		return needWhy(t)
	case KindRelease:
		if strings.TrimSpace(t.Consent) == "" {
			return invalid("解除限定须有捐赠人同意书编号 / releasing a restriction needs the donors' consent reference")
		}
		for _, p := range t.Postings {
			if p.Account.Class() != ClassFund {
				return invalid("解除限定只在基金之间转账 / a release moves money between funds only")
			}
		}
		return needWhy(t)
	}
	return nil
}

func needWhy(t *Transaction) error {
	if strings.TrimSpace(t.Reason) == "" || strings.TrimSpace(t.Approver) == "" {
		return invalid("冲销和解除限定须写明原因和审批人 / a reversal or a release needs a reason and an approver")
	}
	return nil
}

// Reverse builds the transaction that cancels t: the same postings with
// debit and credit swapped, dated at (the reversal belongs to the period it
// is made in, so a closed month stays closed). A reversal is not itself
// reversed: post the entry again instead, so the trail reads forwards.
func Reverse(t Transaction, at time.Time, reason, approver string) (Transaction, error) {
	if t.ID <= 0 {
		return Transaction{}, invalid("只能冲销已记账的凭证 / only a recorded transaction can be reversed")
	}
	if t.Kind == KindReversal {
		return Transaction{}, boai.Errorf(boai.ECONFLICT, "冲销凭证不能再冲销，请重新记账 / a reversal is not reversed; post the entry again")
	}
	if err := t.Validate(); err != nil {
		return Transaction{}, err
	}
	r := Transaction{Kind: KindReversal, At: at, Ref: t.Ref, Reason: strings.TrimSpace(reason),
		Approver: strings.TrimSpace(approver), Reverses: t.ID, Postings: make([]Posting, len(t.Postings))}
	for i, p := range t.Postings {
		r.Postings[i] = Posting{Account: p.Account, Debit: p.Credit, Credit: p.Debit}
	}
	return r, r.Validate()
}

// ForDonation is the transaction a money donation posts with its intake:
// debit where the money arrived, credit the fund its designation names (the
// general fund when undesignated). A donation's reversal is posted with
// Reverse of this transaction, not from the reversal record.
func ForDonation(d *donation.Donation) (Transaction, error) {
	if d.Kind == donation.KindReversal || d.AmountFen <= 0 {
		return Transaction{}, invalid("只有捐赠本身入账；冲销请用 Reverse / only a donation itself posts; reverse its transaction instead")
	}
	asset, fund := ChannelAccount(d.Channel), FundOf(d.Designation)
	if asset == "" {
		return Transaction{}, invalid("未知的捐赠渠道 %q / unknown channel", d.Channel)
	}
	if !fund.Valid() {
		return Transaction{}, invalid("定向捐赠须写明定向对象 / a designated donation needs its target")
	}
	t := Transaction{Kind: KindDonation, At: d.ReceivedAt, Ref: fmt.Sprintf("donation:%d", d.ID),
		Postings: []Posting{Dr(asset, d.AmountFen), Cr(fund, d.AmountFen)}}
	return t, t.Validate()
}

// ForGoods is the transaction for donated goods taken in at value: debit
// goods at value, credit the goods fund. value is the value of what was
// accepted into stock (see inkind.Line.Value); goods that cannot be
// appraised are registered but carry no value and post nothing.
func ForGoods(inkindID int64, at time.Time, value money.Fen) (Transaction, error) {
	t := Transaction{Kind: KindGoods, At: at, Ref: fmt.Sprintf("inkind:%d", inkindID),
		Postings: []Posting{Dr(GoodsAtValue, value), Cr(GoodsFund, value)}}
	return t, t.Validate()
}

// ForGoodsOut is the transaction for goods leaving the warehouse (a stock
// document, ref) at value: distributed to recipients, or written off
// (lost, damaged, expired). A negative value is goods coming back on a
// count correction, which reverses the direction.
func ForGoodsOut(ref string, at time.Time, value money.Fen, writtenOff bool) (Transaction, error) {
	exp := GoodsDistributed
	if writtenOff {
		exp = GoodsWrittenOff
	}
	t := Transaction{Kind: KindGoodsOut, At: at, Ref: ref, Postings: []Posting{Dr(exp, value), Cr(GoodsAtValue, value)}}
	if value < 0 {
		t.Postings = []Posting{Dr(GoodsAtValue, -value), Cr(exp, -value)}
	}
	return t, t.Validate()
}

// GoodsValueOut is how much of a donation line's value has left once out
// of its accepted units have: value × out ÷ accepted, rounded down, so the
// documents that take the line's units out between them post exactly its
// value, whatever their sizes.
func GoodsValueOut(value money.Fen, accepted, out int64) money.Fen {
	if accepted <= 0 || value <= 0 {
		return 0
	}
	out = min(max(out, 0), accepted)
	return money.Fen(int64(value) * out / accepted)
}

func invalid(format string, args ...any) error { return boai.Errorf(boai.EINVALID, format, args...) }
