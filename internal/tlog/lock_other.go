//go:build !unix

package tlog

// lock is a no-op where flock is missing: the caller elects one writer.
func lock(string) (func() error, error) { return func() error { return nil }, nil }
