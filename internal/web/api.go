package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

// apiDonationIn is the JSON body of POST /api/v1/donations.
type apiDonationIn struct {
	Donor struct {
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		Phone     string `json:"phone"`
		IDNumber  string `json:"id_number"`
		Anonymous bool   `json:"anonymous"`
	} `json:"donor"`
	AmountFen   *int64          `json:"amount_fen"`
	Channel     string          `json:"channel"`
	ReceivedAt  string          `json:"received_at"`
	Designation json.RawMessage `json:"designation"`
	ExternalRef string          `json:"external_ref"`
	Message     string          `json:"message"`
	Branch      string          `json:"branch"` // branch code; defaults to the token user's branch
}

// apiDonation is a donation as the API returns it. Phone and ID number
// stay inside boai.
type apiDonation struct {
	ID             int64                `json:"id"`
	CertificateNo  string               `json:"certificate_no"`
	Kind           string               `json:"kind"`
	Status         string               `json:"status"`
	Donor          apiDonor             `json:"donor"`
	AmountFen      int64                `json:"amount_fen"`
	Amount         string               `json:"amount"`
	Channel        donation.Channel     `json:"channel"`
	ReceivedAt     time.Time            `json:"received_at"`
	Designation    donation.Designation `json:"designation"`
	Fund           string               `json:"fund"`
	Branch         apiBranch            `json:"branch"`
	ExternalRef    string               `json:"external_ref,omitempty"`
	Message        string               `json:"message,omitempty"`
	ReversesID     int64                `json:"reverses_id,omitempty"`
	ReversedBy     int64                `json:"reversed_by,omitempty"`
	Reason         string               `json:"reason,omitempty"`
	Source         string               `json:"source"`
	CreatedAt      time.Time            `json:"created_at"`
	CertificatePDF string               `json:"certificate_pdf"`
	CertificatePNG string               `json:"certificate_png"`
	VerifyURL      string               `json:"verify_url"`
}

type apiDonor struct {
	Name      string             `json:"name"`
	Kind      donation.DonorKind `json:"kind"`
	Anonymous bool               `json:"anonymous"`
}

type apiBranch struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (s *Server) toAPI(d *donation.Donation) apiDonation {
	id := strconv.FormatInt(d.ID, 10)
	return apiDonation{
		ID: d.ID, CertificateNo: d.CertNo, Kind: d.Kind, Status: d.Status(),
		Donor:     apiDonor{Name: d.Donor.Name, Kind: d.Donor.Kind, Anonymous: d.Donor.Anonymous},
		AmountFen: int64(d.AmountFen), Amount: d.AmountFen.Yuan(), Channel: d.Channel, ReceivedAt: d.ReceivedAt.In(s.cfg.Location),
		Designation: d.Designation, Fund: d.Designation.FundLabel(), Branch: apiBranch{d.BranchID, d.BranchName},
		ExternalRef: d.ExternalRef, Message: d.Message, ReversesID: d.ReversesID, ReversedBy: d.ReversedBy, Reason: d.Reason,
		Source: d.Source, CreatedAt: d.CreatedAt.In(s.cfg.Location),
		CertificatePDF: "/api/v1/donations/" + id + "/certificate.pdf", CertificatePNG: "/api/v1/donations/" + id + "/certificate.png",
		VerifyURL: s.verifyURL(d.CertNo),
	}
}

// decodeJSON reads a JSON body of at most 64 KB strictly: unknown fields
// and trailing data are errors the client is told about.
func decodeJSON(r *http.Request, v any) error { return decodeJSONLimit(r, v, 64<<10) }

// decodeJSONLimit is decodeJSON for a body of at most limit bytes (a
// sign-off with its photo).
func decodeJSONLimit(r *http.Request, v any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		return boai.Errorf(boai.EINVALID, "请求体过大（最多 %d KB）或无法读取 / body too large (%d KB at most) or unreadable", limit>>10, limit>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return boai.Errorf(boai.EINVALID, "JSON 语法错误（第 %d 字节）/ malformed JSON at byte %d", se.Offset, se.Offset)
		case errors.As(err, &te):
			return boai.Errorf(boai.EINVALID, "字段 %s 类型错误 / field %s has the wrong type", te.Field, te.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return boai.Errorf(boai.EINVALID, "未知字段 / %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return boai.Errorf(boai.EINVALID, "无法读取 JSON / unreadable JSON: %v", err)
	}
	if dec.More() {
		return boai.Errorf(boai.EINVALID, "JSON 之后还有多余内容 / trailing data after JSON")
	}
	return nil
}

func parseDesignationJSON(raw json.RawMessage) (donation.Designation, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return donation.Designation{Kind: donation.Undesignated}, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		return donation.ParseDesignation(str), nil
	}
	var d donation.Designation
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, boai.Errorf(boai.EINVALID, "designation 须为字符串或 {kind, target} / designation must be a string or {kind, target}")
	}
	return d, nil
}

func (s *Server) apiDonationCreate(w http.ResponseWriter, r *http.Request) {
	var in apiDonationIn
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.donationFromAPI(r, &in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	created, err := s.db.CreateDonation(r.Context(), actor(r), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := http.StatusOK // a retry: the original donation
	if created {
		st = http.StatusCreated
		s.metrics.Recorded(donation.SourceAPI, 1)
		w.Header().Set("Location", fmt.Sprintf("/api/v1/donations/%d", d.ID))
		d.BranchName = s.branchName(r.Context(), d.BranchID)
	}
	writeJSON(w, st, s.toAPI(d))
}

func (s *Server) donationFromAPI(r *http.Request, in *apiDonationIn) (*donation.Donation, error) {
	u := userFrom(r.Context())
	if in.AmountFen == nil {
		return nil, boai.Errorf(boai.EINVALID, "缺少 amount_fen（整数，单位分）/ amount_fen (integer fen) is required")
	}
	received, err := time.Parse(time.RFC3339, in.ReceivedAt)
	if err != nil {
		return nil, boai.Errorf(boai.EINVALID, "received_at 须为 RFC 3339 时间，如 2026-11-30T10:00:00+08:00 / received_at must be RFC 3339")
	}
	des, err := parseDesignationJSON(in.Designation)
	if err != nil {
		return nil, err
	}
	branch := u.BranchID
	if in.Branch != "" {
		b, err := s.db.BranchByCode(r.Context(), strings.ToUpper(strings.TrimSpace(in.Branch)))
		if err != nil {
			return nil, boai.Errorf(boai.EINVALID, "未知机构代码 %q / unknown branch code", in.Branch)
		}
		branch = b.ID
	}
	if !u.SeesBranch(branch) {
		return nil, boai.Errorf(boai.EFORBIDDEN, "只能录入本机构的捐赠 / you may only record your own branch's donations")
	}
	return &donation.Donation{
		Donor: donation.Donor{Kind: donation.DonorKind(in.Donor.Kind), Name: in.Donor.Name, Phone: in.Donor.Phone,
			IDNumber: in.Donor.IDNumber, Anonymous: in.Donor.Anonymous},
		AmountFen: money.Fen(*in.AmountFen), Channel: donation.Channel(in.Channel), ReceivedAt: received,
		Designation: des, ExternalRef: in.ExternalRef, IdemKey: strings.TrimSpace(r.Header.Get("Idempotency-Key")),
		Message: in.Message, BranchID: branch, Source: donation.SourceAPI,
	}, nil
}

func (s *Server) apiDonationGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleDonation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPI(d))
}

func (s *Server) apiDonationList(w http.ResponseWriter, r *http.Request) {
	f, err := s.donationFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && n >= 0 {
		f.Offset = n
	}
	items, total, sum, err := s.db.Donations(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiDonation, len(items))
	for i := range items {
		out[i] = s.toAPI(&items[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "sum_fen": sum, "offset": f.Offset, "items": out})
}
