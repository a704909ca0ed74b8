package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"boai"
	"boai/internal/audit"
	"boai/internal/i18n"
	"boai/internal/money"
	"boai/internal/supervision"
)

// Supervision (监督): supervisors (纪检监察, audit) and administrators see
// the alerts raised by the rules and by the rest of boai; administrators
// acknowledge them with a note; both download the audit trail and the
// audit package of a period.

// xlsxSheet streams rows into a one-sheet workbook: the rows go to a
// temporary file as they come (excelize's stream writer), not into a
// slice, so the trail of a busy year fits.
type xlsxSheet struct {
	x   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

func newXLSXSheet(header []any) (*xlsxSheet, error) {
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		x.Close()
		return nil, err
	}
	sh := &xlsxSheet{x: x, sw: sw}
	if err := sh.add(header); err != nil {
		x.Close()
		return nil, err
	}
	return sh, nil
}

// maxCell is the most characters a spreadsheet cell holds.
const maxCell = 32767

func (sh *xlsxSheet) add(row []any) error {
	for i, v := range row {
		if s, ok := v.(string); ok && utf8.RuneCountInString(s) > maxCell {
			row[i] = string([]rune(s)[:maxCell-1]) + "…"
		}
	}
	sh.row++
	cell, _ := excelize.CoordinatesToCellName(1, sh.row)
	return sh.sw.SetRow(cell, row)
}

// rows is how many data rows were added (the header not counted).
func (sh *xlsxSheet) rows() int { return sh.row - 1 }

// writeTo finishes the workbook into w and releases it.
func (sh *xlsxSheet) writeTo(w io.Writer) error {
	defer sh.x.Close()
	if err := sh.sw.Flush(); err != nil {
		return err
	}
	return sh.x.Write(w)
}

func (sh *xlsxSheet) close() { sh.x.Close() }

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// streamSheet answers one sheet under header as an XLSX download named
// name-<date-time>.xlsx, its rows added by each as they are read, so a
// large export is not held in memory twice.
func (s *Server) streamSheet(w http.ResponseWriter, r *http.Request, name string, header []any, each func(add func([]any) error) error) {
	sh, err := newXLSXSheet(header)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer sh.close()
	if err := each(sh.add); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.xlsx"`, name, s.db.Now().In(s.cfg.Location).Format("20060102-1504")))
	if err := sh.writeTo(w); err != nil {
		s.log.Error("xlsx export", "sheet", name, "err", err)
	}
}

// ---- The audit trail ----

type auditData struct {
	Entries  []audit.Entry
	Total    int
	Page     int
	Pages    int
	Query    url.Values
	PageURL  func(int) string
	Actions  []string // every action the trail can hold, for the filter
	Entities []string // every kind of record
	Export   string   // the XLSX of what the filter selects
}

// auditFilter reads the trail's filter: user, action, record kind and id,
// dates (to inclusive).
func (s *Server) auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Username: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Entity: q.Get("entity")}
	if v := strings.TrimSpace(q.Get("entity_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, boai.Errorf(boai.EINVALID, "记录编号须为正整数 / record id must be a positive number")
		}
		f.EntityID = id
	}
	from, to, err := s.period(r)
	if err != nil {
		return f, err
	}
	f.From, f.To = from, to
	return f, nil
}

// auditKeys lists the actions or record kinds the interface names, from
// the i18n table (a test holds every action the store writes to it).
func auditKeys(lang, prefix string) []string {
	var out []string
	for k := range i18n.Keys(lang) {
		if v, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit = pageSize
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		page = n
		f.Offset = (n - 1) * pageSize
	}
	entries, total, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "audit.title")
	d := auditData{Entries: entries, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize, Query: q,
		Actions: auditKeys(p.Lang, "action."), Entities: auditKeys(p.Lang, "entity.")}
	d.PageURL = pageURL("/audit", q)
	ex := url.Values{}
	for k, v := range q {
		if k != "page" {
			ex[k] = v
		}
	}
	d.Export = "/audit.xlsx?" + ex.Encode()
	p.Data = d
	s.render(w, r, "audit", p)
}

func auditHeader(t func(string, ...any) string) []any {
	return []any{"#", t("col.time"), t("col.user"), t("audit.role"), t("audit.via"), "IP", t("col.action"), t("audit.action_code"),
		t("audit.entity"), t("audit.record_id"), t("audit.before"), t("audit.after")}
}

func (s *Server) auditRow(t func(string, ...any) string, e audit.Entry) []any {
	return []any{e.ID, s.fmtTime(e.At, "2006-01-02 15:04:05"), e.Actor.Username, t("role." + e.Actor.Role), e.Actor.Via, e.Actor.IP,
		t("action." + e.Action), e.Action, t("entity." + e.Entity), e.EntityID, e.Before, e.After}
}

// auditXLSX exports every entry the filter selects, oldest first.
func (s *Server) auditXLSX(w http.ResponseWriter, r *http.Request) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := s.page(r, "audit.title").T
	s.streamSheet(w, r, "audit", auditHeader(t), func(add func([]any) error) error {
		return s.db.EachAuditEntry(r.Context(), f, func(e audit.Entry) error { return add(s.auditRow(t, e)) })
	})
}

// ---- Alerts ----

type supervisionData struct {
	Alerts      []supervision.Alert
	Total       int
	Page        int
	Pages       int
	PageURL     func(int) string
	Query       url.Values
	Kinds       []supervision.Kind
	Open        map[supervision.Kind]int
	OpenAll     int
	GoodsHours  int
	ReceiptDays int
	SpendOver   money.Fen
	Export      string
	Today       string
	MonthAgo    string
}

// alertFilter reads the supervision page's filter: kind, state, dates.
func (s *Server) alertFilter(r *http.Request) (supervision.Filter, error) {
	q := r.URL.Query()
	f := supervision.Filter{Kind: supervision.Kind(q.Get("kind")), State: q.Get("state")}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, boai.Errorf(boai.EINVALID, "未知的预警类型 / unknown alert kind")
	}
	if f.State != "" && f.State != "open" && f.State != "acked" {
		return f, boai.Errorf(boai.EINVALID, "状态须为 open 或 acked / state: open or acked")
	}
	from, to, err := s.period(r)
	if err != nil {
		return f, err
	}
	f.From, f.To = from, to
	return f, nil
}

func (s *Server) supervisionPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildSupervision(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "supervision", p)
}

func (s *Server) buildSupervision(r *http.Request) (*page, error) {
	q := r.URL.Query()
	f, err := s.alertFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit = pageSize
	pg := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		pg = n
		f.Offset = (n - 1) * pageSize
	}
	list, total, err := s.db.Alerts(r.Context(), f)
	if err != nil {
		return nil, err
	}
	open, err := s.db.OpenAlerts(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.db.Now().In(s.cfg.Location)
	d := supervisionData{Alerts: list, Total: total, Page: pg, Pages: (total + pageSize - 1) / pageSize, Query: q, Kinds: supervision.Kinds,
		Open: open, GoodsHours: int(s.cfg.AlertRules.GoodsWait.Hours()), ReceiptDays: int(s.cfg.AlertRules.ReceiptWait.Hours() / 24),
		SpendOver: s.spendPolicy().SecondApprovalOver, Today: now.Format("2006-01-02"), MonthAgo: now.AddDate(0, -1, 0).Format("2006-01-02")}
	for _, n := range open {
		d.OpenAll += n
	}
	d.PageURL = pageURL("/supervision", q)
	ex := url.Values{}
	for k, v := range q {
		if k != "page" && k != "flash" {
			ex[k] = v
		}
	}
	d.Export = "/supervision/alerts.xlsx?" + ex.Encode()
	p := s.page(r, "supervision.title")
	p.Data = d
	return p, nil
}

// alertAck records an administrator's acknowledgement with a note.
func (s *Server) alertAck(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.AckAlert(r.Context(), actor(r), id, r.PostFormValue("note")); err != nil {
		p, perr := s.buildSupervision(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "supervision", p, err)
		return
	}
	back := "/supervision"
	if v := r.PostFormValue("back"); v != "" {
		back = safeNext(v, back)
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"flash=alert_acked", http.StatusSeeOther)
}

func alertHeader(t func(string, ...any) string) []any {
	return []any{"#", t("col.time"), t("supervision.kind"), t("supervision.severity"), t("supervision.subject"), t("supervision.message"),
		t("col.status"), t("supervision.acked_at"), t("supervision.acked_by"), t("supervision.note")}
}

func (s *Server) alertRow(t func(string, ...any) string, a supervision.Alert) []any {
	state := t("supervision.open")
	if !a.Open() {
		state = t("supervision.acked")
	}
	return []any{a.ID, s.fmtTime(a.CreatedAt, "2006-01-02 15:04:05"), t("alert." + string(a.Kind)), t("severity." + string(a.Severity)), a.Subject,
		a.Message, state, s.fmtTime(a.AckedAt, "2006-01-02 15:04:05"), a.AckedBy, a.AckNote}
}

func (s *Server) alertsXLSX(w http.ResponseWriter, r *http.Request) {
	f, err := s.alertFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := s.page(r, "supervision.title").T
	s.streamSheet(w, r, "alerts", alertHeader(t), func(add func([]any) error) error {
		return s.db.EachAlert(r.Context(), f, func(a supervision.Alert) error { return add(s.alertRow(t, a)) })
	})
}
