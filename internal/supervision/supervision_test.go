package supervision

import (
	"errors"
	"strings"
	"testing"
	"time"

	"boai"
)

func TestApprovalOver(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var zero time.Time
	for _, c := range []struct {
		name         string
		decided, now time.Time
		wantD        time.Duration
		wantLate     bool
	}{
		{"pending, fresh", zero, t0.Add(time.Minute), time.Minute, false},
		{"pending, exactly ten minutes", zero, t0.Add(10 * time.Minute), 10 * time.Minute, false},
		{"pending, a microsecond over", zero, t0.Add(10*time.Minute + time.Microsecond), 10*time.Minute + time.Microsecond, true},
		{"decided in nine minutes, read much later", t0.Add(9 * time.Minute), t0.Add(48 * time.Hour), 9 * time.Minute, false},
		{"decided in exactly ten", t0.Add(10 * time.Minute), t0.Add(time.Hour), 10 * time.Minute, false},
		{"decided in eleven", t0.Add(11 * time.Minute), t0.Add(11 * time.Minute), 11 * time.Minute, true},
	} {
		d, late := ApprovalOver(t0, c.decided, c.now)
		if d != c.wantD || late != c.wantLate {
			t.Errorf("%s: got %v, %v; want %v, %v", c.name, d, late, c.wantD, c.wantLate)
		}
	}
}

func TestWaited(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now   time.Time
		limit time.Duration
		want  bool
	}{
		{t0.Add(23 * time.Hour), 24 * time.Hour, false},
		{t0.Add(24 * time.Hour), 24 * time.Hour, false},
		{t0.Add(24*time.Hour + time.Second), 24 * time.Hour, true},
		{t0.Add(7 * 24 * time.Hour), 7 * 24 * time.Hour, false},
		{t0.Add(8 * 24 * time.Hour), 7 * 24 * time.Hour, true},
		{t0.Add(-time.Hour), time.Hour, false}, // a clock behind the record
	} {
		if _, got := Waited(t0, c.now, c.limit); got != c.want {
			t.Errorf("waited %v with limit %v: got %v, want %v", c.now.Sub(t0), c.limit, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		kind    Kind
		subject string
		msg     string
		sev     Severity
		ok      bool
	}{
		{ApprovalLate, "allocation:1", "方案 #1 审批超时", Warning, true},
		{DisclosureLate, "day:2026-11-30", "公示逾期", Critical, true},
		{LogMismatch, "entry:17", "库与日志不符", Info, true},
		{"made_up", "x:1", "m", Warning, false},
		{"", "x:1", "m", Warning, false},
		{ApprovalLate, "", "m", Warning, false},
		{ApprovalLate, "   ", "m", Warning, false},
		{ApprovalLate, strings.Repeat("x", MaxSubject+1), "m", Warning, false},
		{ApprovalLate, "allocation:1", "", Warning, false},
		{ApprovalLate, "allocation:1", strings.Repeat("字", MaxMessage+1), Warning, false},
		{ApprovalLate, "allocation:1", "m", "urgent", false},
		{ApprovalLate, "allocation:1", "m", "", false},
	} {
		err := Check(c.kind, c.subject, c.msg, c.sev)
		if (err == nil) != c.ok {
			t.Errorf("Check(%q, %.20q, %.20q, %q) = %v, want ok %v", c.kind, c.subject, c.msg, c.sev, err, c.ok)
		}
		var be *boai.Error
		if err != nil && (!errors.As(err, &be) || be.Code != boai.EINVALID) {
			t.Errorf("Check(%q…): %v is not an invalid-input error", c.kind, err)
		}
	}
}

func TestCheckNote(t *testing.T) {
	if _, err := CheckNote("  \n "); err == nil {
		t.Error("a blank note was accepted")
	}
	if _, err := CheckNote(strings.Repeat("查", MaxNote+1)); err == nil {
		t.Error("an overlong note was accepted")
	}
	if got, err := CheckNote("  已核实，属正常采购  "); err != nil || got != "已核实，属正常采购" {
		t.Errorf("CheckNote = %q, %v", got, err)
	}
}

func TestRulesValidate(t *testing.T) {
	if err := DefaultRules.Validate(); err != nil {
		t.Errorf("default rules: %v", err)
	}
	for _, r := range []Rules{{GoodsWait: 0, ReceiptWait: 7 * 24 * time.Hour}, {GoodsWait: time.Hour, ReceiptWait: time.Hour}} {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

func TestSubjectsAreDistinct(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for _, s := range []string{AllocationSubject(1), AllocationSubject(2), ExpenditureSubject(1), ReceiptRequestSubject(1),
		LotSubject(1, t0), LotSubject(1, t0.Add(time.Microsecond)), LotSubject(2, t0)} {
		if seen[s] {
			t.Errorf("subject %q twice", s)
		}
		seen[s] = true
	}
}
