package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"boai"
	"boai/internal/allocation"
	"boai/internal/auth"
	"boai/internal/certificate"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/stock"
	"boai/internal/store"
)

// The goods workflow pages: intake and its sign-off, pre-arrivals,
// requests, the proposal, approval, dispatch and its trace.

// intakeRoles are the sign-off roles intake requires (the medical-grade
// check is added for medical-grade items by inkind.Settle).
func (s *Server) intakeRoles() []string {
	if len(s.cfg.IntakeRoles) > 0 {
		return s.cfg.IntakeRoles
	}
	return []string{inkind.RoleUnloading, inkind.RoleSorting, inkind.RoleCounting}
}

// approvalSteps are the steps an allocation passes, and the roles that
// decide at each.
func (s *Server) approvalSteps() ([]string, map[string][]string) {
	if len(s.cfg.ApprovalSteps) > 0 {
		return s.cfg.ApprovalSteps, s.cfg.StepRoles
	}
	return allocation.DefaultSteps, map[string][]string{
		"taskforce":  {string(auth.Clerk), string(auth.Admin)},
		"leadership": {string(auth.Approver), string(auth.Admin)},
	}
}

// formLines is how many blank lines a multi-line form offers; "more"
// adds some.
func formLines(r *http.Request, have int) int {
	n := max(have, 3)
	if m, err := strconv.Atoi(r.FormValue("lines")); err == nil && m > n {
		n = min(m, 60)
	}
	return n
}

// pickItem resolves what the item box holds: the picker fills in
// "CODE · name spec", and only the code counts, matched exactly, so N95
// can never be read as KN95.
func (s *Server) pickItem(ctx context.Context, text string, line int) (*goods.Item, error) {
	text = strings.TrimSpace(text)
	code, _, _ := strings.Cut(text, " ")
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：请选择物资 / line %d: choose the item", line, line)
	}
	it, err := s.db.ItemByCode(ctx, code)
	if boai.ErrorCode(err) == boai.ENOTFOUND {
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：请从候选列表中选择物资（“%s”不是物资编码）/ line %d: pick the item from the list (%q is not an item code)",
			line, text, line, text)
	}
	return it, err
}

// itemPick answers the picker box with <option>s for its datalist.
func (s *Server) itemPick(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("item"))
	if code, _, ok := strings.Cut(q, " · "); ok {
		q = code // already picked
	}
	items, err := s.db.SearchItems(r.Context(), q, 12)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	for _, it := range items {
		fmt.Fprintf(w, "<option value=\"%s\"></option>\n", template.HTMLEscapeString(pickLabel(it)))
	}
}

func pickLabel(it goods.Item) string { return it.Code + " · " + it.Label() }

func parseQty(s string, line int) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(s, ",", "")), 10, 64)
	if err != nil || n < 0 {
		return 0, boai.Errorf(boai.EINVALID, "第 %d 行：数量应为非负整数 / line %d: the quantity must be a whole number", line, line)
	}
	return n, nil
}

func parseYuan(s string, line int) (money.Fen, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	f, err := money.Parse(s)
	if err != nil {
		return 0, boai.Errorf(boai.EINVALID, "第 %d 行：金额格式不正确 / line %d: invalid amount", line, line)
	}
	return f, nil
}

// formError re-renders a form with its values and the error, or fails
// the request for errors a form cannot help with.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	code := boai.ErrorCode(err)
	if code != boai.EINVALID && code != boai.ECONFLICT && code != boai.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	p.Error = boai.ErrorMessage(err)
	s.renderStatus(w, r, status(code), name, p)
}

func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, path, flash string) {
	if flash != "" {
		path += "?flash=" + flash
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// ---- In-kind intake ----

type intakeListData struct {
	Items  []store.InKindSummary
	Status string
}

func (s *Server) intakeList(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("status")
	items, err := s.db.ListInKind(r.Context(), st, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "intake.title")
	p.Data = intakeListData{Items: items, Status: st}
	s.render(w, r, "goods_intake_list", p)
}

type intakeFormData struct {
	Values     url.Values
	Lines      int
	Branches   []org.Branch
	Kinds      []donation.DesignationKind
	Valuations []inkind.Valuation
	Evidence   []string
	Now        string
}

func (s *Server) intakeFormPage(r *http.Request, v url.Values) (*page, error) {
	branches, err := s.visibleBranches(r)
	if err != nil {
		return nil, err
	}
	p := s.page(r, "intake.new")
	p.Data = intakeFormData{Values: v, Lines: formLines(r, len(v["item"])), Branches: branches, Kinds: donation.DesignationKinds,
		Valuations: []inkind.Valuation{inkind.Pending, inkind.Evidence, inkind.Appraisal, inkind.Unappraisable}, Evidence: inkind.EvidenceKinds,
		Now: s.db.Now().In(s.cfg.Location).Format("2006-01-02T15:04")}
	return p, nil
}

func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.intakeFormPage(r, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_intake_new", p)
}

// at returns the i-th value of a repeated form field.
func at(v url.Values, key string, i int) string {
	if i < len(v[key]) {
		return strings.TrimSpace(v[key][i])
	}
	return ""
}

func (s *Server) intakeCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	d, err := s.readIntake(r, v)
	if err == nil {
		err = s.db.CreateInKind(r.Context(), actor(r), d)
	}
	if err != nil {
		p, perr := s.intakeFormPage(r, v)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_intake_new", p, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/intake/%d", d.ID), "intake_recorded")
}

func (s *Server) readIntake(r *http.Request, v url.Values) (*inkind.Donation, error) {
	u := userFrom(r.Context())
	branch, _ := strconv.ParseInt(v.Get("branch"), 10, 64)
	if scope := u.ScopeBranch(); scope != 0 {
		branch = scope
	}
	d := &inkind.Donation{BranchID: branch,
		Donor: donation.Donor{Kind: donation.DonorKind(v.Get("donor_kind")), Name: v.Get("donor_name"), Phone: v.Get("phone"),
			Anonymous: v.Get("anonymous") != ""},
		Designation: donation.Designation{Kind: donation.DesignationKind(v.Get("designation_kind")), Target: v.Get("designation_target")}}
	if t := v.Get("received_at"); t != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", t, s.cfg.Location)
		if err != nil {
			return nil, boai.Errorf(boai.EINVALID, "接收时间格式不正确 / invalid time received")
		}
		d.ReceivedAt = at
	}
	for i := range v["item"] {
		if at(v, "item", i) == "" && at(v, "declared", i) == "" {
			continue // a blank line
		}
		n := len(d.Lines) + 1
		it, err := s.pickItem(r.Context(), at(v, "item", i), n)
		if err != nil {
			return nil, err
		}
		qty, err := parseQty(at(v, "declared", i), n)
		if err != nil {
			return nil, err
		}
		declared, err := parseYuan(at(v, "declared_yuan", i), n)
		if err != nil {
			return nil, err
		}
		appraised, err := parseYuan(at(v, "appraised_yuan", i), n)
		if err != nil {
			return nil, err
		}
		d.Lines = append(d.Lines, inkind.Line{ItemID: it.ID, MedicalGrade: it.MedicalGrade, Spec: at(v, "spec", i), Declared: qty,
			Batch: at(v, "batch", i), ProducedOn: at(v, "produced_on", i), ExpiresOn: at(v, "expires_on", i),
			Valuation: inkind.Valuation(cmp.Or(at(v, "valuation", i), string(inkind.Pending))), DeclaredFen: declared,
			EvidenceKind: at(v, "evidence_kind", i), EvidenceRef: at(v, "evidence_ref", i), Appraiser: at(v, "appraiser", i),
			ReportNo: at(v, "report_no", i), AppraisedFen: appraised, AppraisedOn: at(v, "appraised_on", i)})
	}
	return d, nil
}

type intakeData struct {
	D          *inkind.Donation
	Items      map[int64]goods.Item
	Roles      []string // required sign-off roles
	AllRoles   []string
	Warehouses []stock.Warehouse
	Missing    []string // "line 2: counting" still to sign
}

func (s *Server) visibleInKind(r *http.Request) (*inkind.Donation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	d, err := s.db.InKind(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !userFrom(r.Context()).SeesBranch(d.BranchID) {
		return nil, boai.Errorf(boai.ENOTFOUND, "物资捐赠不存在 / in-kind donation not found")
	}
	return d, nil
}

func (s *Server) intakeDetail(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.intakePage(r, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_intake", p)
}

func (s *Server) intakePage(r *http.Request, d *inkind.Donation) (*page, error) {
	var ids []int64
	for _, l := range d.Lines {
		ids = append(ids, l.ItemID)
	}
	items, err := s.db.ItemsByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	whs, err := s.db.Warehouses(r.Context())
	if err != nil {
		return nil, err
	}
	data := intakeData{D: d, Items: items, Roles: s.intakeRoles(), AllRoles: inkind.DefaultRoles, Warehouses: whs}
	signed := map[string]bool{}
	for _, so := range d.SignOffs {
		signed[fmt.Sprint(so.Line, so.Role)] = true
	}
	for i, l := range d.Lines {
		roles := slices.Clone(data.Roles)
		if l.MedicalGrade && !slices.Contains(roles, inkind.RoleMedicalCheck) {
			roles = append(roles, inkind.RoleMedicalCheck)
		}
		for _, role := range roles {
			if !signed[fmt.Sprint(i, role)] {
				data.Missing = append(data.Missing, fmt.Sprintf("%d:%s", i+1, role))
			}
		}
	}
	p := s.page(r, "intake.detail")
	p.Data = data
	return p, nil
}

func (s *Server) intakeSign(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	line, _ := strconv.Atoi(r.PostFormValue("line"))
	counted, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("counted")), 10, 64)
	so := inkind.SignOff{Line: line - 1, Role: r.PostFormValue("role"), Person: r.PostFormValue("person"), Counted: counted,
		Verdict: r.PostFormValue("verdict"), Reason: r.PostFormValue("reason")}
	if err := s.db.SignInKind(r.Context(), actor(r), d.ID, so); err != nil {
		p, perr := s.intakePage(r, d)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_intake", p, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/intake/%d", d.ID), "signed_off")
}

func (s *Server) intakeSettle(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wh, _ := strconv.ParseInt(r.PostFormValue("warehouse"), 10, 64)
	if _, err := s.db.SettleInKind(r.Context(), actor(r), d.ID, s.intakeRoles(), wh); err != nil {
		p, perr := s.intakePage(r, d)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_intake", p, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/intake/%d", d.ID), "settled")
}

// inKindCertificate is the donor's certificate for goods: items and
// quantities as counted in (or declared, before the count).
func (s *Server) inKindCertificate(ctx context.Context, d *inkind.Donation) (certificate.Certificate, error) {
	var ids []int64
	for _, l := range d.Lines {
		ids = append(ids, l.ItemID)
	}
	items, err := s.db.ItemsByID(ctx, ids)
	if err != nil {
		return certificate.Certificate{}, err
	}
	c := certificate.Certificate{No: d.CertNo, DonorName: d.Donor.CertificateName(), Date: d.ReceivedAt, Designation: d.Designation.FundLabel(),
		Society: s.cfg.Society, VerifyURL: s.cfg.BaseURL + "/verify/" + d.CertNo}
	s.addProof(&c)
	for i, l := range d.Lines {
		n := l.Declared
		if i < len(d.Outcomes) {
			n = d.Outcomes[i].Accepted
		}
		if n == 0 {
			continue
		}
		it := items[l.ItemID]
		c.Items = append(c.Items, certificate.Item{Name: it.Name, Spec: cmp.Or(l.Spec, it.Spec), Quantity: it.Quantity(n)})
	}
	return c, nil
}

func (s *Server) intakeCertificate(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.inKindCertificate(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(c.Items) == 0 {
		s.fail(w, r, boai.Errorf(boai.ECONFLICT, "没有接收入库的物资，不出具证书 / nothing was accepted: no certificate"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, d.CertNo))
	if err := certificate.PDF(w, c); err != nil {
		s.log.Error("in-kind certificate", "err", err)
	}
}

// ---- Pre-arrivals ----

type preArrivalData struct {
	Items    []inkind.PreArrival
	Goods    map[int64]goods.Item
	Values   url.Values
	Lines    int
	Branches []org.Branch
	Kinds    []donation.DesignationKind
}

func (s *Server) preArrivalPage(r *http.Request, v url.Values) (*page, error) {
	list, err := s.db.ListPreArrivals(r.Context(), r.URL.Query().Get("all") == "", 200)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, p := range list {
		for _, l := range p.Lines {
			ids = append(ids, l.ItemID)
		}
	}
	items, err := s.db.ItemsByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	branches, err := s.visibleBranches(r)
	if err != nil {
		return nil, err
	}
	p := s.page(r, "prearrival.title")
	p.Data = preArrivalData{Items: list, Goods: items, Values: v, Lines: formLines(r, len(v["item"])), Branches: branches, Kinds: donation.DesignationKinds}
	return p, nil
}

func (s *Server) preArrivals(w http.ResponseWriter, r *http.Request) {
	p, err := s.preArrivalPage(r, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_prearrivals", p)
}

func (s *Server) preArrivalCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	err := func() error {
		branch, _ := strconv.ParseInt(v.Get("branch"), 10, 64)
		if scope := userFrom(r.Context()).ScopeBranch(); scope != 0 {
			branch = scope
		}
		pa := &inkind.PreArrival{BranchID: branch, ExpectedOn: v.Get("expected_on"), Note: v.Get("note"),
			Donor:       donation.Donor{Kind: donation.DonorKind(v.Get("donor_kind")), Name: v.Get("donor_name"), Anonymous: v.Get("anonymous") != ""},
			Designation: donation.Designation{Kind: donation.DesignationKind(v.Get("designation_kind")), Target: v.Get("designation_target")}}
		for i := range v["item"] {
			if at(v, "item", i) == "" && at(v, "qty", i) == "" {
				continue
			}
			n := len(pa.Lines) + 1
			it, err := s.pickItem(r.Context(), at(v, "item", i), n)
			if err != nil {
				return err
			}
			q, err := parseQty(at(v, "qty", i), n)
			if err != nil {
				return err
			}
			pa.Lines = append(pa.Lines, inkind.Expected{ItemID: it.ID, Expected: q})
		}
		return s.db.CreatePreArrival(r.Context(), actor(r), pa)
	}()
	if err != nil {
		p, perr := s.preArrivalPage(r, v)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_prearrivals", p, err)
		return
	}
	s.seeOther(w, r, "/goods/prearrivals", "prearrival_recorded")
}

// preArrivalArrive records what came of a notice: the counted goods
// become an intake to sign for; the rest stays expected.
func (s *Server) preArrivalArrive(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pa, err := s.db.PreArrival(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !userFrom(r.Context()).SeesBranch(pa.BranchID) {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "预到单不存在 / notice not found"))
		return
	}
	counted := map[int]int64{}
	for i := range pa.Lines {
		raw := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("arrived_%d", i)))
		if raw == "" {
			continue
		}
		n, err := parseQty(raw, i+1)
		if err == nil && n > 0 {
			counted[i] = n
		} else if err != nil {
			s.arriveError(w, r, err)
			return
		}
	}
	if len(counted) == 0 {
		s.arriveError(w, r, boai.Errorf(boai.EINVALID, "请填写到货数量 / give the quantities that arrived"))
		return
	}
	d, err := s.db.ArrivePreArrival(r.Context(), actor(r), id, counted)
	if err != nil {
		s.arriveError(w, r, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/intake/%d", d.ID), "arrived")
}

func (s *Server) arriveError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.preArrivalPage(r, url.Values{})
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "goods_prearrivals", p, err)
}

// ---- Requests ----

type requestListData struct {
	Items  []store.RequestView
	Status string
	Now    time.Time
}

func (s *Server) requestList(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("status")
	if st == "" {
		st = "open"
	} else if st == "all" {
		st = ""
	}
	items, err := s.db.ListRequests(r.Context(), st, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "requests.title")
	p.Data = requestListData{Items: items, Status: st, Now: s.db.Now()}
	s.render(w, r, "goods_requests", p)
}

type requestFormData struct {
	Values     url.Values
	Lines      int
	Recipients []allocation.Recipient
	Classes    []string
	Urgencies  []string
}

func (s *Server) requestFormPage(r *http.Request, v url.Values) (*page, error) {
	recips, err := s.db.Recipients(r.Context())
	if err != nil {
		return nil, err
	}
	p := s.page(r, "requests.new")
	p.Data = requestFormData{Values: v, Lines: formLines(r, len(v["item"])), Recipients: recips, Classes: allocation.DefaultClasses,
		Urgencies: allocation.Urgencies}
	return p, nil
}

func (s *Server) requestForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.requestFormPage(r, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_request_new", p)
}

func (s *Server) requestCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxRequestFiles*store.MaxRequestFile+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单过大或无法读取（附件每个不超过 5 MB，最多 5 个）/ form too large or unreadable (5 attachments of 5 MB at most)"))
		return
	}
	v := r.Form
	q := &allocation.AllocRequest{Purpose: v.Get("purpose"), Urgency: v.Get("urgency"), Address: v.Get("address"), Contact: v.Get("contact")}
	q.RecipientID, _ = strconv.ParseInt(v.Get("recipient"), 10, 64)
	err := func() error {
		for i := range v["item"] {
			if at(v, "item", i) == "" && at(v, "qty", i) == "" {
				continue
			}
			n := len(q.Lines) + 1
			it, err := s.pickItem(r.Context(), at(v, "item", i), n)
			if err != nil {
				return err
			}
			qty, err := parseQty(at(v, "qty", i), n)
			if err != nil {
				return err
			}
			q.Lines = append(q.Lines, allocation.RequestLine{ItemID: it.ID, Quantity: qty})
		}
		var files []*store.RequestFile
		if r.MultipartForm != nil {
			hs := r.MultipartForm.File["files"]
			if len(hs) > store.MaxRequestFiles {
				return boai.Errorf(boai.EINVALID, "每个申请最多 %d 个附件 / at most %d attachments per request", store.MaxRequestFiles, store.MaxRequestFiles)
			}
			for _, h := range hs {
				if h.Size > store.MaxRequestFile {
					return boai.Errorf(boai.EINVALID, "附件“%s”超过 5 MB / %q is over 5 MB", h.Filename, h.Filename)
				}
				f, err := h.Open()
				if err != nil {
					return err
				}
				b, err := io.ReadAll(io.LimitReader(f, store.MaxRequestFile+1))
				f.Close()
				if err != nil {
					return err
				}
				ct := http.DetectContentType(b)
				files = append(files, &store.RequestFile{Name: h.Filename, ContentType: ct, Data: b})
			}
		}
		if err := s.db.CreateAllocRequest(r.Context(), actor(r), q); err != nil {
			return err
		}
		for _, f := range files {
			f.RequestID = q.ID
			if err := s.db.AddRequestFile(r.Context(), actor(r), f); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		p, perr := s.requestFormPage(r, v)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_request_new", p, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/requests/%d", q.ID), "request_recorded")
}

func (s *Server) recipientCreate(w http.ResponseWriter, r *http.Request) {
	rc := &allocation.Recipient{Name: r.PostFormValue("name"), Class: r.PostFormValue("class"), Contact: r.PostFormValue("contact"),
		Phone: r.PostFormValue("phone"), Address: r.PostFormValue("address")}
	err := rc.Validate(allocation.DefaultClasses)
	if err == nil {
		err = s.db.CreateRecipient(r.Context(), actor(r), rc)
	}
	if err != nil {
		p, perr := s.requestFormPage(r, url.Values{})
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, "goods_request_new", p, err)
		return
	}
	s.seeOther(w, r, "/goods/requests/new", "recipient_recorded")
}

type requestData struct {
	R   *store.RequestView
	Now time.Time
}

func (s *Server) requestDetail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.db.Request(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "requests.detail")
	p.Data = requestData{R: v, Now: s.db.Now()}
	s.render(w, r, "goods_request", p)
}

func (s *Server) requestFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		s.fail(w, r, boai.Errorf(boai.ENOTFOUND, "附件不存在 / attachment not found"))
		return
	}
	f, err := s.db.RequestFileData(r.Context(), id, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Served as a download with its sniffed type, never as a page of
	// this site: an uploaded HTML file must not run here.
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	_, _ = w.Write(f.Data)
}

// ---- Proposal ----

type proposalGroup struct {
	Request *store.RequestView
	Lines   []proposalLine
	Unmet   []allocation.Unmet
}

type proposalLine struct {
	allocation.Allocation
	Item     goods.Item
	Lot      stock.Lot
	Asked    int64
	Location string
}

type proposalData struct {
	ForDay string
	Groups []proposalGroup
}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.buildProposal(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_proposal", p)
}

func (s *Server) buildProposal(r *http.Request) (*page, error) {
	ctx := r.Context()
	day := stock.CutoffDay(s.db.Now(), s.cutoff(), s.cfg.Location)
	prop, err := s.db.ProposeAllocation(ctx, day, allocation.DefaultClasses)
	if err != nil {
		return nil, err
	}
	reqs, err := s.db.ListRequests(ctx, "open", 10000)
	if err != nil {
		return nil, err
	}
	whs, err := s.db.Warehouses(ctx)
	if err != nil {
		return nil, err
	}
	whName := map[int64]string{}
	for _, w := range whs {
		whName[w.ID] = w.Name
	}
	type where struct {
		req  int
		line allocation.RequestLine
	}
	byLine := map[int64]where{}
	for i, q := range reqs {
		for _, l := range q.Lines {
			byLine[l.ID] = where{i, l}
		}
	}
	groups := map[int]*proposalGroup{}
	var order []int
	group := func(i int) *proposalGroup {
		g := groups[i]
		if g == nil {
			g = &proposalGroup{Request: &reqs[i]}
			groups[i] = g
			order = append(order, i)
		}
		return g
	}
	lots := map[int64]stock.Lot{}
	for _, a := range prop.Allocations {
		wl, ok := byLine[a.LineID]
		if !ok {
			continue
		}
		pl := proposalLine{Allocation: a, Item: reqs[wl.req].Items[wl.line.ItemID], Asked: wl.line.Quantity}
		if !a.FromExpected {
			lot, ok := lots[a.LotID]
			if !ok {
				ls, err := s.db.Lots(ctx, wl.line.ItemID, 0)
				if err != nil {
					return nil, err
				}
				for _, l := range ls {
					lots[l.ID] = l
				}
				lot = lots[a.LotID]
			}
			pl.Lot, pl.Location = lot, whName[lot.WarehouseID]
		}
		g := group(wl.req)
		g.Lines = append(g.Lines, pl)
	}
	for _, u := range prop.Unmet {
		if wl, ok := byLine[u.LineID]; ok {
			g := group(wl.req)
			g.Unmet = append(g.Unmet, u)
		}
	}
	slices.Sort(order)
	d := proposalData{ForDay: day}
	for _, i := range order {
		d.Groups = append(d.Groups, *groups[i])
	}
	p := s.page(r, "proposal.title")
	p.Data = d
	return p, nil
}

// proposalSubmit sends the task force's (possibly edited) lines for one
// request to approval.
func (s *Server) proposalSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	var lines []store.AllocLine
	for i := range v["line"] {
		rl, _ := strconv.ParseInt(at(v, "line", i), 10, 64)
		lot, _ := strconv.ParseInt(at(v, "lot", i), 10, 64)
		qty, err := parseQty(at(v, "qty", i), i+1)
		if err != nil {
			s.proposalError(w, r, err)
			return
		}
		if qty == 0 {
			continue // the task force took the line out
		}
		lines = append(lines, store.AllocLine{RequestLineID: rl, LotID: lot, Quantity: qty, Reason: at(v, "reason", i)})
	}
	al, err := s.db.SubmitAllocation(r.Context(), actor(r), id, lines, s.cfg.BaseURL+"/goods/allocations/")
	if err != nil {
		s.proposalError(w, r, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/allocations/%d", al.ID), "submitted")
}

func (s *Server) proposalError(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.buildProposal(r)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "goods_proposal", p, err)
}

// ---- Approval and dispatch ----

type allocationListData struct {
	Items  []store.AllocationSummary
	Owed   []store.AllocationSummary
	Steps  []string
	Status string
	Now    time.Time
	Target time.Duration
}

func (s *Server) allocationList(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("status")
	if st == "" {
		st = "live"
	} else if st == "all" {
		st = ""
	}
	items, err := s.db.ListAllocations(r.Context(), st, 0, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	owed, err := s.db.PaperworkOwed(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	steps, _ := s.approvalSteps()
	p := s.page(r, "allocations.title")
	p.Data = allocationListData{Items: items, Owed: owed, Steps: steps, Status: st, Now: s.db.Now(), Target: allocation.TargetApproval}
	s.render(w, r, "goods_allocations", p)
}

type allocationData struct {
	A         *store.AllocationView
	Steps     []string
	CanDecide bool
	Now       time.Time
	Target    time.Duration
	Modes     []string
	Links     []signLink // just dispatched: the one-time links
}

type signLink struct {
	store.DispatchLink
	URL string
}

func (s *Server) allocationPage(r *http.Request, id int64) (*page, error) {
	v, err := s.db.AllocationDetail(r.Context(), id)
	if err != nil {
		return nil, err
	}
	steps, roles := s.approvalSteps()
	u := userFrom(r.Context())
	can := v.Status == allocation.Pending && v.Step < len(steps) && u.Can(auth.ApproveGoods) &&
		allocation.CanDecide(roles, steps[v.Step], string(u.Role))
	p := s.page(r, "allocations.detail")
	p.Data = &allocationData{A: v, Steps: steps, CanDecide: can, Now: s.db.Now(), Target: allocation.TargetApproval,
		Modes: []string{stock.PointToPoint, stock.Relay, stock.Storage}}
	return p, nil
}

func (s *Server) allocationDetail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.allocationPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "goods_allocation", p)
}

func (s *Server) allocationError(w http.ResponseWriter, r *http.Request, id int64, err error) {
	p, perr := s.allocationPage(r, id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.formError(w, r, "goods_allocation", p, err)
}

func (s *Server) allocationDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	adjust := map[int64]int64{}
	for k, vs := range r.PostForm {
		rest, ok := strings.CutPrefix(k, "qty_")
		if !ok || len(vs) == 0 {
			continue
		}
		lineID, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			continue
		}
		n, err := parseQty(vs[0], 0)
		if err != nil {
			s.allocationError(w, r, id, boai.Errorf(boai.EINVALID, "数量应为非负整数 / quantities must be whole numbers"))
			return
		}
		if orig := r.PostFormValue("was_" + rest); orig != vs[0] {
			adjust[lineID] = n
		}
	}
	steps, roles := s.approvalSteps()
	if _, err := s.db.DecideAllocation(r.Context(), actor(r), id, steps, roles, r.PostFormValue("decision"), strings.TrimSpace(r.PostFormValue("comment")), adjust); err != nil {
		s.allocationError(w, r, id, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/allocations/%d", id), "decided")
}

func (s *Server) allocationPaperwork(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordPaperwork(r.Context(), actor(r), id, r.PostFormValue("kind"), r.PostFormValue("ref")); err != nil {
		s.allocationError(w, r, id, err)
		return
	}
	s.seeOther(w, r, fmt.Sprintf("/goods/allocations/%d", id), "paperwork_recorded")
}

func (s *Server) signURL(secret string) string { return s.cfg.BaseURL + "/sign/" + secret }

func (s *Server) allocationDispatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o := store.DispatchOrder{Mode: r.PostFormValue("mode"), Route: strings.TrimSpace(r.PostFormValue("route")),
		Vehicle: strings.TrimSpace(r.PostFormValue("vehicle")), Driver: strings.TrimSpace(r.PostFormValue("driver"))}
	links, err := s.db.DispatchAllocation(r.Context(), actor(r), id, o)
	if err != nil {
		s.allocationError(w, r, id, err)
		return
	}
	p, err := s.allocationPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := p.Data.(*allocationData)
	for _, l := range links {
		d.Links = append(d.Links, signLink{DispatchLink: l, URL: s.signURL(l.Secret)})
	}
	p.Flash = p.T("flash.dispatched")
	// The page holds the one-time links: never cached.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "goods_allocation", p)
}

type dispatchListData struct {
	Items []store.DispatchSummary
}

func (s *Server) dispatchList(w http.ResponseWriter, r *http.Request) {
	items, err := s.db.ListDispatches(r.Context(), 0, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "dispatches.title")
	p.Data = dispatchListData{Items: items}
	s.render(w, r, "goods_dispatches", p)
}

func (s *Server) dispatchDetail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.db.DispatchDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "dispatches.detail")
	p.Data = v
	s.render(w, r, "goods_dispatch", p)
}

// dispatchNote prints the dispatch note (出库单) with the QR code the
// recipient signs through. The link is the one just issued when the form
// carries it (and it still matches); otherwise a new one is issued and
// earlier printouts' codes stop working.
func (s *Server) dispatchNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret := r.PostFormValue("t")
	if secret == "" || !s.db.DispatchSecretMatches(r.Context(), id, secret) {
		if secret, err = s.db.RelinkDispatch(r.Context(), actor(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v, err := s.db.DispatchDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "dispatches.detail")
	n := certificate.DispatchNote{Society: s.cfg.Society, No: v.DocNo, Date: v.CreatedAt.In(s.cfg.Location), Mode: p.T("mode." + v.Mode),
		Warehouse: v.Warehouse, Recipient: v.Recipient, Address: v.Address, Route: v.Route, Vehicle: v.Vehicle, Driver: v.Driver,
		SignURL: s.signURL(secret), IssuedBy: userFrom(r.Context()).DisplayName}
	for _, l := range v.Lines {
		src := ""
		if l.SourceDonationID != 0 {
			src = fmt.Sprintf("%s 第 %d 行 · %s", l.SourceCertNo, l.SourceLineNo, l.SourceDonor)
		}
		n.Lines = append(n.Lines, certificate.DispatchNoteLine{Item: l.Item.Label(), Batch: l.Batch, Expiry: l.Expiry, Quantity: l.Item.Quantity(l.Sent), Source: src})
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, v.DocNo))
	if err := certificate.DispatchNotePDF(w, n); err != nil {
		s.log.Error("dispatch note", "err", err)
	}
}

// goodsListPDF prints the available-and-arriving list.
func (s *Server) goodsListPDF(w http.ResponseWriter, r *http.Request) {
	l, _, err := s.goodsList(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "goodslist.title")
	gl := certificate.GoodsList{Society: s.cfg.Society, ForDay: l.ForDay, CompiledAt: l.CompiledAt.In(s.cfg.Location)}
	for _, ln := range l.Lines {
		loc := ln.Warehouse
		if ln.WarehouseID == 0 {
			loc = p.T("goods.arriving")
		}
		des := p.T("designation." + ln.DesignationKind)
		if ln.DesignationTarget != "" {
			des += "：" + ln.DesignationTarget
		}
		var avail, exp string
		if ln.Available > 0 {
			avail = ln.Show(ln.Available)
		}
		if ln.Expected > 0 {
			exp = ln.Show(ln.Expected)
		}
		gl.Lines = append(gl.Lines, certificate.GoodsListLine{Item: ln.Item, Available: avail, Expected: exp, Location: loc, Designation: des})
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="goods-list-%s.pdf"`, l.ForDay))
	if err := certificate.GoodsListPDF(w, gl); err != nil {
		s.log.Error("goods list pdf", "err", err)
	}
}
