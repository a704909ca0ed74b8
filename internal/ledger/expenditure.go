package ledger

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

// Status is where an expenditure stands: pending → approved → paid, or
// rejected while pending.
type Status string

const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Paid     Status = "paid"
	Rejected Status = "rejected"
)

// Policy is the society's approval rule for spending.
type Policy struct {
	// SecondApprovalOver: an expenditure above this amount needs a second,
	// different approver, and raises a supervisor alert. The zero Policy
	// asks two approvers for everything, so forgetting to configure it
	// errs on the safe side.
	SecondApprovalOver money.Fen
}

// DefaultPolicy asks a second approver above ¥50,000.
var DefaultPolicy = Policy{SecondApprovalOver: 5_000_000}

// Approvals is how many different approvers amount needs.
func (p Policy) Approvals(amount money.Fen) int {
	if amount > p.SecondApprovalOver {
		return 2
	}
	return 1
}

// Alert reports whether supervisors (纪检监察, audit) are alerted to the
// expenditure: the same threshold as the second approval.
func (p Policy) Alert(amount money.Fen) bool { return p.Approvals(amount) > 1 }

// Draw is how much of an expenditure one fund pays.
type Draw struct {
	Fund   Account
	Amount money.Fen
}

// Expenditure is a payment the society makes: procurement, a grant to an
// institution, a transfer to another Red Cross society, or an operating cost.
type Expenditure struct {
	ID          int64
	Kind        Category
	Payee       string
	Purpose     donation.Designation // what it serves; a restricted fund pays only for its own designation
	Note        string
	Amount      money.Fen
	Draws       []Draw // which funds pay, summing to Amount
	Status      Status
	RequestedBy string
	Approvers   []string // in the order they approved
	Reason      string   // why it was rejected
}

// Validate checks an expenditure as it is requested: every draw is on a
// fund whose designation allows the purpose, and the draws sum to the amount.
func (e *Expenditure) Validate() error {
	e.Payee, e.Note, e.RequestedBy = strings.TrimSpace(e.Payee), strings.TrimSpace(e.Note), strings.TrimSpace(e.RequestedBy)
	e.Purpose.Target = strings.TrimSpace(e.Purpose.Target)
	if e.Purpose.Kind == "" {
		e.Purpose.Kind = donation.Undesignated
	}
	if e.Status == "" {
		e.Status = Pending
	}
	switch {
	case !slices.Contains(Categories, e.Kind):
		return invalid("未知的支出类别 %q / unknown expenditure category", e.Kind)
	case e.Payee == "" || utf8.RuneCountInString(e.Payee) > 100:
		return invalid("请填写收款单位（最多 100 字）/ the payee is required (at most 100 characters)")
	case e.Purpose.Designated() && e.Purpose.Target == "":
		return invalid("定向用途须写明对象 / a designated purpose needs its target")
	case e.Amount <= 0 || e.Amount > MaxPosting:
		return invalid("金额必须大于零 / amount must be positive")
	case len(e.Draws) == 0 || len(e.Draws) >= MaxPostings:
		return invalid("请选择支付的基金 / choose the funds that pay")
	case e.RequestedBy == "":
		return invalid("须有申请人 / the requester is required")
	}
	var sum money.Fen
	for i, d := range e.Draws {
		if d.Amount <= 0 {
			return invalid("第 %d 个基金：金额必须大于零 / fund %d: amount must be positive", i+1, i+1)
		}
		if err := CheckSpend(d.Fund, e.Purpose); err != nil {
			return err
		}
		if slices.ContainsFunc(e.Draws[:i], func(x Draw) bool { return x.Fund == d.Fund }) {
			return invalid("同一基金只列一次 / list each fund once")
		}
		sum += d.Amount
	}
	if sum != e.Amount {
		return invalid("各基金支付合计 %s，与支出金额 %s 不符 / the funds pay %s in all, not the amount %s",
			sum.Yuan(), e.Amount.Yuan(), sum.Yuan(), e.Amount.Yuan())
	}
	return nil
}

// Approve records approver's approval. Nobody approves their own request,
// nor approves twice; above the policy's threshold the expenditure stays
// pending until a second, different approver has approved.
func (e *Expenditure) Approve(p Policy, approver string) error {
	approver = strings.TrimSpace(approver)
	switch {
	case e.Status != Pending:
		return boai.Errorf(boai.ECONFLICT, "该支出不在待审批状态 / this expenditure is not awaiting approval")
	case approver == "":
		return invalid("须有审批人 / the approver is required")
	case approver == e.RequestedBy:
		return boai.Errorf(boai.EFORBIDDEN, "不能审批自己的申请 / you cannot approve your own request")
	case slices.Contains(e.Approvers, approver):
		return boai.Errorf(boai.EFORBIDDEN, "已审批过，须另一位审批人 / you have approved it already; a second, different approver is needed")
	}
	e.Approvers = append(e.Approvers, approver)
	if len(e.Approvers) >= p.Approvals(e.Amount) {
		e.Status = Approved
	}
	return nil
}

// Reject turns a pending expenditure down, with the reason.
func (e *Expenditure) Reject(by, reason string) error {
	if e.Status != Pending {
		return boai.Errorf(boai.ECONFLICT, "该支出不在待审批状态 / this expenditure is not awaiting approval")
	}
	if strings.TrimSpace(by) == "" || strings.TrimSpace(reason) == "" {
		return invalid("驳回须写明审批人和原因 / a rejection needs the approver and the reason")
	}
	e.Status, e.Reason = Rejected, strings.TrimSpace(reason)
	return nil
}

// Pay marks an approved expenditure paid from the asset account from (the
// bank, usually) and returns its transaction: each draw debits the expense
// account of its fund, the payment credits from.
func (e *Expenditure) Pay(at time.Time, from Account) (Transaction, error) {
	if e.Status != Approved {
		return Transaction{}, boai.Errorf(boai.ECONFLICT, "只有已审批的支出才能付款 / only an approved expenditure is paid")
	}
	if !from.Money() {
		return Transaction{}, invalid("请选择付款账户 / choose the account that pays")
	}
	t := Transaction{Kind: KindPayment, At: at, Ref: fmt.Sprintf("expenditure:%d", e.ID)}
	for _, d := range e.Draws {
		t.Postings = append(t.Postings, Dr(ExpenseAccount(e.Kind, d.Fund), d.Amount))
	}
	t.Postings = append(t.Postings, Cr(from, e.Amount))
	if err := t.Validate(); err != nil {
		return Transaction{}, err
	}
	e.Status = Paid
	return t, nil
}
