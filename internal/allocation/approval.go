package allocation

import (
	"slices"
	"sort"
	"strings"
	"time"

	"boai"
)

// DefaultSteps are the approval steps an allocation passes: the task
// force (捐赠专班) proposes, the society's leadership decides.
var DefaultSteps = []string{"taskforce", "leadership"}

// TargetApproval is the 10-minute approval the society holds itself to.
const TargetApproval = 10 * time.Minute

// Allocation statuses.
const (
	Pending    = "pending"    // waiting at Step
	Approved   = "approved"   // passed the last step: dispatch may go
	Rejected   = "rejected"   // final
	Returned   = "returned"   // sent back to the task force to change and submit again
	Dispatched = "dispatched" // approved and gone out on its dispatch notes
)

// Live reports whether an allocation still holds its stock and its
// request lines: submitted or approved, not yet dispatched.
func Live(status string) bool { return status == Pending || status == Approved }

// Paperwork is what an allocation approved online still owes on paper
// (线上审批、线下补办): the requesting unit's stamped letter, the signed
// approval form and the recipient's signed receipt.
var Paperwork = []string{"request_letter", "approval_form", "receipt_form"}

// Decisions an approver takes.
const (
	Approve = "approve"
	Reject  = "reject"
	Return  = "return"
)

// State is where an allocation stands in its approval.
type State struct {
	Status string
	Step   int // index into the steps while pending
}

// Decide applies a decision at the current step. A rejection or a return
// needs a comment, so the task force knows why.
func Decide(s State, steps []string, decision, comment string) (State, error) {
	if s.Status != Pending {
		return s, boai.Errorf(boai.ECONFLICT, "该调拨不在待审批状态 / this allocation is not awaiting approval")
	}
	if s.Step < 0 || s.Step >= len(steps) {
		return s, boai.Errorf(boai.EINTERNAL, "approval step %d out of range", s.Step)
	}
	switch decision {
	case Approve:
		if s.Step == len(steps)-1 {
			return State{Status: Approved, Step: s.Step}, nil
		}
		return State{Status: Pending, Step: s.Step + 1}, nil
	case Reject, Return:
		if strings.TrimSpace(comment) == "" {
			return s, boai.Errorf(boai.EINVALID, "驳回或退回须写明意见 / rejecting or returning needs a comment")
		}
		if decision == Reject {
			return State{Status: Rejected, Step: s.Step}, nil
		}
		return State{Status: Returned, Step: 0}, nil
	}
	return s, boai.Errorf(boai.EINVALID, "未知的审批意见 %q / unknown decision", decision)
}

// CanDecide reports whether a role may decide at step: each step names
// the roles that act there.
func CanDecide(stepRoles map[string][]string, step, role string) bool {
	return slices.Contains(stepRoles[step], role)
}

// Timing summarises approval times against the 10-minute target.
type Timing struct {
	Count    int
	Median   time.Duration
	P90      time.Duration
	OverGoal int // approved later than TargetApproval
}

// Times computes the median and 90th percentile of approval durations
// (nearest-rank), and how many missed the target.
func Times(durations []time.Duration) Timing {
	t := Timing{Count: len(durations)}
	if len(durations) == 0 {
		return t
	}
	d := slices.Clone(durations)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(d)) + 0.999999) // ceil
		return d[max(0, min(i, len(d))-1)]
	}
	t.Median, t.P90 = rank(0.5), rank(0.9)
	for _, x := range d {
		if x > TargetApproval {
			t.OverGoal++
		}
	}
	return t
}
