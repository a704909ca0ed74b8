package main

import (
	"boai/internal/supervision"
	"context"
	"testing"
	"time"

	"boai/internal/disclosure"
	"boai/internal/store/storetest"
)

func TestDisclosureTimes(t *testing.T) {
	c := defaultConfig()
	at, due, err := c.disclosureTimes()
	if err != nil || at != 9*time.Hour || due != 12*time.Hour {
		t.Fatalf("defaults: %v %v %v", at, due, err)
	}
	for _, bad := range [][2]string{{"9am", "12:00"}, {"09:00", "25:00"}, {"10:00", "10:00"}, {"12:00", "09:00"}, {"", "12:00"}} {
		c.DisclosureAt, c.DisclosureDue = bad[0], bad[1]
		if _, _, err := c.disclosureTimes(); err == nil {
			t.Errorf("--disclosure-at %q --disclosure-due %q accepted", bad[0], bad[1])
		}
	}
}

// TestDailyDisclosureJob: before the time nothing is made; after it the
// system makes yesterday's draft, once; past the due time an unpublished
// day alerts the supervisors, once.
func TestDailyDisclosureJob(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	run := func(h, m int) bool {
		t.Helper()
		now := day.AddDate(0, 0, 1).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		db.Now = func() time.Time { return now }
		made, err := dailyDisclosure(ctx, db, now, 9*time.Hour, 12*time.Hour, loc)
		if err != nil {
			t.Fatalf("at %02d:%02d: %v", h, m, err)
		}
		return made
	}
	if run(8, 55) {
		t.Errorf("a draft before 09:00")
	}
	if _, err := db.DisclosureStatus(ctx, "2026-11-30"); err == nil {
		t.Errorf("the day has a disclosure before 09:00")
	}
	if !run(9, 0) {
		t.Errorf("no draft at 09:00")
	}
	d, err := db.Disclosure(ctx, "2026-11-30")
	if err != nil || d.Status != disclosure.Draft || d.MadeBy != "system" {
		t.Fatalf("the job's draft: %+v %v", d, err)
	}
	if run(9, 5) {
		t.Errorf("a second draft")
	}
	if alerts, _, _ := db.Alerts(ctx, supervision.Filter{Limit: 10}); len(alerts) != 0 {
		t.Errorf("alerts before the due time: %+v", alerts)
	}
	run(12, 5)
	run(12, 10)
	alerts, _, err := db.Alerts(ctx, supervision.Filter{Limit: 10})
	if err != nil || len(alerts) != 1 || alerts[0].Kind != "disclosure_late" {
		t.Errorf("alerts after the due time: %+v %v; want one disclosure_late", alerts, err)
	}
}
