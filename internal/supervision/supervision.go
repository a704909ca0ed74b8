// Package supervision holds what supervisors (纪检监察, audit) are warned
// of: the kinds of alert (预警), their severity, the subject each names so
// it is raised once, the rules that decide when something is late, and
// what an acknowledgement needs. It has no SQL and no HTTP.
package supervision

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/allocation"
)

// Kind is what an alert is about.
type Kind string

// The kinds of alert. Code elsewhere raises its own kinds through the same
// store call (DisclosureLate by the daily disclosure, LogMismatch by the
// public log's audit); each kind needs a label in internal/i18n
// ("alert.<kind>").
const (
	ExpenditureOverThreshold Kind = "expenditure_over_threshold" // a spending request above the second-approval line
	RestrictedMisuse         Kind = "restricted_misuse"          // an attempt to spend designated money on something else
	ApprovalLate             Kind = "approval_late"              // an allocation's approval over the 10-minute target
	GoodsWaiting             Kind = "goods_waiting"              // goods in stock, not dispatched, longer than the limit (日进日清)
	ReceiptUnanswered        Kind = "receipt_unanswered"         // a donor's receipt request unanswered too long
	DisclosureLate           Kind = "disclosure_late"            // the daily disclosure not published on time
	LogMismatch              Kind = "log_mismatch"               // the database and the public log disagree
)

// Kinds lists every kind in the order the supervision page shows them.
var Kinds = []Kind{ExpenditureOverThreshold, RestrictedMisuse, ApprovalLate, GoodsWaiting, ReceiptUnanswered, DisclosureLate, LogMismatch}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Severity says how urgently supervisors should look.
type Severity string

const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return s == Info || s == Warning || s == Critical }

// Alert is one warning for supervisors. Kind and Subject together are its
// key: the same subject is never alerted twice for the same kind.
type Alert struct {
	ID        int64
	Kind      Kind
	Subject   string // e.g. "allocation:42"; unique within the kind
	Message   string // what happened, in the society's language, with no personal data beyond staff usernames
	Severity  Severity
	CreatedAt time.Time
	AckedAt   time.Time // zero while open
	AckedBy   string
	AckNote   string
}

// Open reports whether no one has acknowledged a yet.
func (a Alert) Open() bool { return a.AckedAt.IsZero() }

// Limits on what an alert holds.
const (
	MaxSubject = 200
	MaxMessage = 2000
	MaxNote    = 1000
)

// Check validates an alert about to be raised.
func Check(kind Kind, subject, message string, sev Severity) error {
	switch {
	case !kind.Valid():
		return boai.Errorf(boai.EINVALID, "未知的预警类型 %q / unknown alert kind", kind)
	case strings.TrimSpace(subject) == "" || len(subject) > MaxSubject || !utf8.ValidString(subject):
		return boai.Errorf(boai.EINVALID, "预警须注明对象（不超过 %d 字节）/ an alert needs a subject key of at most %d bytes", MaxSubject, MaxSubject)
	case strings.TrimSpace(message) == "" || utf8.RuneCountInString(message) > MaxMessage || !utf8.ValidString(message):
		return boai.Errorf(boai.EINVALID, "预警须有说明（不超过 %d 字）/ an alert needs a message of at most %d characters", MaxMessage, MaxMessage)
	case !sev.Valid():
		return boai.Errorf(boai.EINVALID, "未知的预警级别 %q（info、warning、critical）/ unknown severity", sev)
	}
	return nil
}

// CheckNote validates an acknowledgement's note: who looked is recorded
// by the audit trail, what they found must be written down.
func CheckNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return "", boai.Errorf(boai.EINVALID, "确认预警须填写处理说明 / acknowledging an alert needs a note")
	}
	if utf8.RuneCountInString(note) > MaxNote {
		return "", boai.Errorf(boai.EINVALID, "处理说明不超过 %d 字 / the note is at most %d characters", MaxNote, MaxNote)
	}
	return note, nil
}

// Filter selects alerts for the supervision page, its export and the
// audit package.
type Filter struct {
	Kind     Kind
	State    string    // "", "open" or "acked"
	From, To time.Time // raised in [From, To); zero for no bound
	Offset   int
	Limit    int
}

// Rules are the limits the scan holds the society to.
type Rules struct {
	GoodsWait   time.Duration // goods received and not dispatched longer than this (--alert-wait-hours)
	ReceiptWait time.Duration // receipt requests unanswered longer than this (--alert-receipt-days)
}

// DefaultRules: a day for goods (日进日清), a week for a receipt.
var DefaultRules = Rules{GoodsWait: 24 * time.Hour, ReceiptWait: 7 * 24 * time.Hour}

// Validate refuses limits that would alert on everything or nothing.
func (r Rules) Validate() error {
	if r.GoodsWait < time.Hour {
		return boai.Errorf(boai.EINVALID, "物资滞留预警至少 1 小时 / the goods-waiting limit is at least an hour")
	}
	if r.ReceiptWait < 24*time.Hour {
		return boai.Errorf(boai.EINVALID, "票据申请预警至少 1 天 / the receipt-request limit is at least a day")
	}
	return nil
}

// ApprovalOver reports how long an allocation's approval took, or has
// waited while still pending (decided zero), and whether that is over
// the 10-minute target. Exactly ten minutes is on target.
func ApprovalOver(submitted, decided, now time.Time) (time.Duration, bool) {
	end := decided
	if end.IsZero() {
		end = now
	}
	d := end.Sub(submitted)
	return d, d > allocation.TargetApproval
}

// Waited reports how long something has waited since since, and whether
// that is longer than limit. Exactly the limit is not yet too long.
func Waited(since, now time.Time, limit time.Duration) (time.Duration, bool) {
	d := now.Sub(since)
	return d, d > limit
}

// Subject keys of the alerts the scan raises.

func AllocationSubject(id int64) string { return fmt.Sprintf("allocation:%d", id) }

func ExpenditureSubject(id int64) string { return fmt.Sprintf("expenditure:%d", id) }

func ReceiptRequestSubject(id int64) string { return fmt.Sprintf("receipt_request:%d", id) }

// LotSubject names a lot's stay since its last receipt: goods received
// into the same lot again wait anew, and are alerted anew.
func LotSubject(lotID int64, since time.Time) string {
	return fmt.Sprintf("lot:%d@%d", lotID, since.UnixMicro())
}

// Hours formats a duration as hours with one decimal, for messages.
func Hours(d time.Duration) string { return fmt.Sprintf("%.1f", d.Hours()) }
