package demo

import (
	"context"
	"fmt"
	"time"

	"boai/internal/audit"
	"boai/internal/disclosure"
	"boai/internal/store"
)

// DisclosureDays is how many days before yesterday the demo has published
// disclosures for: the epidemic week and the week before it.
const DisclosureDays = 13

// Disclosures publishes the demo's daily disclosures as a society does
// each morning: the clerk prepares the day before, finance checks it, the
// administrator publishes it, for each of the DisclosureDays days before
// yesterday; yesterday's waits as a draft for the checker. One day has a
// published correction notice.
func Disclosures(ctx context.Context, db *store.DB, staff map[string]audit.Actor, now time.Time, loc *time.Location) error {
	orig := db.Now
	defer func() { db.Now = orig }()
	today := now.In(loc)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	var corrected bool
	for back := DisclosureDays + 1; back >= 1; back-- {
		dayStart := midnight.AddDate(0, 0, -back)
		date := dayStart.Format(disclosure.DateLayout)
		morning := dayStart.AddDate(0, 0, 1).Add(9 * time.Hour)
		if !morning.Before(now) {
			morning = now.Add(-time.Minute) // yesterday's, made just now
		}
		step := func(by time.Duration) { db.Now = func() time.Time { return morning.Add(by) } }
		step(0)
		d, err := db.PrepareDisclosure(ctx, staff["clerk"], date, loc)
		if err != nil {
			return fmt.Errorf("demo disclosure %s: %w", date, err)
		}
		if back == 1 {
			break // yesterday's waits for its checker
		}
		step(35 * time.Minute)
		if _, err := db.CheckDisclosure(ctx, staff["finance"], date); err != nil {
			return fmt.Errorf("demo disclosure check %s: %w", date, err)
		}
		step(50 * time.Minute)
		if _, err := db.PublishDisclosure(ctx, staff["admin"], date); err != nil {
			return fmt.Errorf("demo disclosure publish %s: %w", date, err)
		}
		if corrected || len(d.Day.Goods) == 0 || back > 5 {
			continue
		}
		// A goods line that needed a word more, put right the same day.
		was, _ := d.Day.Line(disclosure.SectionGoods, 1)
		step(5 * time.Hour)
		c, err := db.CorrectDisclosure(ctx, staff["clerk"], date, disclosure.Fix{Section: disclosure.SectionGoods, Line: 1,
			Corrected: was + "（其中 1 箱外包装破损，已按规定报损，不再调拨）", Reason: "清点记录漏记外包装破损情况"})
		if err != nil {
			return fmt.Errorf("demo correction %s: %w", date, err)
		}
		step(5*time.Hour + 20*time.Minute)
		if _, err := db.CheckCorrection(ctx, staff["finance"], c.ID); err != nil {
			return err
		}
		step(5*time.Hour + 30*time.Minute)
		if _, err := db.PublishCorrection(ctx, staff["admin"], c.ID); err != nil {
			return err
		}
		corrected = true
	}
	return nil
}
