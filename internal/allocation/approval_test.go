package allocation

import (
	"testing"
	"time"

	"boai"
)

func TestDecide(t *testing.T) {
	steps := DefaultSteps
	for _, tt := range []struct {
		name     string
		from     State
		decision string
		comment  string
		want     State
		code     string
	}{
		{"task force approves: on to leadership", State{Pending, 0}, Approve, "", State{Pending, 1}, ""},
		{"leadership approves: approved", State{Pending, 1}, Approve, "", State{Approved, 1}, ""},
		{"reject needs a comment", State{Pending, 1}, Reject, " ", State{Pending, 1}, boai.EINVALID},
		{"reject", State{Pending, 1}, Reject, "数量过大", State{Rejected, 1}, ""},
		{"return to the task force", State{Pending, 1}, Return, "请改为 1000 只", State{Returned, 0}, ""},
		{"no decision on a decided one", State{Approved, 1}, Approve, "", State{Approved, 1}, boai.ECONFLICT},
		{"unknown decision", State{Pending, 0}, "maybe", "", State{Pending, 0}, boai.EINVALID},
	} {
		got, err := Decide(tt.from, steps, tt.decision, tt.comment)
		if boai.ErrorCode(err) != tt.code || got != tt.want {
			t.Errorf("%s: got %+v %v, want %+v %q", tt.name, got, err, tt.want, tt.code)
		}
	}
}

func TestTimes(t *testing.T) {
	var d []time.Duration
	for _, m := range []int{3, 5, 1, 12, 7, 9, 2, 30, 4, 6} {
		d = append(d, time.Duration(m)*time.Minute)
	}
	got := Times(d)
	if got.Median != 5*time.Minute || got.P90 != 12*time.Minute || got.OverGoal != 2 || got.Count != 10 {
		t.Errorf("Times = %+v", got)
	}
	if z := Times(nil); z.Count != 0 || z.Median != 0 {
		t.Errorf("empty: %+v", z)
	}
}
