package disclosure

import (
	"bytes"
	"testing"
	"time"

	"boai"
)

// published makes, checks and publishes the sample day.
func published(t *testing.T) *Disclosure {
	t.Helper()
	d, err := NewDraft(mustDay(t, sampleInput()), "alice", at(23, 0).Add(8*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check("bob", at(23, 0).Add(9*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := d.Publish("bob", at(23, 0).Add(9*time.Hour+30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMakerChecker(t *testing.T) {
	t0 := at(23, 0).Add(8 * time.Hour)
	d, err := NewDraft(mustDay(t, sampleInput()), "alice", t0)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		do     func() error
		code   string
		status Status
	}{
		{"publish a draft", func() error { return d.Publish("alice", t0) }, boai.ECONFLICT, Draft},
		{"maker checks", func() error { return d.Check("alice", t0) }, boai.EFORBIDDEN, Draft},
		{"maker checks, other case", func() error { return d.Check(" Alice ", t0) }, boai.EFORBIDDEN, Draft},
		{"no checker", func() error { return d.Check("", t0) }, boai.EINVALID, Draft},
		{"checked before made", func() error { return d.Check("bob", t0.Add(-time.Minute)) }, boai.EINVALID, Draft},
		{"bob checks", func() error { return d.Check("bob", t0.Add(time.Hour)) }, "", Checked},
		{"checked twice", func() error { return d.Check("carol", t0.Add(time.Hour)) }, boai.ECONFLICT, Checked},
		{"edited after check", func() error {
			d.Day.Money[0].Donor = "张小明"
			defer func() { d.Day.Money[0].Donor = "张*明" }()
			return d.Publish("bob", t0.Add(2*time.Hour))
		}, boai.ECONFLICT, Checked},
		{"bob publishes", func() error { return d.Publish("bob", t0.Add(2*time.Hour)) }, "", Published},
		{"publish again", func() error { return d.Publish("bob", t0.Add(3*time.Hour)) }, boai.ECONFLICT, Published},
		{"check after publish", func() error { return d.Check("carol", t0.Add(3*time.Hour)) }, boai.ECONFLICT, Published},
		{"revise after publish", func() error {
			return d.Revise(mustDay(t, sampleInput()), "carol", t0.Add(3*time.Hour))
		}, boai.ECONFLICT, Published},
	}
	for _, s := range steps {
		wantCode(t, s.name, s.do(), s.code)
		if d.Status != s.status {
			t.Errorf("%s: status %q, want %q", s.name, d.Status, s.status)
		}
	}
	if d.MadeBy != "alice" || d.CheckedBy != "bob" || d.PublishedBy != "bob" || !d.PublishedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("review %+v", d.Review)
	}

	// Changing a published day in memory is caught: it no longer renders.
	d.Day.Expenditures[0].Amount++
	wantCode(t, "verify edited", d.Verify(), boai.EINTERNAL)
	wantCode(t, "render edited", d.JSON(new(bytes.Buffer)), boai.EINTERNAL)
	d.Day.Expenditures[0].Amount--
	wantCode(t, "verify restored", d.Verify(), "")
}

func TestRevise(t *testing.T) {
	t0 := at(23, 0).Add(8 * time.Hour)
	d, _ := NewDraft(mustDay(t, sampleInput()), "alice", t0)
	if err := d.Check("bob", t0); err != nil {
		t.Fatal(err)
	}
	// Bob revises what he checked: it is his draft now, and Alice must check it.
	if err := d.Revise(mustDay(t, sampleInput()), "bob", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if d.Status != Draft || d.MadeBy != "bob" || d.CheckedBy != "" {
		t.Errorf("after revise: %+v", d.Review)
	}
	wantCode(t, "reviser checks", d.Check("bob", t0.Add(2*time.Minute)), boai.EFORBIDDEN)
	wantCode(t, "alice checks", d.Check("alice", t0.Add(2*time.Minute)), "")
	other := sampleInput()
	other.Date = "2020-02-02"
	wantCode(t, "other day", d.Revise(mustDay(t, other), "bob", t0), boai.EINVALID)
	wantCode(t, "unpublished renders", d.CSV(new(bytes.Buffer)), boai.ECONFLICT)
}

func TestCorrect(t *testing.T) {
	pub := published(t)
	t1 := pub.PublishedAt.Add(24 * time.Hour)
	fix := Fix{Section: SectionAllocations, Line: 1, Corrected: "KN95 口罩 18,000 只", Reason: "录入时数量有误"}

	draft, _ := NewDraft(mustDay(t, sampleInput()), "alice", t1)
	_, err := Correct(draft, fix, "carol", t1)
	wantCode(t, "correct a draft", err, boai.ECONFLICT)
	for _, tt := range []struct {
		name string
		fix  Fix
	}{
		{"no such line", Fix{Section: SectionAllocations, Line: 2, Corrected: "x", Reason: "y"}},
		{"line 0", Fix{Section: SectionMoney, Line: 0, Corrected: "x", Reason: "y"}},
		{"no reason", Fix{Section: SectionMoney, Line: 1, Corrected: "x"}},
		{"phone in the correction", Fix{Section: SectionMoney, Line: 1, Corrected: "捐赠人电话 13800138000", Reason: "补充"}},
	} {
		_, err := Correct(pub, tt.fix, "carol", t1)
		wantCode(t, tt.name, err, boai.EINVALID)
	}

	c, err := Correct(pub, fix, "carol", t1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != Draft || c.Date != "2020-02-01" || c.Line != 1 {
		t.Errorf("correction %+v", c)
	}
	if want := "2020-02-01 浙江大学医学院附属第一医院 KN95 口罩 GB 2626-2006 4 箱 (80 只)"; c.Was != want {
		t.Errorf("Was = %q, want %q", c.Was, want)
	}
	if got, want := c.Link(), "/disclosure/2020-02-01#allocations-1"; got != want {
		t.Errorf("Link = %q, want %q", got, want)
	}
	if got, want := c.Title(), "更正说明：2020-02-01 调拨第 1 行"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	wantCode(t, "correction: publish unchecked", c.Publish("dave", t1), boai.ECONFLICT)
	wantCode(t, "correction: maker checks", c.Check("carol", t1), boai.EFORBIDDEN)
	wantCode(t, "correction: dave checks", c.Check("dave", t1), "")
	wantCode(t, "correction: dave publishes", c.Publish("dave", t1), "")
	wantCode(t, "correction: publish again", c.Publish("dave", t1), boai.ECONFLICT)
	c.Reason = "另一个原因"
	wantCode(t, "correction: edited after publish", c.Verify(), boai.EINTERNAL)

	// The published disclosure itself is untouched by its correction.
	if pub.Day.Allocations[0].Quantity != "4 箱 (80 只)" || pub.Verify() != nil {
		t.Errorf("the corrected disclosure changed: %+v", pub.Day.Allocations[0])
	}

	tot, err := Correct(pub, Fix{Section: SectionTotals, Corrected: "累计支出 ¥1,864,000.00", Reason: "笔误"}, "carol", t1)
	if err != nil {
		t.Fatal(err)
	}
	if tot.Link() != "/disclosure/2020-02-01#totals" || tot.Title() != "更正说明：2020-02-01 合计" {
		t.Errorf("totals correction: %q, %q", tot.Link(), tot.Title())
	}
}

func TestLate(t *testing.T) {
	for _, tt := range []struct {
		name      string
		now       time.Time
		day       string
		publishAt time.Duration
		want      bool
	}{
		{"same evening", time.Date(2020, 2, 1, 23, 59, 59, 0, shanghai), "2020-02-01", 0, false},
		{"just after midnight", time.Date(2020, 2, 2, 0, 0, 1, 0, shanghai), "2020-02-01", 0, false},
		{"08:59 next day", time.Date(2020, 2, 2, 8, 59, 59, 0, shanghai), "2020-02-01", 0, false},
		{"09:00 exactly", time.Date(2020, 2, 2, 9, 0, 0, 0, shanghai), "2020-02-01", 0, false},
		{"09:00:01", time.Date(2020, 2, 2, 9, 0, 1, 0, shanghai), "2020-02-01", 0, true},
		// 01:30 UTC on the 2nd is 09:30 in Shanghai: late; on UTC's own calendar it would not be.
		{"now in UTC", time.Date(2020, 2, 2, 1, 30, 0, 0, time.UTC), "2020-02-01", 0, true},
		{"now in UTC, early", time.Date(2020, 2, 2, 0, 30, 0, 0, time.UTC), "2020-02-01", 0, false},
		{"publish at 12:00", time.Date(2020, 2, 2, 11, 0, 0, 0, shanghai), "2020-02-01", 12 * time.Hour, false},
		{"publish at 12:00, 12:01", time.Date(2020, 2, 2, 12, 1, 0, 0, shanghai), "2020-02-01", 12 * time.Hour, true},
		{"month end", time.Date(2020, 3, 1, 9, 1, 0, 0, shanghai), "2020-02-29", 0, true},
		{"year end", time.Date(2021, 1, 1, 8, 0, 0, 0, shanghai), "2020-12-31", 0, false},
		{"unreadable date", time.Date(2020, 2, 1, 0, 0, 0, 0, shanghai), "2020/02/01", 0, true},
	} {
		if got := Late(tt.now, tt.day, tt.publishAt, shanghai); got != tt.want {
			t.Errorf("%s: Late(%v, %s) = %v, want %v", tt.name, tt.now, tt.day, got, tt.want)
		}
	}
	due, err := Due("2020-02-01", 0, shanghai)
	if err != nil || !due.Equal(time.Date(2020, 2, 2, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("Due = %v, %v; want 2020-02-02 01:00 UTC", due, err)
	}
}
