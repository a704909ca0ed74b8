package inkind

import (
	"strings"
	"testing"

	"boai"
)

func TestReceiptable(t *testing.T) {
	for _, tt := range []struct {
		name string
		l    Line
		want bool
	}{
		{"invoice", Line{Valuation: Evidence, DeclaredFen: 100000, EvidenceKind: "invoice"}, true},
		{"appraisal", Line{Valuation: Appraisal, AppraisedFen: 5000}, true},
		{"cannot be appraised", Line{Valuation: Unappraisable, DeclaredFen: 100000}, false},
		{"not yet valued", Line{Valuation: Pending, DeclaredFen: 100000}, false},
		{"appraised at nothing", Line{Valuation: Appraisal}, false},
	} {
		if got := tt.l.Receiptable(); got != tt.want {
			t.Errorf("%s: Receiptable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestLineValidate(t *testing.T) {
	good := func() Line { return Line{ItemID: 1, Declared: 80, Valuation: Pending} }
	for _, tt := range []struct {
		name string
		edit func(*Line)
		msg  string
	}{
		{"good", func(*Line) {}, ""},
		{"no quantity", func(l *Line) { l.Declared = 0 }, "数量"},
		{"bad date", func(l *Line) { l.ExpiresOn = "2027-02-30" }, "日期"},
		{"expiry before production", func(l *Line) { l.ProducedOn, l.ExpiresOn = "2026-05-01", "2026-04-01" }, "有效期"},
		{"evidence without document", func(l *Line) { l.Valuation, l.DeclaredFen = Evidence, 100 }, "凭据"},
		{"evidence", func(l *Line) {
			l.Valuation, l.DeclaredFen, l.EvidenceKind, l.EvidenceRef = Evidence, 100, "customs", "2026-xyz"
		}, ""},
		{"appraisal without report", func(l *Line) { l.Valuation, l.AppraisedFen, l.Appraiser = Appraisal, 100, "天源资产评估" }, "评估"},
		{"appraisal", func(l *Line) {
			l.Valuation, l.AppraisedFen, l.Appraiser, l.ReportNo, l.AppraisedOn = Appraisal, 100, "天源资产评估", "TY-2026-01", "2026-02-03"
		}, ""},
	} {
		l := good()
		tt.edit(&l)
		err := l.Validate(1)
		if tt.msg == "" && err != nil || tt.msg != "" && (boai.ErrorCode(err) != boai.EINVALID || !strings.Contains(boai.ErrorMessage(err), tt.msg)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.msg)
		}
	}
}

func TestSettle(t *testing.T) {
	roles := []string{RoleUnloading, RoleSorting, RoleCounting}
	ok := func(line int, role string, counted int64) SignOff {
		return SignOff{Line: line, Role: role, Person: "张三", Counted: counted, Verdict: Accepted}
	}
	masks := Line{ItemID: 1, Declared: 100, MedicalGrade: true}
	rice := Line{ItemID: 2, Declared: 50}
	t.Run("all accepted, counted quantity wins", func(t *testing.T) {
		got, err := Settle([]Line{rice}, []SignOff{ok(0, RoleUnloading, 0), ok(0, RoleSorting, 0), ok(0, RoleCounting, 48)}, roles)
		if err != nil || got[0].Accepted != 48 || got[0].Verdict != Accepted {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("medical-grade needs its check", func(t *testing.T) {
		_, err := Settle([]Line{masks}, []SignOff{ok(0, RoleUnloading, 0), ok(0, RoleSorting, 0), ok(0, RoleCounting, 100)}, roles)
		if err == nil || !strings.Contains(boai.ErrorMessage(err), RoleMedicalCheck) {
			t.Fatalf("missing medical check: %v", err)
		}
	})
	t.Run("quarantine by the medical check", func(t *testing.T) {
		s := []SignOff{ok(0, RoleUnloading, 0), ok(0, RoleSorting, 0), ok(0, RoleCounting, 100),
			{Line: 0, Role: RoleMedicalCheck, Person: "李医生", Verdict: Quarantined, Reason: "标注 KN95，与申报 N95 不符"}}
		got, err := Settle([]Line{masks}, s, roles)
		if err != nil || got[0].Quarantined != 100 || got[0].Accepted != 0 || len(got[0].Reasons) != 1 {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("reject needs a reason", func(t *testing.T) {
		s := []SignOff{ok(0, RoleUnloading, 0), ok(0, RoleSorting, 0), {Line: 0, Role: RoleCounting, Person: "王五", Counted: 10, Verdict: Rejected}}
		if _, err := Settle([]Line{rice}, s, roles); err == nil {
			t.Fatal("a rejection without reason was accepted")
		}
	})
	t.Run("rejected beats quarantined", func(t *testing.T) {
		s := []SignOff{ok(0, RoleUnloading, 0), {Line: 0, Role: RoleSorting, Person: "赵六", Verdict: Quarantined, Reason: "包装破损"},
			{Line: 0, Role: RoleCounting, Person: "王五", Counted: 50, Verdict: Rejected, Reason: "已过期"}}
		got, err := Settle([]Line{rice}, s, roles)
		if err != nil || got[0].Rejected != 50 || got[0].Verdict != Rejected {
			t.Fatalf("%+v %v", got, err)
		}
	})
}

func TestPartialArrivalKeepsRemainder(t *testing.T) {
	p := PreArrival{Lines: []Expected{{ItemID: 1, Expected: 1000}, {ItemID: 2, Expected: 50}}}
	lines, err := p.Arrive(map[int]int64{0: 600})
	if err != nil || len(lines) != 1 || lines[0].Declared != 600 {
		t.Fatalf("first arrival: %+v %v", lines, err)
	}
	if p.Lines[0].Remaining() != 400 || p.Lines[1].Remaining() != 50 {
		t.Errorf("remaining %d and %d, want 400 and 50", p.Lines[0].Remaining(), p.Lines[1].Remaining())
	}
	if _, err := p.Arrive(map[int]int64{0: 450, 1: 50}); err != nil {
		t.Fatal(err)
	}
	if p.Lines[0].Remaining() != 0 || p.Lines[1].Remaining() != 0 {
		t.Errorf("after the rest arrived: %+v", p.Lines)
	}
	if _, err := p.Arrive(map[int]int64{5: 1}); err == nil {
		t.Error("an arrival for a line the notice does not have")
	}
	if _, err := p.Arrive(map[int]int64{}); err == nil {
		t.Error("an empty arrival")
	}
}
