package disclosure

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"boai"
)

// Feed describes the Atom feed (RFC 4287) of published disclosures.
type Feed struct {
	Base   string // the public site, e.g. https://hz.redcross.example (no trailing slash)
	Title  string // e.g. 杭州市红十字会每日公示
	Author string // the society, e.g. 杭州市红十字会
	Since  string // a year or date when the society held Base's host name, for tag: URIs (RFC 4151), e.g. "2020"
}

type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string      `xml:"id"`
		Title   string      `xml:"title"`
		Updated string      `xml:"updated"`
		Author  atomPerson  `xml:"author"`
		Link    []atomLink  `xml:"link"`
		Entries []atomEntry `xml:"entry"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomEntry struct {
		ID        string     `xml:"id"`
		Title     string     `xml:"title"`
		Published string     `xml:"published"`
		Updated   string     `xml:"updated"`
		Link      []atomLink `xml:"link"`
		Summary   string     `xml:"summary"`
		at        time.Time
	}
)

// Atom writes the feed: one entry per published day and per published
// correction, newest first. A day links to {Base}/disclosure/{date}; a
// correction links to its notice on that page and, as rel="related", to
// the line it corrects. Drafts and checked-only documents are refused, as
// is content changed since it was checked. The feed's updated time is the
// latest publication (the Unix epoch for an empty feed).
func (f Feed) Atom(w io.Writer, days []*Disclosure, corrections []*Correction) error {
	u, err := url.Parse(f.Base)
	if err != nil || u.Hostname() == "" || f.Since == "" {
		return boai.Errorf(boai.EINVALID, "订阅源须有站点地址和 tag 日期 / the feed needs a base URL and a tag date")
	}
	base := strings.TrimSuffix(f.Base, "/")
	tag := "tag:" + u.Hostname() + "," + f.Since + ":disclosure"
	feed := atomFeed{
		ID:     tag,
		Title:  f.Title,
		Author: atomPerson{f.Author},
		Link: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/disclosure/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/disclosure"},
		},
	}
	for _, d := range days {
		if err := public(&d.Review, d.digest()); err != nil {
			return fmt.Errorf("%s: %w", d.Day.Date, err)
		}
		href := base + Path(d.Day.Date)
		feed.Entries = append(feed.Entries, atomEntry{
			ID:        tag + "/" + d.Day.Date,
			Title:     d.Day.Date + " 每日公示",
			Published: d.PublishedAt.Format(time.RFC3339),
			Updated:   d.PublishedAt.Format(time.RFC3339),
			Link:      []atomLink{{Rel: "alternate", Type: "text/html", Href: href}},
			Summary:   d.Day.summary(),
			at:        d.PublishedAt,
		})
	}
	for _, c := range corrections {
		if err := public(&c.Review, c.digest()); err != nil {
			return fmt.Errorf("%s: %w", c.Title(), err)
		}
		if c.ID <= 0 {
			return boai.Errorf(boai.EINVALID, "更正说明缺少编号 / a correction needs its ID")
		}
		feed.Entries = append(feed.Entries, atomEntry{
			ID:        fmt.Sprintf("%s/%s/correction/%d", tag, c.Date, c.ID),
			Title:     c.Title(),
			Published: c.PublishedAt.Format(time.RFC3339),
			Updated:   c.PublishedAt.Format(time.RFC3339),
			Link: []atomLink{
				{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s%s#correction-%d", base, Path(c.Date), c.ID)},
				{Rel: "related", Type: "text/html", Href: base + c.Link()},
			},
			Summary: "原为：" + c.Was + "；更正为：" + c.Corrected + "；原因：" + c.Reason,
			at:      c.PublishedAt,
		})
	}
	slices.SortStableFunc(feed.Entries, func(a, b atomEntry) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	updated := time.Unix(0, 0).UTC()
	if len(feed.Entries) > 0 {
		updated = feed.Entries[0].at
	}
	feed.Updated = updated.Format(time.RFC3339)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// summary is the day in one line: counts and sums of each section, totals.
func (d *Day) summary() string {
	return fmt.Sprintf("捐款 %d 笔 %s；捐物 %d 批；调拨 %d 批；支出 %d 笔 %s；累计收到 %s，累计支出 %s，资金使用率 %s",
		len(d.Money), d.Totals.DayReceived.Yuan(), len(d.Goods), len(d.Allocations),
		len(d.Expenditures), d.Totals.DaySpent.Yuan(),
		d.Totals.Cumulative.Received.Yuan(), d.Totals.Cumulative.Spent.Yuan(), d.Totals.Cumulative.String())
}
