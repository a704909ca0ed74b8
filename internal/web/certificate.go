package web

import (
	"boai"
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"boai/internal/certificate"
	"boai/internal/donation"
	"boai/internal/publog"
)

func (s *Server) certificateFor(d *donation.Donation) certificate.Certificate {
	c := certificate.Certificate{
		No: d.CertNo, DonorName: d.Donor.CertificateName(), AmountFen: d.AmountFen, Date: d.ReceivedAt.In(s.cfg.Location),
		Designation: d.Designation.FundLabel(), Society: s.cfg.Society, VerifyURL: s.verifyURL(d.CertNo),
	}
	s.addProof(&c)
	return c
}

// addProof prints the public log's proof link and the donor's salt on
// a certificate, when the site keeps a public log.
func (s *Server) addProof(c *certificate.Certificate) {
	if s.cfg.LogKey == "" {
		return
	}
	salter, err := s.db.Salter(context.Background())
	if err != nil {
		s.log.Error("certificate salt", "err", err)
		return
	}
	c.ProofURL = s.cfg.BaseURL + "/verify/" + c.No + "/proof"
	c.Salt = publog.FormatSalt(salter.Salt(c.No))
}

func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) {
	s.serveCertificate(w, r, "application/pdf", ".pdf", certificate.PDF)
}

func (s *Server) certificatePNG(w http.ResponseWriter, r *http.Request) {
	s.serveCertificate(w, r, "image/png", ".png", certificate.PNG)
}

func (s *Server) serveCertificate(w http.ResponseWriter, r *http.Request, ctype, ext string, render func(io.Writer, certificate.Certificate) error) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Kind != donation.KindDonation {
		s.notFound(w, r)
		return
	}
	if d.ReversedBy != 0 {
		s.fail(w, r, boai.Errorf(boai.ECONFLICT, "该捐赠已冲正，证书已作废，不再出具 / this donation was reversed; its certificate is void"))
		return
	}
	var buf bytes.Buffer
	if err := render(&buf, s.certificateFor(d)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Content-Disposition", `attachment; filename="certificate-`+d.CertNo+ext+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = buf.WriteTo(w)
}
