package auth

import "testing"

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		got, err := CheckPassword(h, tt.pw)
		if err != nil || got != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
}

func TestCan(t *testing.T) {
	for _, tt := range []struct {
		role Role
		a    Action
		want bool
	}{
		{Supervisor, ViewAudit, true},
		{Supervisor, RecordDonation, false},
		{Supervisor, ManageUsers, false},
		{Clerk, RecordDonation, true},
		{Clerk, ViewAudit, false},
		{Branch, RecordDonation, true},
		{Branch, ImportDonations, false},
		{Warehouse, RecordDonation, false},
		{Admin, ManageUsers, true},
	} {
		u := &User{Role: tt.role, Active: true}
		if got := u.Can(tt.a); got != tt.want {
			t.Errorf("%s Can(%s) = %v, want %v", tt.role, tt.a, got, tt.want)
		}
	}
	if (&User{Role: Admin}).Can(ViewDashboard) {
		t.Error("inactive user can act")
	}
}

func TestLoginDelay(t *testing.T) {
	if LoginDelay(0) != 0 || LoginDelay(SlowAfter-1) != 0 {
		t.Error("first failures must not be slowed")
	}
	if LoginDelay(SlowAfter) <= 0 || LoginDelay(100) > LoginDelay(99)+1 {
		t.Error("delay must grow and stay capped")
	}
}

// TestSupervisorReadsEverythingWritesNothing: the supervisor role may take
// every read action and no write, and every action listed as a read is
// in the permission table.
func TestSupervisorReadsEverythingWritesNothing(t *testing.T) {
	sup := &User{Role: Supervisor, Active: true}
	n := 0
	for _, a := range Actions() {
		switch {
		case a.ReadOnly() && !sup.Can(a):
			t.Errorf("supervisors may not %s, a read", a)
		case !a.ReadOnly() && sup.Can(a):
			t.Errorf("supervisors may %s, a write", a)
		}
		if a.ReadOnly() {
			n++
		}
	}
	if n != len(reads) {
		t.Errorf("%d read actions in the permission table, %d listed as reads: a read is missing from the table", n, len(reads))
	}
	if (&User{Role: Supervisor}).Can(ViewAudit) {
		t.Error("an inactive supervisor may read")
	}
}
