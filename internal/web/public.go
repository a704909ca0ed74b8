package web

import (
	"net/http"
	"regexp"
	"strings"

	"boai"
	"boai/internal/certificate"
	"boai/internal/donation"
	"boai/internal/money"
	"boai/internal/store"
)

// publicDonation is all a public page may show of a donation: no phone,
// no ID number, a person's name masked, 爱心人士 for the anonymous.
type publicDonation struct {
	Goods       bool // false: money
	CertNo      string
	Donor       string
	AmountFen   money.Fen
	ReceivedAt  any
	Designation donation.Designation
	Status      string
	Branch      string
	Trace       []traceStep
}

// publicGoods is an in-kind donation as anyone holding its certificate
// sees it: the masked donor, the goods as counted in, and the
// institutions that received them.
type publicGoods struct {
	Goods        bool // always: tells the template which kind it shows
	CertNo       string
	Donor        string
	ReceivedAt   any
	Designation  donation.Designation
	Status       string
	Items        []certificate.Item
	Destinations []store.Destination
	Trace        []traceStep
}

func (s *Server) publicGoods(r *http.Request, cert string) (*publicGoods, error) {
	d, err := s.db.InKindByCert(r.Context(), cert)
	if err != nil {
		return nil, err
	}
	c, err := s.inKindCertificate(r.Context(), d)
	if err != nil {
		return nil, err
	}
	dests, err := s.db.InKindDestinations(r.Context(), d.ID)
	if err != nil {
		return nil, err
	}
	trace, err := s.goodsTrace(r, d.ID, d.ReceivedAt, dests)
	if err != nil {
		return nil, err
	}
	return &publicGoods{Goods: true, CertNo: d.CertNo, Donor: d.Donor.PublicName(), ReceivedAt: d.ReceivedAt, Designation: d.Designation,
		Status: d.Status, Items: c.Items, Destinations: dests, Trace: trace}, nil
}

func toPublic(d *donation.Donation) publicDonation {
	return publicDonation{
		CertNo: d.CertNo, Donor: d.Donor.PublicName(), AmountFen: d.AmountFen, ReceivedAt: d.ReceivedAt,
		Designation: d.Designation, Status: d.Status(), Branch: d.BranchName,
	}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "public_home", s.page(r, "home.title"))
}

// verify is the page a certificate's QR code opens.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "查询过于频繁，请稍后再试 / too many look-ups, try again shortly"))
		return
	}
	p := s.page(r, "verify.title")
	d, err := s.db.DonationByCert(r.Context(), donation.NormalizeCertNo(r.PathValue("cert")))
	if err != nil && boai.ErrorCode(err) != boai.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	if d == nil {
		// Not money: perhaps goods, whose certificate points here too.
		if g, err := s.publicGoods(r, donation.NormalizeCertNo(r.PathValue("cert"))); err == nil {
			p.Data = g
			s.render(w, r, "public_verify", p)
			return
		} else if boai.ErrorCode(err) != boai.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
	}
	if d == nil || d.Kind != donation.KindDonation {
		p.Error = p.T("verify.none")
		s.renderStatus(w, r, http.StatusNotFound, "public_verify", p)
		return
	}
	pd := toPublic(d)
	if pd.Trace, err = s.moneyTrace(r, p, d); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = pd
	s.render(w, r, "public_verify", p)
}

func (s *Server) lookupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "public_lookup", s.page(r, "lookup.title"))
}

var last4RE = regexp.MustCompile(`^[0-9]{4}$`)

// lookup finds a donor's own donations by certificate number, or by name
// and the last four digits of their phone. Every failure reads the same
// "no match", so the page tells nobody whether a name or number exists.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "lookup.title")
	if !s.limiter.allow("lookup:"+clientIP(r), s.db.Now()) {
		p.Error = p.T("lookup.too_many")
		s.renderStatus(w, r, http.StatusTooManyRequests, "public_lookup", p)
		return
	}
	cert := donation.NormalizeCertNo(r.PostFormValue("cert"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	last4 := strings.TrimSpace(r.PostFormValue("last4"))
	var found []publicDonation
	switch {
	case cert != "":
		d, err := s.db.DonationByCert(r.Context(), cert)
		if err == nil && d.Kind == donation.KindDonation {
			found = append(found, toPublic(d))
		} else if err != nil && boai.ErrorCode(err) != boai.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
	case name != "" && last4RE.MatchString(last4):
		ds, err := s.db.DonorLookup(r.Context(), name, last4)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range ds {
			found = append(found, toPublic(&ds[i]))
		}
	}
	if len(found) == 0 {
		p.Error = p.T("lookup.none")
	}
	p.Data = found
	s.render(w, r, "public_lookup", p)
}
