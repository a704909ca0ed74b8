//go:build unix

package tlog

import (
	"fmt"
	"os"
	"syscall"
)

// lock takes an exclusive advisory lock on path, so that two processes on
// one machine never write the same log. Several machines sharing a
// filesystem must elect the writer themselves (a database lock).
func lock(path string) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("log %s is open in another process: %w", path, err)
	}
	return f.Close, nil
}
