package auth

import "time"

// Login throttling: after SlowAfter failures each attempt waits a little
// longer; after LockAfter failures the account name is locked for LockFor.
// The counters live in the database so every boai process sees them.
const (
	SlowAfter = 3
	LockAfter = 8
	LockFor   = 15 * time.Minute
)

// LoginDelay is how long to wait before answering a login attempt after
// failures earlier failures, so guessing gets slow before it gets locked.
func LoginDelay(failures int) time.Duration {
	if failures < SlowAfter {
		return 0
	}
	d := time.Duration(failures-SlowAfter+1) * 500 * time.Millisecond
	return min(d, 3*time.Second)
}
