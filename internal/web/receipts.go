package web

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"boai"
	"boai/internal/certificate"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/receipt"
	"boai/internal/store"
)

// The donation receipt pages (公益事业捐赠票据, issue #4): the register
// with the stock and the audit of its numbering, the ranges, issue from
// the donation page, void and reissue, the electronic receipt as PDF, and
// the public check its QR code opens.

// receiptIssue reads the issue form: whose forms, the clerks, a credit code.
func receiptIssue(r *http.Request) store.ReceiptIssue {
	return store.ReceiptIssue{Holder: r.PostFormValue("holder"), Reviewer: r.PostFormValue("reviewer"),
		Payee: r.PostFormValue("payee"), PayerUSCC: r.PostFormValue("payer_uscc")}
}

// issueDefaults is what the issue form starts with: the holders with
// blank forms, the person issuing as 复核人 and who recorded the gift as 收款人.
type issueDefaults struct {
	Holders  []string
	Reviewer string
	Payee    string
}

func (s *Server) issueDefaults(r *http.Request, recordedBy string) (issueDefaults, error) {
	var d issueDefaults
	var err error
	if d.Holders, err = s.db.ReceiptHolders(r.Context()); err != nil {
		return d, err
	}
	if u := userFrom(r.Context()); u != nil {
		d.Reviewer = u.DisplayName
	}
	if recordedBy != "" {
		if u, err := s.db.UserByName(r.Context(), recordedBy); err == nil && u.DisplayName != d.Reviewer {
			d.Payee = u.DisplayName
		}
	}
	return d, nil
}

// ---- The donation page's section ----

type donationReceiptData struct {
	D *donation.Donation
	G *store.GiftReceipts
	issueDefaults
}

// donationReceipt is the receipt section of the donation page, loaded
// into it (htmx) or shown on its own.
func (s *Server) donationReceipt(w http.ResponseWriter, r *http.Request) {
	p, err := s.donationReceiptPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "receipts_donation", p)
}

func (s *Server) donationReceiptPage(r *http.Request) (*page, error) {
	d, err := s.visibleDonation(r)
	if err != nil {
		return nil, err
	}
	g, err := s.db.DonationReceipt(r.Context(), d.ID)
	if err != nil {
		return nil, err
	}
	defs, err := s.issueDefaults(r, d.CreatedBy)
	if err != nil {
		return nil, err
	}
	p := s.page(r, "receipt.title")
	p.Data = donationReceiptData{D: d, G: g, issueDefaults: defs}
	return p, nil
}

// donationFormError shows the receipt section again with what went wrong.
func (s *Server) donationFormError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.donationReceiptPage(r)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "receipts_donation", p, err)
}

func (s *Server) donationReceiptIssue(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.db.IssueMoneyReceipt(r.Context(), actor(r), d.ID, receiptIssue(r))
	if err != nil {
		s.donationFormError(w, r, err)
		return
	}
	s.seeOther(w, r, "/receipts/"+strconv.FormatInt(v.ID, 10), "receipt_issued")
}

func (s *Server) donationReceiptRequest(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.RequestReceipt(r.Context(), actor(r), d.ID, r.PostFormValue("channel")); err != nil {
		s.donationFormError(w, r, err)
		return
	}
	s.seeOther(w, r, "/donations/"+strconv.FormatInt(d.ID, 10), "receipt_requested")
}

func (s *Server) donationReceiptChoice(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordReceiptChoice(r.Context(), actor(r), d.ID, r.PostFormValue("choice"), r.PostFormValue("note")); err != nil {
		s.donationFormError(w, r, err)
		return
	}
	s.seeOther(w, r, "/donations/"+strconv.FormatInt(d.ID, 10), "receipt_choice")
}

// ---- One receipt ----

type receiptDetailData struct {
	R      *store.ReceiptView
	Verify string
	issueDefaults
}

func (s *Server) receiptDetailPage(r *http.Request) (*page, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	v, err := s.db.Receipt(r.Context(), id)
	if err != nil {
		return nil, err
	}
	defs, err := s.issueDefaults(r, "")
	if err != nil {
		return nil, err
	}
	defs.Reviewer, defs.Payee = v.Reviewer, v.Payee
	p := s.page(r, "receipt.detail")
	p.Data = receiptDetailData{R: v, Verify: s.receiptURL(v), issueDefaults: defs}
	return p, nil
}

func (s *Server) receiptDetail(w http.ResponseWriter, r *http.Request) {
	p, err := s.receiptDetailPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "receipts_detail", p)
}

func (s *Server) receiptFormError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.receiptDetailPage(r)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "receipts_detail", p, err)
}

func (s *Server) receiptVoid(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.VoidReceipt(r.Context(), actor(r), id, r.PostFormValue("reason")); err != nil {
		s.receiptFormError(w, r, err)
		return
	}
	s.seeOther(w, r, "/receipts/"+strconv.FormatInt(id, 10), "receipt_voided")
}

func (s *Server) receiptReissue(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.db.ReissueReceipt(r.Context(), actor(r), id, r.PostFormValue("reason"), receiptIssue(r))
	if err != nil {
		s.receiptFormError(w, r, err)
		return
	}
	s.seeOther(w, r, "/receipts/"+strconv.FormatInt(v.ID, 10), "receipt_reissued")
}

// receiptURL is the verification page a receipt's QR code opens.
func (s *Server) receiptURL(v *store.ReceiptView) string {
	return s.cfg.BaseURL + "/r/" + url.PathEscape(v.Code) + "/" + v.NumberText()
}

// receiptSignerName names the society's receipt-signing key: the site's
// host and path, then /receipts.
func (s *Server) receiptSignerName() string {
	name := "boai"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != "" {
		name = u.Host + strings.TrimRight(u.Path, "/")
	}
	name = strings.Map(func(r rune) rune {
		if r == '+' || r <= ' ' {
			return '-'
		}
		return r
	}, name)
	return name + "/receipts"
}

// receiptDoc is what the electronic receipt prints.
func (s *Server) receiptDoc(v *store.ReceiptView) certificate.Receipt {
	doc := certificate.Receipt{Society: s.cfg.Society, Code: v.Code, Number: v.NumberText(), CheckCode: v.CheckCode, Date: v.Date,
		Payer: v.Payer, PayerUSCC: v.PayerUSCC, Item: v.Item, Unit: v.Unit, Quantity: v.Quantity, Amount: v.Amount,
		Reviewer: v.Reviewer, Payee: v.Payee, VerifyURL: s.receiptURL(v), Voided: !v.Valid()}
	if s.cfg.LogKey != "" {
		doc.ProofURL = s.cfg.BaseURL + "/r/" + v.Code + "/" + v.NumberText() + "/proof"
	}
	if v.ReissueOf != 0 {
		doc.Reissues = fmt.Sprintf("%s-%0*d", v.Reissues.Code, v.Width, v.Reissues.Number)
	}
	if v.InKind {
		doc.Remark = fmt.Sprintf("物资捐赠 %s 第 %d 行", v.CertNo, v.Line+1)
	} else {
		doc.Remark = "捐赠证书 " + v.CertNo
	}
	return doc
}

func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.db.Receipt(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := s.db.ReceiptSigner(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc := s.receiptDoc(v)
	signed, err := certificate.SignReceipt(doc, s.receiptSignerName(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="receipt-%s-%s.pdf"`, v.Code, v.NumberText()))
	w.Header().Set("Cache-Control", "private, no-store")
	if err := certificate.ReceiptPDF(w, doc, signed); err != nil {
		s.log.Error("receipt PDF", "receipt", id, "err", err)
	}
}

// ---- The register ----

type receiptsData struct {
	Register *store.ReceiptRegister
	Audit    *receipt.Audit
	Requests []store.ReceiptRequest
	Goods    []store.GoodsReceiptLine // may be receipted
	NoGoods  []store.GoodsReceiptLine // may not, each with why
	Choices  []store.ReceiptChoiceView
	From, To string
	Status   string
	Page     int
	Pages    int
	PageURL  func(int) string
	issueDefaults
}

const receiptPage = 100

func (s *Server) receiptFilter(r *http.Request) (store.ReceiptFilter, int, error) {
	from, to, err := s.period(r)
	if err != nil {
		return store.ReceiptFilter{}, 0, err
	}
	f := store.ReceiptFilter{From: from, To: to, Status: r.URL.Query().Get("status"), Limit: receiptPage}
	if f.Status != "" && f.Status != receipt.Issued && f.Status != receipt.Voided {
		f.Status = ""
	}
	page := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		page = n
	}
	f.Offset = (page - 1) * receiptPage
	return f, page, nil
}

func (s *Server) receiptRegister(w http.ResponseWriter, r *http.Request) {
	f, page, err := s.receiptFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := receiptsData{From: q.Get("from"), To: q.Get("to"), Status: f.Status, Page: page, PageURL: pageURL("/receipts", q)}
	if d.Register, err = s.db.ReceiptsRegister(ctx, f); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pages = (d.Register.Total + receiptPage - 1) / receiptPage
	audit, err := s.db.ReceiptAudit(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Audit = &audit
	if d.Requests, err = s.db.OpenReceiptRequests(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	goods, err := s.db.GoodsAwaitingReceipts(ctx, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, g := range goods {
		if g.Standing == receipt.Eligible {
			d.Goods = append(d.Goods, g)
		} else {
			d.NoGoods = append(d.NoGoods, g)
		}
	}
	if d.Choices, err = s.db.ReceiptChoices(ctx, f.From, f.To); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.issueDefaults, err = s.issueDefaults(r, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "receipts.title")
	p.Data = d
	s.render(w, r, "receipts", p)
}

func (s *Server) receiptsXLSX(w http.ResponseWriter, r *http.Request) {
	f, _, err := s.receiptFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = maxExport, 0
	reg, err := s.db.ReceiptsRegister(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "receipts.title")
	rows := make([][]any, 0, len(reg.Receipts))
	for _, v := range reg.Receipts {
		rows = append(rows, []any{v.Code, v.NumberText(), v.Date, p.T("receipt.status." + v.Status), v.Payer, v.PayerUSCC, v.Item,
			v.Unit, v.Quantity, v.Amount.Yuan(), v.Reviewer, v.Payee, v.CertNo, v.IssuedBy, voidReason(v)})
	}
	s.writeSheet(w, r, "receipts", []any{p.T("receipt.code"), p.T("receipt.number"), p.T("receipt.date"), p.T("col.status"),
		p.T("receipt.payer"), p.T("receipt.uscc"), p.T("receipt.item"), p.T("receipt.unit"), p.T("receipt.quantity"), p.T("col.amount"),
		p.T("receipt.reviewer"), p.T("receipt.payee"), p.T("col.cert_no"), p.T("receipt.issued_by"), p.T("receipt.void_reason")}, rows)
}

func voidReason(v store.ReceiptView) string {
	if v.Void == nil {
		return ""
	}
	return v.Void.Reason
}

func (s *Server) receiptSpoil(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.SpoilForm(r.Context(), actor(r), r.PostFormValue("holder"), r.PostFormValue("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.seeOther(w, r, "/receipts", "form_spoiled")
}

// receiptGoodsIssue issues the receipt for a line of goods, given as
// "in-kind donation id/line" (lines from 1).
func (s *Server) receiptGoodsIssue(w http.ResponseWriter, r *http.Request) {
	id, ln, _ := strings.Cut(r.PostFormValue("goods"), "/")
	inkind, err1 := strconv.ParseInt(id, 10, 64)
	line, err2 := strconv.Atoi(ln)
	if err1 != nil || err2 != nil || line < 1 {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "请选择物资行 / choose the line of goods"))
		return
	}
	v, err := s.db.IssueGoodsReceipt(r.Context(), actor(r), inkind, line-1, receiptIssue(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.seeOther(w, r, "/receipts/"+strconv.FormatInt(v.ID, 10), "receipt_issued")
}

// ---- The stock ----

type rangesData struct {
	Ranges []store.ReceiptRange
	Form   url.Values
}

func (s *Server) renderRanges(w http.ResponseWriter, r *http.Request, st int, form url.Values, err error) {
	ranges, lerr := s.db.ReceiptRanges(r.Context())
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	p := s.page(r, "receipts.ranges")
	if form == nil {
		form = url.Values{"width": {"10"}, "obtained_on": {s.db.Now().In(s.cfg.Location).Format("2006-01-02")}}
		if u := userFrom(r.Context()); u != nil {
			form.Set("holder", u.DisplayName)
		}
	}
	p.Data = rangesData{Ranges: ranges, Form: form}
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	s.renderStatus(w, r, st, "receipts_ranges", p)
}

func (s *Server) receiptRangesPage(w http.ResponseWriter, r *http.Request) {
	s.renderRanges(w, r, http.StatusOK, nil, nil)
}

func (s *Server) receiptRangeAdd(w http.ResponseWriter, r *http.Request) {
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(k)), 10, 64)
		return n
	}
	rng := &store.ReceiptRange{Range: receipt.Range{Code: r.PostFormValue("code"), Start: num("start"), End: num("end"),
		Width: int(num("width")), Holder: r.PostFormValue("holder")}, ObtainedOn: r.PostFormValue("obtained_on"), Note: r.PostFormValue("note")}
	if err := s.db.AddReceiptRange(r.Context(), actor(r), rng); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderRanges(w, r, st, r.PostForm, err) })
		return
	}
	s.seeOther(w, r, "/receipts/ranges", "range_added")
}

// ---- The public check ----

type publicReceipt struct {
	Code, Number string
	Payer        string // masked as public pages mask donors
	Item         string
	Quantity     int64
	Unit         string
	Amount       money.Fen
	Date         string
	Valid        bool
	VoidReason   string
	Reissued     bool
	Society      string
	Check        string // the check code typed, if any
	CheckOK      bool
	VerifierKey  string // checks the signed machine-readable form
}

// receiptVerify is the page a receipt's QR code opens: whether the receipt
// exists and stands, with the payer masked. Whoever holds the paper can
// also check its 校验码, which only a genuine receipt carries.
func (s *Server) receiptVerify(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "查询过于频繁，请稍后再试 / too many look-ups, try again shortly"))
		return
	}
	p := s.page(r, "receipt.verify_title")
	var v *store.ReceiptView
	number, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err == nil {
		v, err = s.db.ReceiptBySerial(r.Context(), receipt.Serial{Code: r.PathValue("code"), Number: number})
		if err != nil && boai.ErrorCode(err) != boai.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
	}
	if v == nil {
		p.Error = p.T("receipt.verify_none")
		s.renderStatus(w, r, http.StatusNotFound, "public_receipt", p)
		return
	}
	pr := publicReceipt{Code: v.Code, Number: v.NumberText(), Payer: donation.Donor{Kind: v.PayerKind, Name: v.Payer}.PublicName(),
		Item: v.Item, Quantity: v.Quantity, Unit: v.Unit, Amount: v.Amount, Date: v.Date, Valid: v.Valid(), Reissued: v.ReissuedAs != 0,
		Society: s.cfg.Society, Check: strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("check")))}
	if v.Void != nil {
		pr.VoidReason = v.Void.Reason
	}
	if pr.Check != "" {
		if pr.CheckOK, err = s.db.CheckReceiptCode(r.Context(), &v.Receipt, pr.Check); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	key, err := s.db.ReceiptSigner(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr.VerifierKey = certificate.ReceiptVerifierKey(s.receiptSignerName(), key.Public().(ed25519.PublicKey))
	p.Data = pr
	s.render(w, r, "public_receipt", p)
}
