// Package audit is the append-only trail of every staff write: who, in
// which role, when, what, and the record before and after.
package audit

import "time"

// Actor is who performs a write. Machine clients act as the account their
// API token belongs to.
type Actor struct {
	UserID   int64
	Username string
	Role     string
	IP       string
	Via      string // "web", "api", "cli", "system"
}

// System is the actor for boai's own writes (demo seeding, migrations).
var System = Actor{Username: "system", Role: "system", Via: "system"}

// Entry is one audit record. Before and After are JSON snapshots.
type Entry struct {
	ID       int64
	At       time.Time
	Actor    Actor
	Action   string // e.g. "donation.create", "user.passwd"
	Entity   string // e.g. "donation"
	EntityID int64
	Before   string
	After    string
}

// Filter selects audit entries for the supervisors' view.
type Filter struct {
	Username string
	Action   string // e.g. "donation.reverse"
	Entity   string
	EntityID int64
	From, To time.Time // To is exclusive
	Offset   int
	Limit    int
}
