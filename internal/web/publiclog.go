package web

import (
	"encoding/base64"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/publog"
	"boai/internal/receipt"
	"boai/internal/store"
	"boai/internal/tlog"
)

// The public log, as the public sees it: its files under /log/ (C2SP
// tlog-tiles, servable by any static server and mirrorable by copying),
// its key and day closes on /transparency, and a proof bundle for any
// entry, certificate or receipt.

// logFile serves the log directory. Only the checkpoint changes; every
// tile and entry bundle, once written, never does.
func (s *Server) logFile(w http.ResponseWriter, r *http.Request) {
	if s.cfg.LogDir == "" {
		http.NotFound(w, r)
		return
	}
	rel := r.PathValue("path")
	clean := path.Clean("/" + rel)[1:]
	if clean != rel || rel == "" || strings.HasPrefix(path.Base(rel), ".") || strings.Contains(rel, "/.") {
		http.NotFound(w, r) // .lock and .tmp/ are the writer's, not the log's
		return
	}
	f, err := os.Open(filepath.Join(s.cfg.LogDir, filepath.FromSlash(clean)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	if clean == "checkpoint" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("Access-Control-Allow-Origin", "*") // mirrors and monitors fetch from anywhere
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// logKey serves the log's verifier key as text, for `boai verify --key`.
func (s *Server) logKey(w http.ResponseWriter, r *http.Request) {
	if s.cfg.LogKey == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write([]byte(s.cfg.LogKey + "\n"))
}

type transparencyPage struct {
	Key        string
	Origin     string
	Size       uint64
	Root       string
	Checkpoint string
	Waiting    int64
	Days       []store.LogDay
	BaseURL    string
}

// transparency is the public log's home page: the key, the latest
// checkpoint, the day closes and how to check them.
func (s *Server) transparency(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "log.title")
	v := transparencyPage{Key: s.cfg.LogKey, BaseURL: s.cfg.BaseURL}
	if s.cfg.LogKey != "" {
		if i := strings.Index(v.Key, "+"); i > 0 {
			v.Origin = v.Key[:i]
		}
		if b, err := os.ReadFile(filepath.Join(s.cfg.LogDir, "checkpoint")); err == nil {
			if cp, err := tlog.VerifyCheckpoint(b, s.cfg.LogKey); err == nil {
				v.Size, v.Root, v.Checkpoint = cp.Size, base64.StdEncoding.EncodeToString(cp.Root), string(b)
			}
		}
	}
	var err error
	if _, v.Waiting, err = s.db.LogStatus(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Days, err = s.db.LogDays(r.Context(), 31); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = v
	s.render(w, r, "public_log", p)
}

// bundle answers a C2SP tlog-proof of the log entry index against the
// current checkpoint, read from the log's files (any process can).
func (s *Server) bundle(w http.ResponseWriter, r *http.Request, index uint64, name string) {
	if s.cfg.LogDir == "" {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "本站未开启公开日志 / this site keeps no public log"))
		return
	}
	b, err := tlog.NewReader(tlog.DirFetcher(s.cfg.LogDir)).Bundle(r.Context(), index)
	if err != nil {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "该条目尚未写入公开日志，请稍后再试 / the entry is not in the public log yet; try again shortly"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.proof"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// proofByIndex serves the proof of any log entry: every entry is public.
func (s *Server) proofByIndex(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "日志序号须为非负整数 / the entry index is a whole number"))
		return
	}
	s.bundle(w, r, i, "entry-"+strconv.FormatUint(i, 10))
}

// certificateProof serves the proof of a certificate's donation: the
// donor checks it with `boai verify bundle --salt` and the salt printed
// on the certificate.
func (s *Server) certificateProof(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "查询过于频繁，请稍后再试 / too many look-ups, try again shortly"))
		return
	}
	cert := donation.NormalizeCertNo(r.PathValue("cert"))
	kind, ref, err := s.certificateFact(r, cert)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.db.FactEntry(r.Context(), kind, ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.bundle(w, r, e.Index, cert)
}

// certificateFact finds which fact a certificate number stands for.
func (s *Server) certificateFact(r *http.Request, cert string) (publog.Kind, int64, error) {
	d, err := s.db.DonationByCert(r.Context(), cert)
	if err == nil {
		return publog.Donation, d.ID, nil
	} else if boai.ErrorCode(err) != boai.ENOTFOUND {
		return "", 0, err
	}
	g, err := s.db.InKindByCert(r.Context(), cert)
	if err != nil {
		return "", 0, err
	}
	return publog.Goods, g.ID, nil
}

// receiptProof serves the proof of a receipt's issue.
func (s *Server) receiptProof(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "查询过于频繁，请稍后再试 / too many look-ups, try again shortly"))
		return
	}
	number, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "查无此票据 / no such receipt"))
		return
	}
	rv, err := s.db.ReceiptBySerial(r.Context(), receipt.Serial{Code: r.PathValue("code"), Number: number})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.db.FactEntry(r.Context(), publog.Receipt, rv.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.bundle(w, r, e.Index, "receipt-"+r.PathValue("code")+"-"+r.PathValue("number"))
}

// traceStep is one step of a gift's path on its public tracing page
// (捐赠去向), with the log entry behind it: -1 while it waits to be logged.
type traceStep struct {
	At     time.Time
	What   string // an i18n key
	Detail string
	Amount money.Fen
	Entry  int64
}

// logIndex is e's index, or -1 when the fact is not numbered yet.
func logIndex(m map[int64]store.LogEntry, ref int64) int64 {
	if e, ok := m[ref]; ok {
		return int64(e.Index)
	}
	return -1
}

// moneyTrace is the path of a money donation: received, receipted, in
// its fund, and the payments its money went into.
func (s *Server) moneyTrace(r *http.Request, p *page, d *donation.Donation) ([]traceStep, error) {
	ctx := r.Context()
	own, err := s.db.FactEntries(ctx, publog.Donation, []int64{d.ID})
	if err != nil {
		return nil, err
	}
	steps := []traceStep{{At: d.ReceivedAt, What: "trace.received", Detail: p.Fund(d.Designation), Amount: d.AmountFen, Entry: logIndex(own, d.ID)}}
	gr, err := s.db.DonationReceipt(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, rv := range gr.All {
		ids = append(ids, rv.ID)
	}
	rs, err := s.db.FactEntries(ctx, publog.Receipt, ids)
	if err != nil {
		return nil, err
	}
	for _, rv := range gr.All {
		steps = append(steps, traceStep{At: rv.IssuedAt, What: "trace.receipted", Detail: p.T("trace.receipt_no", rv.Code, rv.NumberText()), Amount: rv.Amount, Entry: logIndex(rs, rv.ID)})
	}
	_, _, lines, err := s.db.MoneyTrail(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	ids = ids[:0]
	for _, l := range lines {
		ids = append(ids, l.ExpenditureID)
	}
	es, err := s.db.FactEntries(ctx, publog.Expenditure, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if l.ExpenditureID == 0 {
			steps = append(steps, traceStep{At: l.At, What: "trace.released", Detail: p.Fund(l.Purpose), Amount: l.Amount, Entry: -1})
			continue
		}
		steps = append(steps, traceStep{At: l.At, What: "trace.spent", Detail: l.Payee + " · " + p.Fund(l.Purpose), Amount: l.Amount, Entry: logIndex(es, l.ExpenditureID)})
	}
	return steps, nil
}

// goodsTrace is the path of an in-kind gift: received, and each dispatch
// its goods went out on, with the institution that signed for them.
func (s *Server) goodsTrace(r *http.Request, id int64, received time.Time, dests []store.Destination) ([]traceStep, error) {
	ctx := r.Context()
	own, err := s.db.FactEntries(ctx, publog.Goods, []int64{id})
	if err != nil {
		return nil, err
	}
	steps := []traceStep{{At: received, What: "trace.goods_received", Entry: logIndex(own, id)}}
	var ids []int64
	for _, d := range dests {
		ids = append(ids, d.DispatchID)
	}
	ds, err := s.db.FactEntries(ctx, publog.Dispatch, ids)
	if err != nil {
		return nil, err
	}
	for _, d := range dests {
		if d.SignedAt.IsZero() {
			steps = append(steps, traceStep{At: d.SentAt, What: "trace.dispatched", Detail: d.Item.Name + " → " + d.Recipient, Entry: -1})
			continue
		}
		steps = append(steps, traceStep{At: d.SignedAt, What: "trace.signed", Detail: d.Item.Name + " " + strconv.FormatInt(d.Received, 10) + " " + d.Item.Unit + " → " + d.Recipient,
			Entry: logIndex(ds, d.DispatchID)})
	}
	return steps, nil
}
