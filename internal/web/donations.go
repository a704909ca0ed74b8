package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/org"
	"boai/internal/store"
)

const pageSize = 50

// donationFilter reads the list filters from the query string, limited to
// what the user may see.
func (s *Server) donationFilter(r *http.Request) (store.DonationFilter, error) {
	q := r.URL.Query()
	f := store.DonationFilter{
		Query:       q.Get("q"),
		Channel:     donation.Channel(q.Get("channel")),
		Designation: donation.DesignationKind(q.Get("designation")),
		Kind:        q.Get("kind"),
		Limit:       pageSize,
	}
	if b := q.Get("branch"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return f, boai.Errorf(boai.EINVALID, "机构参数不正确 / bad branch")
		}
		f.Branch = id
	}
	if v := q.Get("from"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, s.cfg.Location)
		if err != nil {
			return f, boai.Errorf(boai.EINVALID, "起始日期格式应为 YYYY-MM-DD / from: use YYYY-MM-DD")
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, s.cfg.Location)
		if err != nil {
			return f, boai.Errorf(boai.EINVALID, "截止日期格式应为 YYYY-MM-DD / to: use YYYY-MM-DD")
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Offset = (n - 1) * pageSize
	}
	if scope := userFrom(r.Context()).ScopeBranch(); scope != 0 {
		f.Branch = scope
	}
	return f, nil
}

type listData struct {
	Items    []donation.Donation
	Total    int
	Sum      money.Fen
	Page     int
	Pages    int
	Query    url.Values
	Branches []org.Branch
	Channels []donation.Channel
	Kinds    []donation.DesignationKind
	PageURL  func(int) string
}

func (s *Server) donationList(w http.ResponseWriter, r *http.Request) {
	f, err := s.donationFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, sum, err := s.db.Donations(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	branches, err := s.visibleBranches(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := listData{Items: items, Total: total, Sum: sum, Page: f.Offset/pageSize + 1, Pages: (total + pageSize - 1) / pageSize,
		Query: q, Branches: branches, Channels: donation.Channels, Kinds: donation.DesignationKinds}
	d.PageURL = pageURL("/donations", q)
	p := s.page(r, "donations.title")
	p.Data = d
	s.render(w, r, "donations", p)
}

// visibleBranches are the branches the user may pick or filter by.
func (s *Server) visibleBranches(r *http.Request) ([]org.Branch, error) {
	all, err := s.db.Branches(r.Context())
	if err != nil {
		return nil, err
	}
	u := userFrom(r.Context())
	var out []org.Branch
	for _, n := range org.Tree(all) {
		if u.SeesBranch(n.ID) {
			b := n.Branch
			b.Name = strings.Repeat("　", n.Depth) + b.Name
			out = append(out, b)
		}
	}
	return out, nil
}

// donationForm is the new-donation form's values and its error.
type donationForm struct {
	Values   url.Values
	Branches []org.Branch
	Channels []donation.Channel
	Kinds    []donation.DesignationKind
	Now      string
}

func (s *Server) donationForm(w http.ResponseWriter, r *http.Request) {
	v := url.Values{}
	if c := r.URL.Query().Get("corrects"); c != "" {
		// Recording the corrected donation: start from the reversed one.
		r.SetPathValue("id", c)
		orig, err := s.visibleDonation(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Set("corrects", c)
		v.Set("donor_kind", string(orig.Donor.Kind))
		v.Set("donor_name", orig.Donor.Name)
		v.Set("phone", orig.Donor.Phone)
		v.Set("id_number", orig.Donor.IDNumber)
		if orig.Donor.Anonymous {
			v.Set("anonymous", "1")
		}
		v.Set("amount", orig.AmountFen.String())
		v.Set("channel", string(orig.Channel))
		v.Set("received_at", s.fmtTime(orig.ReceivedAt, "2006-01-02T15:04"))
		v.Set("branch", strconv.FormatInt(orig.BranchID, 10))
		v.Set("designation_kind", string(orig.Designation.Kind))
		v.Set("designation_target", orig.Designation.Target)
		v.Set("message", orig.Message)
		v.Set("external_ref", orig.ExternalRef)
	}
	s.renderDonationForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) renderDonationForm(w http.ResponseWriter, r *http.Request, st int, v url.Values, err error) {
	branches, berr := s.visibleBranches(r)
	if berr != nil {
		s.fail(w, r, berr)
		return
	}
	p := s.page(r, "donation_new.title")
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	if v.Get("branch") == "" {
		v.Set("branch", strconv.FormatInt(userFrom(r.Context()).BranchID, 10))
	}
	if v.Get("form_key") == "" {
		// One key per filled-in form: a double click or a resent form
		// finds the donation the first submission recorded.
		v.Set("form_key", auth.NewSecret("f_"))
	}
	p.Data = donationForm{Values: v, Branches: branches, Channels: donation.Channels, Kinds: donation.DesignationKinds,
		Now: s.db.Now().In(s.cfg.Location).Format("2006-01-02T15:04")}
	s.renderStatus(w, r, st, "donation_new", p)
}

func (s *Server) donationCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "表单无法读取 / unreadable form"))
		return
	}
	v := r.PostForm
	d, err := s.donationFromForm(r, v)
	if err == nil {
		_, err = s.db.CreateDonation(r.Context(), actor(r), d)
	}
	if err != nil {
		if code := boai.ErrorCode(err); code == boai.EINVALID || code == boai.ECONFLICT || code == boai.EFORBIDDEN {
			s.renderDonationForm(w, r, status(code), v, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.metrics.Recorded(donation.SourceForm, 1)
	http.Redirect(w, r, "/donations/"+strconv.FormatInt(d.ID, 10)+"?flash=created", http.StatusSeeOther)
}

func (s *Server) donationFromForm(r *http.Request, v url.Values) (*donation.Donation, error) {
	amount, err := money.Parse(v.Get("amount"))
	if err != nil {
		return nil, boai.Errorf(boai.EINVALID, "金额格式不正确 / invalid amount: %s", v.Get("amount"))
	}
	received, err := time.ParseInLocation("2006-01-02T15:04", v.Get("received_at"), s.cfg.Location)
	if err != nil {
		return nil, boai.Errorf(boai.EINVALID, "到账时间格式不正确 / invalid time received")
	}
	branch, err := strconv.ParseInt(v.Get("branch"), 10, 64)
	if err != nil {
		return nil, boai.Errorf(boai.EINVALID, "请选择接收机构 / receiving branch is required")
	}
	if !userFrom(r.Context()).SeesBranch(branch) {
		return nil, boai.Errorf(boai.EFORBIDDEN, "只能录入本机构的捐赠 / you may only record your own branch's donations")
	}
	var corrects int64
	if c := v.Get("corrects"); c != "" {
		r.SetPathValue("id", c)
		orig, err := s.visibleDonation(r)
		if err != nil {
			return nil, err
		}
		corrects = orig.ID
	}
	return &donation.Donation{
		Donor: donation.Donor{Kind: donation.DonorKind(v.Get("donor_kind")), Name: v.Get("donor_name"),
			Phone: v.Get("phone"), IDNumber: v.Get("id_number"), Anonymous: v.Get("anonymous") != ""},
		AmountFen: amount, Channel: donation.Channel(v.Get("channel")), ReceivedAt: received, BranchID: branch,
		Designation: donation.Designation{Kind: donation.DesignationKind(v.Get("designation_kind")), Target: v.Get("designation_target")},
		Message:     v.Get("message"), ExternalRef: v.Get("external_ref"), Source: donation.SourceForm,
		IdemKey: formKey(v.Get("form_key")), CorrectsID: corrects,
	}, nil
}

// visibleDonation loads the donation in the path, as not found when the
// user's branch may not see it.
func (s *Server) visibleDonation(r *http.Request) (*donation.Donation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, boai.Errorf(boai.ENOTFOUND, "捐赠记录不存在 / donation not found")
	}
	d, err := s.db.Donation(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !userFrom(r.Context()).SeesBranch(d.BranchID) {
		return nil, boai.Errorf(boai.ENOTFOUND, "捐赠记录不存在 / donation not found")
	}
	return d, nil
}

type detailData struct {
	D          *donation.Donation
	Related    *donation.Donation // the reversal of this donation, or the donation this reverses
	Correction *donation.Donation // the donation recorded to replace this reversed one
	Corrects   *donation.Donation // the reversed donation this one replaces
	History    []audit.Entry
	Verify     string
	Trail      *moneyTrail // where the money went, once it is in the book
}

func (s *Server) donationDetail(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := detailData{D: d, Verify: s.verifyURL(d.CertNo)}
	switch {
	case d.ReversedBy != 0:
		data.Related, err = s.db.Donation(r.Context(), d.ReversedBy)
	case d.ReversesID != 0:
		data.Related, err = s.db.Donation(r.Context(), d.ReversesID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.ReversedBy != 0 {
		if data.Correction, err = s.db.Correction(r.Context(), d.ID); err != nil && boai.ErrorCode(err) != boai.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
	}
	if d.CorrectsID != 0 {
		if data.Corrects, err = s.db.Donation(r.Context(), d.CorrectsID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	ids := []int64{d.ID}
	if data.Related != nil {
		ids = append(ids, data.Related.ID)
	}
	for _, id := range ids {
		es, _, err := s.db.AuditEntries(r.Context(), audit.Filter{Entity: "donation", EntityID: id, Limit: 100})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data.History = append(data.History, es...)
	}
	if data.Trail, err = s.trailFor(r, d.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "donation.title")
	p.Data = data
	s.render(w, r, "donation", p)
}

func (s *Server) donationReverse(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.ReverseDonation(r.Context(), actor(r), d.ID, r.PostFormValue("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/donations/"+strconv.FormatInt(d.ID, 10)+"?flash=reversed", http.StatusSeeOther)
}

func (s *Server) verifyURL(cert string) string {
	return s.cfg.BaseURL + "/verify/" + url.PathEscape(cert)
}

// formKey turns the form's hidden key into an idempotency key.
func formKey(k string) string {
	if k == "" || len(k) > 64 {
		return ""
	}
	return "form:" + k
}
