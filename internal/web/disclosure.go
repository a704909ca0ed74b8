package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"boai"
	"boai/internal/certificate"
	"boai/internal/disclosure"
	"boai/internal/store"
)

// The daily disclosure (每日公示, issue #5): the public pages, files and
// feed of published days and their correction notices, and the staff pages
// that make, check and publish them. Only published content is public.

// ---- Public ----

// disclosureView is what the public page and the staff review page show.
type disclosureView struct {
	D           *store.Disclosure
	Corrections []disclosure.Correction
	byLine      map[string][]disclosure.Correction
	Title       string // 杭州市红十字会每日公示 2026-11-30
	Summary     string // the day in one line, for the share card
	URL         string // the page's public address
	Image       string // the share card's picture
}

// Fixes lists the published corrections of one line ("money", 3).
func (v *disclosureView) Fixes(section string, no int) []disclosure.Correction {
	return v.byLine[section+"-"+strconv.Itoa(no)]
}

func (s *Server) disclosureView(p *page, d *store.Disclosure, cs []disclosure.Correction) *disclosureView {
	v := &disclosureView{D: d, Corrections: cs, byLine: map[string][]disclosure.Correction{},
		Title:   p.T("disclosure.page_title", p.Society, d.Day.Date),
		Summary: d.Day.Summary(),
		URL:     s.cfg.BaseURL + disclosure.Path(d.Day.Date),
		Image:   s.cfg.BaseURL + "/static/share.png"}
	for _, c := range cs {
		if c.Status != disclosure.Published {
			continue
		}
		k := string(c.Section) + "-" + strconv.Itoa(c.Line)
		v.byLine[k] = append(v.byLine[k], c)
	}
	return v
}

// pageCache keeps rendered public pages of published days. Published
// content never changes; what can change (a correction published later)
// is part of the key, so an entry is right for as long as it is found.
type pageCache struct {
	mu       sync.Mutex
	m        map[string]*cachedPage
	size     int                      // bytes held in m
	versions map[string]cachedVersion // by date
	render   sync.Mutex               // held while a file is made
}

// cachedVersion is a day's version (see store.DisclosureVersion) as read
// at a moment. It is trusted for versionTTL: a correction published by
// another process shows within that; one published here, at once.
type cachedVersion struct {
	v  string
	at time.Time
}

const versionTTL = 2 * time.Second

// version returns date's version, read through read at most every versionTTL.
func (c *pageCache) version(date string, now time.Time, read func() (string, error)) (string, error) {
	c.mu.Lock()
	v, ok := c.versions[date]
	c.mu.Unlock()
	if ok && now.Sub(v.at) < versionTTL && now.Sub(v.at) >= 0 {
		return v.v, nil
	}
	s, err := read()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.versions == nil || len(c.versions) >= pageCacheMax {
		c.versions = map[string]cachedVersion{}
	}
	c.versions[date] = cachedVersion{s, now}
	return s, nil
}

// forget drops date's version, so its next page is read afresh.
func (c *pageCache) forget(date string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.versions, date)
}

type cachedPage struct {
	body, gz    []byte // gz is nil when the body is served as it is
	ctype       string
	disposition string // Content-Disposition of a file
}

// The cache is bounded by count and bytes; a file bigger than
// pageCacheMaxEntry (the PDF of a very large day) is served uncached.
const (
	pageCacheMax      = 256
	pageCacheMaxBytes = 256 << 20
	pageCacheMaxEntry = 32 << 20
)

func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *pageCache) put(key string, p *cachedPage) {
	n := len(p.body) + len(p.gz)
	if n > pageCacheMaxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= pageCacheMax || c.size+n > pageCacheMaxBytes {
		c.m, c.size = map[string]*cachedPage{}, 0 // simple and bounded: start again
	}
	if old := c.m[key]; old != nil {
		c.size -= len(old.body) + len(old.gz)
	}
	c.m[key] = p
	c.size += n
}

func newCachedPage(body []byte, ctype string) *cachedPage {
	if !strings.HasPrefix(ctype, "text/") && !strings.Contains(ctype, "xml") && !strings.Contains(ctype, "json") {
		return &cachedPage{body: body, ctype: ctype} // already compressed (XLSX) or not worth it (PDF)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return &cachedPage{body: body, gz: gz.Bytes(), ctype: ctype}
}

func (p *cachedPage) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.ctype)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "public, max-age=300")
	if p.disposition != "" {
		h.Set("Content-Disposition", p.disposition)
	}
	if p.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(p.gz)))
		_, _ = w.Write(p.gz)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	_, _ = w.Write(p.body)
}

// disclosureIndex lists the published days and the correction notices.
func (s *Server) disclosureIndex(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "disclosure.index_title")
	days, err := s.db.PublishedDisclosures(r.Context(), 400)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.DisclosureCorrections(r.Context(), "", true, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = struct {
		Days        []store.DisclosureSummary
		Corrections []disclosure.Correction
	}{days, cs}
	s.render(w, r, "public_disclosures", p)
}

// disclosureFile answers /disclosure/{day}: the page of a published day,
// or with .csv, .xlsx, .pdf or .json its file.
func (s *Server) disclosureFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("day")
	date, ext, _ := strings.Cut(name, ".")
	if _, err := time.Parse(disclosure.DateLayout, date); err != nil || !validExt(ext) {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "没有这一天的公示 / no disclosure for this day"))
		return
	}
	switch ext {
	case "":
		s.disclosurePage(w, r, date)
		return
	case "json":
		s.disclosureJSON(w, r, date)
		return
	}
	// Files are kept like pages: the PDF of a large day takes a while to
	// set, and a published day's files never change.
	version, err := s.discPages.version(date, time.Now(), func() (string, error) { return s.db.DisclosureVersion(r.Context(), date) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := "file|" + date + "|" + ext + "|" + version
	if c := s.discPages.get(key); c != nil {
		c.serve(w, r)
		return
	}
	// One file is made at a time: the readers arriving together when a day
	// is published wait for the first one's file instead of each setting
	// a PDF of their own (100,000 lines take about 5 s).
	s.discPages.render.Lock()
	defer s.discPages.render.Unlock()
	if c := s.discPages.get(key); c != nil {
		c.serve(w, r)
		return
	}
	d, err := s.db.PublishedDisclosure(r.Context(), date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	var ctype string
	switch ext {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		err = d.CSV(&buf)
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = s.disclosureXLSX(&buf, d)
	case "pdf":
		ctype = "application/pdf"
		err = s.disclosurePDF(r, &buf, d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := newCachedPage(buf.Bytes(), ctype)
	c.disposition = fmt.Sprintf(`attachment; filename="disclosure-%s.%s"`, date, ext)
	s.discPages.put(key, c)
	c.serve(w, r)
}

func validExt(ext string) bool {
	switch ext {
	case "", "csv", "xlsx", "pdf", "json":
		return true
	}
	return false
}

// disclosurePage renders the public page of date, once per version (the
// day's published corrections) and language.
func (s *Server) disclosurePage(w http.ResponseWriter, r *http.Request, date string) {
	version, err := s.discPages.version(date, time.Now(), func() (string, error) { return s.db.DisclosureVersion(r.Context(), date) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "disclosure.title")
	key := "page|" + date + "|" + p.Lang + "|" + version
	if c := s.discPages.get(key); c != nil && p.Flash == "" {
		c.serve(w, r)
		return
	}
	d, err := s.db.PublishedDisclosure(r.Context(), date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.DisclosureCorrections(r.Context(), date, true, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.disclosureView(p, d, cs)
	p.Title = v.Title
	p.Data = v
	p.Path = disclosure.Path(date) // the cached page is everyone's: nothing of this request's query in it
	var buf bytes.Buffer
	if err := s.tmpl["public_disclosure"].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.fail(w, r, fmt.Errorf("render disclosure %s: %w", date, err))
		return
	}
	c := newCachedPage(buf.Bytes(), "text/html; charset=utf-8")
	if p.Flash == "" {
		s.discPages.put(key, c)
	}
	c.serve(w, r)
}

// disclosureJSON is the day as the API gives it: the domain's JSON form.
func (s *Server) disclosureJSON(w http.ResponseWriter, r *http.Request, date string) {
	d, err := s.db.PublishedDisclosure(r.Context(), date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := d.JSON(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = buf.WriteTo(w)
}

// apiDisclosure is GET /api/v1/disclosure/{date}: public, no token.
func (s *Server) apiDisclosure(w http.ResponseWriter, r *http.Request) {
	date := r.PathValue("date")
	if _, err := time.Parse(disclosure.DateLayout, date); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "日期须为 YYYY-MM-DD：%q / date must be YYYY-MM-DD", date))
		return
	}
	s.disclosureJSON(w, r, date)
}

// disclosureXLSX writes the day's sheets; amounts (the 金额 columns) are
// numbers, everything else text.
func (s *Server) disclosureXLSX(w *bytes.Buffer, d *store.Disclosure) error {
	sheets, err := d.Sheets()
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sh.Name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sh.Name); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(sh.Name)
		if err != nil {
			return err
		}
		amount := map[int]bool{}
		for j, h := range sh.Rows[0] {
			amount[j] = strings.Contains(h, "金额")
		}
		for k, row := range sh.Rows {
			cells := make([]any, len(row))
			for j, c := range row {
				cells[j] = c
				if k > 0 && amount[j] {
					if f, err := strconv.ParseFloat(c, 64); err == nil {
						cells[j] = f
					}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, k+1)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return x.Write(w)
}

// disclosurePDF prints the day, with its published corrections as notes.
func (s *Server) disclosurePDF(r *http.Request, w *bytes.Buffer, d *store.Disclosure) error {
	sheets, err := d.Sheets() // refuses anything not published as checked
	if err != nil {
		return err
	}
	cs, err := s.db.DisclosureCorrections(r.Context(), d.Day.Date, true, 1000)
	if err != nil {
		return err
	}
	widths := map[string][]float64{
		disclosure.SectionMoney.Label():        {40, 80, 300, 120, 222},
		disclosure.SectionGoods.Label():        {40, 80, 170, 130, 120, 110, 112},
		disclosure.SectionAllocations.Label():  {40, 80, 230, 150, 130, 132},
		disclosure.SectionExpenditures.Label(): {40, 80, 190, 200, 100, 152},
	}
	doc := certificate.Disclosure{Society: s.cfg.Society, Date: d.Day.Date, PublishedAt: d.PublishedAt.In(s.cfg.Location),
		URL: s.cfg.BaseURL + disclosure.Path(d.Day.Date), Totals: d.Day.TotalRows()}
	if d.Day.Checkpoint == nil {
		doc.Totals = append(doc.Totals, [2]string{"公共日志检查点", "尚未生成"})
	}
	for _, sh := range sheets {
		ws, ok := widths[sh.Name]
		if !ok {
			continue // 合计: printed as the totals
		}
		doc.Sections = append(doc.Sections, certificate.DisclosureSection{Title: sh.Name, Heads: sh.Rows[0], Widths: ws, Rows: sh.Rows[1:], Empty: "本日无" + sh.Name})
	}
	for _, c := range cs {
		doc.Notes = append(doc.Notes, fmt.Sprintf("%s（%s 发布）原为：%s；更正为：%s；原因：%s", c.Title(),
			c.PublishedAt.In(s.cfg.Location).Format("2006-01-02 15:04"), c.Was, c.Corrected, c.Reason))
	}
	return certificate.DisclosurePDF(w, doc)
}

// disclosureFeed is the Atom feed of the latest published days and
// corrections.
func (s *Server) disclosureFeed(w http.ResponseWriter, r *http.Request) {
	days, err := s.db.PublishedDisclosures(r.Context(), 30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.DisclosureCorrections(r.Context(), "", true, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The feed changes only when something is published: its key is the
	// latest publication and the counts.
	key := fmt.Sprintf("feed|%d|%d", len(days), len(cs))
	if len(days) > 0 {
		key += "|" + days[0].Date + "|" + strconv.FormatInt(days[0].PublishedAt.UnixMicro(), 10)
	}
	if len(cs) > 0 {
		key += "|" + strconv.FormatInt(cs[0].ID, 10)
	}
	if c := s.discPages.get(key); c != nil {
		c.serve(w, r)
		return
	}
	full := make([]*disclosure.Disclosure, 0, len(days))
	since := time.Now()
	for _, sum := range days {
		d, err := s.db.PublishedDisclosure(r.Context(), sum.Date)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		full = append(full, d.Disclosure)
	}
	corr := make([]*disclosure.Correction, len(cs))
	for i := range cs {
		corr[i] = &cs[i]
	}
	if first, err := s.db.FirstPublication(r.Context()); err == nil && !first.IsZero() {
		since = first
	}
	f := disclosure.Feed{Base: s.cfg.BaseURL, Title: s.cfg.Society + "每日公示", Author: s.cfg.Society,
		Since: since.In(s.cfg.Location).Format(disclosure.DateLayout)}
	var buf bytes.Buffer
	if err := f.Atom(&buf, full, corr); err != nil {
		s.fail(w, r, err)
		return
	}
	c := newCachedPage(buf.Bytes(), "application/atom+xml; charset=utf-8")
	s.discPages.put(key, c)
	c.serve(w, r)
}

// correctionPublic is a published correction notice's own page.
func (s *Server) correctionPublic(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "没有这条更正说明 / correction not found"))
		return
	}
	c, err := s.db.PublishedCorrection(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "disclosure.correction_title")
	p.Title = c.Title()
	p.Data = c
	s.render(w, r, "public_correction", p)
}

// ---- Staff: make, check, publish, correct ----

type disclosureListData struct {
	Days      []store.DisclosureSummary
	Yesterday string
	Due       string
}

func (s *Server) disclosureList(w http.ResponseWriter, r *http.Request) {
	days, err := s.db.Disclosures(r.Context(), 400)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.db.Now().In(s.cfg.Location)
	yesterday := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, s.cfg.Location).Format(disclosure.DateLayout)
	due, _ := disclosure.Due(yesterday, s.cfg.DisclosureDue, s.cfg.Location)
	p := s.page(r, "disclosure.staff_title")
	p.Data = disclosureListData{Days: days, Yesterday: yesterday, Due: due.Format("2006-01-02 15:04")}
	s.render(w, r, "disclosures", p)
}

func (s *Server) disclosurePrepare(w http.ResponseWriter, r *http.Request) {
	date := strings.TrimSpace(r.PostFormValue("date"))
	if _, err := s.db.PrepareDisclosure(r.Context(), actor(r), date, s.cfg.Location); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/disclosures/"+date+"?flash=disclosure_prepared", http.StatusSeeOther)
}

type disclosureReviewData struct {
	*disclosureView
	All      []disclosure.Correction // every correction, in any state
	Sections []disclosure.Section
	Due      string
}

func (s *Server) disclosureReview(w http.ResponseWriter, r *http.Request) {
	date := r.PathValue("date")
	d, err := s.db.Disclosure(r.Context(), date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.db.DisclosureCorrections(r.Context(), date, false, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	due, _ := disclosure.Due(date, s.cfg.DisclosureDue, s.cfg.Location)
	p := s.page(r, "disclosure.review_title")
	p.Title = p.T("disclosure.review_title") + " " + date
	p.Data = disclosureReviewData{disclosureView: s.disclosureView(p, d, all), All: all, Sections: disclosure.Sections, Due: due.Format("2006-01-02 15:04")}
	s.render(w, r, "disclosure", p)
}

func (s *Server) disclosureAct(do func(r *http.Request, date string) error, flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		date := r.PathValue("date")
		if err := do(r, date); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/disclosures/"+date+"?flash="+flash, http.StatusSeeOther)
	}
}

func (s *Server) disclosureCheck(w http.ResponseWriter, r *http.Request) {
	s.disclosureAct(func(r *http.Request, date string) error {
		_, err := s.db.CheckDisclosure(r.Context(), actor(r), date)
		return err
	}, "disclosure_checked")(w, r)
}

func (s *Server) disclosurePublish(w http.ResponseWriter, r *http.Request) {
	s.disclosureAct(func(r *http.Request, date string) error {
		_, err := s.db.PublishDisclosure(r.Context(), actor(r), date)
		return err
	}, "disclosure_published")(w, r)
}

func (s *Server) correctionCreate(w http.ResponseWriter, r *http.Request) {
	s.disclosureAct(func(r *http.Request, date string) error {
		line, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("line")))
		if err != nil {
			return boai.Errorf(boai.EINVALID, "行号须为数字（合计填 0）/ the line is a number (0 for the totals)")
		}
		fix := disclosure.Fix{Section: disclosure.Section(r.PostFormValue("section")), Line: line,
			Corrected: r.PostFormValue("corrected"), Reason: r.PostFormValue("reason")}
		_, err = s.db.CorrectDisclosure(r.Context(), actor(r), date, fix)
		return err
	}, "correction_drafted")(w, r)
}

func (s *Server) correctionAct(do func(r *http.Request, id int64) (*disclosure.Correction, error), flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "没有这条更正说明 / correction not found"))
			return
		}
		c, err := do(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.discPages.forget(c.Date)
		http.Redirect(w, r, "/disclosures/"+c.Date+"?flash="+flash+"#correction-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

func (s *Server) correctionCheck(w http.ResponseWriter, r *http.Request) {
	s.correctionAct(func(r *http.Request, id int64) (*disclosure.Correction, error) {
		return s.db.CheckCorrection(r.Context(), actor(r), id)
	}, "correction_checked")(w, r)
}

func (s *Server) correctionPublish(w http.ResponseWriter, r *http.Request) {
	s.correctionAct(func(r *http.Request, id int64) (*disclosure.Correction, error) {
		return s.db.PublishCorrection(r.Context(), actor(r), id)
	}, "correction_published")(w, r)
}
