package disclosure

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"boai"
)

// Section is one part of a day's disclosure.
type Section string

const (
	SectionMoney        Section = "money"
	SectionGoods        Section = "goods"
	SectionAllocations  Section = "allocations"
	SectionExpenditures Section = "expenditures"
	SectionTotals       Section = "totals" // the totals and the checkpoint; cited as line 0
)

var sectionLabels = map[Section]string{
	SectionMoney: "捐款", SectionGoods: "捐物", SectionAllocations: "调拨", SectionExpenditures: "支出", SectionTotals: "合计",
}

// Label is the section's Chinese name, as lists and notices print it.
func (s Section) Label() string { return sectionLabels[s] }

// Status is where a disclosure or correction is in maker–checker.
type Status string

const (
	Draft     Status = "draft"     // made, not yet checked
	Checked   Status = "checked"   // a second person checked it
	Published Status = "published" // public, and never changed again
)

// Review records who made, checked and published a document, and when.
// Digest is the SHA-256 of the content the checker saw: publication
// refuses any other content, and Verify tells whether it has changed since.
type Review struct {
	Status      Status
	MadeBy      string
	MadeAt      time.Time
	CheckedBy   string
	CheckedAt   time.Time
	PublishedBy string
	PublishedAt time.Time
	Digest      string
}

var errPublished = boai.Errorf(boai.ECONFLICT, "已公示的内容不能修改，请发布更正说明 / a published disclosure is never edited; publish a correction")

func (r *Review) made(by string, at time.Time) error {
	if strings.TrimSpace(by) == "" || at.IsZero() {
		return boai.Errorf(boai.EINVALID, "须记录制作人和时间 / maker and time are required")
	}
	*r = Review{Status: Draft, MadeBy: strings.TrimSpace(by), MadeAt: at}
	return nil
}

func (r *Review) check(by string, at time.Time, digest string) error {
	by = strings.TrimSpace(by)
	switch {
	case r.Status == Published:
		return errPublished
	case r.Status != Draft:
		return boai.Errorf(boai.ECONFLICT, "只能审核草稿（当前：%s）/ only a draft can be checked", r.Status)
	case by == "" || at.IsZero():
		return boai.Errorf(boai.EINVALID, "须记录审核人和时间 / checker and time are required")
	case strings.EqualFold(by, r.MadeBy):
		return boai.Errorf(boai.EFORBIDDEN, "审核人不能是制作人 / the checker must not be the maker")
	case at.Before(r.MadeAt):
		return boai.Errorf(boai.EINVALID, "审核时间早于制作时间 / checked before it was made")
	}
	r.Status, r.CheckedBy, r.CheckedAt, r.Digest = Checked, by, at, digest
	return nil
}

func (r *Review) publish(by string, at time.Time, digest string) error {
	by = strings.TrimSpace(by)
	switch {
	case r.Status == Published:
		return errPublished
	case r.Status != Checked:
		return boai.Errorf(boai.ECONFLICT, "未经审核不能公示 / a disclosure is published only after a second person checks it")
	case by == "" || at.IsZero():
		return boai.Errorf(boai.EINVALID, "须记录发布人和时间 / publisher and time are required")
	case at.Before(r.CheckedAt):
		return boai.Errorf(boai.EINVALID, "发布时间早于审核时间 / published before it was checked")
	case digest != r.Digest:
		return boai.Errorf(boai.ECONFLICT, "内容在审核后被改动，须重新审核 / the content changed after it was checked; check it again")
	}
	r.Status, r.PublishedBy, r.PublishedAt = Published, by, at
	return nil
}

func (r *Review) verify(digest string) error {
	if r.Status == Draft {
		return nil
	}
	if digest != r.Digest {
		return boai.Errorf(boai.EINTERNAL, "内容与审核时不符 / the content differs from what was checked")
	}
	return nil
}

func public(r *Review, digest string) error {
	if r.Status != Published {
		return boai.Errorf(boai.ECONFLICT, "尚未公示 / not published yet")
	}
	return r.verify(digest)
}

// Disclosure is a day's disclosure on its way to publication.
type Disclosure struct {
	Day *Day
	Review
}

// NewDraft starts maker–checker for day, made by by at at.
func NewDraft(day *Day, by string, at time.Time) (*Disclosure, error) {
	if day == nil {
		return nil, boai.Errorf(boai.EINVALID, "缺少公示内容 / day is required")
	}
	d := &Disclosure{Day: day}
	return d, d.made(by, at)
}

// Revise replaces the content of a draft or checked disclosure; it goes
// back to draft and must be checked again. A published one is never revised.
func (d *Disclosure) Revise(day *Day, by string, at time.Time) error {
	if d.Status == Published {
		return errPublished
	}
	if day == nil || day.Date != d.Day.Date {
		return boai.Errorf(boai.EINVALID, "修改须针对同一天 / a revision is for the same day")
	}
	prev := *d
	d.Day = day
	if err := d.made(by, at); err != nil {
		*d = prev
		return err
	}
	return nil
}

// Check records that by, who did not make it, checked the disclosure.
func (d *Disclosure) Check(by string, at time.Time) error { return d.check(by, at, d.digest()) }

// Publish makes a checked disclosure public, provided its content is what
// was checked.
func (d *Disclosure) Publish(by string, at time.Time) error { return d.publish(by, at, d.digest()) }

// Verify reports an error when a checked or published disclosure's content
// is no longer what its checker saw.
func (d *Disclosure) Verify() error { return d.verify(d.digest()) }

func (d *Disclosure) digest() string {
	b, err := json.Marshal(wireDay(d.Day))
	if err != nil {
		panic(err) // only strings and integers: cannot fail
	}
	return sum(b)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Fix says what a correction corrects and how.
type Fix struct {
	Section   Section
	Line      int    // the line's No; 0 for Totals
	Corrected string // what the line should have said, e.g. "KN95 口罩 18,000 只"
	Reason    string
}

// Correction is a correction notice (更正说明): it quotes the published
// line it corrects, says what it should have said and why, and links to
// it. It goes through maker–checker like a disclosure.
type Correction struct {
	ID        int64  // assigned by the store; the feed's entry id uses it
	Date      string // the corrected disclosure's date
	Section   Section
	Line      int
	Was       string // the published line, quoted
	Corrected string
	Reason    string
	Review
}

// Correct drafts a correction of one line of a published disclosure. The
// corrected text and reason are public too, so they pass the privacy guard.
func Correct(published *Disclosure, fix Fix, by string, at time.Time) (*Correction, error) {
	if published == nil || published.Status != Published {
		return nil, boai.Errorf(boai.ECONFLICT, "只能更正已公示的内容；未公示的请直接修改 / only a published disclosure is corrected; revise a draft instead")
	}
	fix.Corrected, fix.Reason = strings.TrimSpace(fix.Corrected), strings.TrimSpace(fix.Reason)
	if fix.Corrected == "" || fix.Reason == "" {
		return nil, boai.Errorf(boai.EINVALID, "须写明更正内容和原因 / the correction and its reason are required")
	}
	was, ok := published.Day.line(fix.Section, fix.Line)
	if !ok {
		return nil, boai.Errorf(boai.EINVALID, "%s %s没有第 %d 行 / no such line", published.Day.Date, fix.Section.Label(), fix.Line)
	}
	for _, t := range []string{fix.Corrected, fix.Reason} {
		if f := Scan(t); len(f) > 0 {
			return nil, boai.Errorf(boai.EINVALID, "更正说明疑似含有%s，不能公示 / the correction would publish personal data", f[0].Kind.Label())
		}
	}
	c := &Correction{Date: published.Day.Date, Section: fix.Section, Line: fix.Line, Was: was, Corrected: fix.Corrected, Reason: fix.Reason}
	return c, c.made(by, at)
}

// Check records that by, who did not make it, checked the correction.
func (c *Correction) Check(by string, at time.Time) error { return c.check(by, at, c.digest()) }

// Publish makes a checked correction public.
func (c *Correction) Publish(by string, at time.Time) error { return c.publish(by, at, c.digest()) }

// Verify reports an error when the correction changed after it was checked.
func (c *Correction) Verify() error { return c.verify(c.digest()) }

func (c *Correction) digest() string {
	return sum(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%s\x00%s\x00%s", c.Date, c.Section, c.Line, c.Was, c.Corrected, c.Reason))
}

// Link is the path of what the correction corrects, relative to the site:
// /disclosure/2020-02-01#money-3.
func (c *Correction) Link() string { return LinePath(c.Date, c.Section, c.Line) }

// Title names the correction: 更正说明：2020-02-01 捐款第 3 行.
func (c *Correction) Title() string {
	if c.Section == SectionTotals {
		return "更正说明：" + c.Date + " 合计"
	}
	return fmt.Sprintf("更正说明：%s %s第 %d 行", c.Date, c.Section.Label(), c.Line)
}

// Path is the public page of the disclosure of date: /disclosure/2020-02-01.
func Path(date string) string { return "/disclosure/" + date }

// LinePath is the anchor of one line on the day's page: /disclosure/2020-02-01#money-3.
func LinePath(date string, s Section, line int) string {
	if s == SectionTotals {
		return Path(date) + "#totals"
	}
	return fmt.Sprintf("%s#%s-%d", Path(date), s, line)
}

// line is the published text of one line, as a correction quotes it.
func (d *Day) line(s Section, no int) (string, bool) {
	var cells []string
	switch {
	case s == SectionMoney && no >= 1 && no <= len(d.Money):
		cells = moneyRow(d.Money[no-1])
	case s == SectionGoods && no >= 1 && no <= len(d.Goods):
		cells = goodsRow(d.Goods[no-1])
	case s == SectionAllocations && no >= 1 && no <= len(d.Allocations):
		cells = allocationRow(d.Allocations[no-1])
	case s == SectionExpenditures && no >= 1 && no <= len(d.Expenditures):
		cells = expenditureRow(d.Expenditures[no-1])
	case s == SectionTotals && no == 0:
		return d.Totals.summary(), true
	default:
		return "", false
	}
	var parts []string
	for _, c := range cells[1:] { // without the line number
		if c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " "), true
}

// DefaultPublishAt is when a day's disclosure is due: 09:00 the next day.
const DefaultPublishAt = 9 * time.Hour

// Due is when the disclosure of day (YYYY-MM-DD) is due in loc: publishAt
// after the midnight that ends the day (DefaultPublishAt when zero).
func Due(day string, publishAt time.Duration, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, day, loc)
	if err != nil {
		return time.Time{}, boai.Errorf(boai.EINVALID, "日期须为 YYYY-MM-DD：%q / date must be YYYY-MM-DD", day)
	}
	if publishAt == 0 {
		publishAt = DefaultPublishAt
	}
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc).Add(publishAt), nil
}

// Late reports whether, at now, the disclosure of day is past its due time
// (see Due); the caller asks about days not yet published. A date that
// cannot be read counts as late, so an alert is raised rather than missed.
func Late(now time.Time, day string, publishAt time.Duration, loc *time.Location) bool {
	due, err := Due(day, publishAt, loc)
	return err != nil || now.After(due)
}
