package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"boai"
	"boai/internal/allocation"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/goodsimport"
	"boai/internal/inkind"
	"boai/internal/money"
	"boai/internal/stock"
)

// The relief-goods JSON API: other systems (a donation platform, a
// hospital's requisition system, a logistics partner) record in-kind
// intake and its sign-off, submit allocation requests, and sign for a
// dispatch, making the same records the staff pages make. Items are named
// by id or by their exact catalogue code: MASK-N95 and MASK-KN95 are two
// items and no code is ever matched loosely.

// apiItemRef names a catalogue item: by id, or by its exact code.
type apiItemRef struct {
	ItemID   int64  `json:"item_id"`
	ItemCode string `json:"item_code"`
}

// apiInKindIn is the JSON body of POST /api/v1/inkind.
type apiInKindIn struct {
	Donor struct {
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		Phone     string `json:"phone"` // private: kept, never returned
		Anonymous bool   `json:"anonymous"`
	} `json:"donor"`
	Designation json.RawMessage   `json:"designation"`
	ReceivedAt  string            `json:"received_at"`
	Branch      string            `json:"branch"` // branch code; defaults to the caller's branch
	Lines       []apiInKindLineIn `json:"lines"`
}

type apiInKindLineIn struct {
	apiItemRef
	Declared     int64  `json:"declared"`
	Spec         string `json:"spec"`
	Batch        string `json:"batch"`
	ProducedOn   string `json:"produced_on"`
	ExpiresOn    string `json:"expires_on"`
	Valuation    string `json:"valuation"`
	DeclaredFen  int64  `json:"declared_fen"`
	EvidenceKind string `json:"evidence_kind"`
	EvidenceRef  string `json:"evidence_ref"`
	Appraiser    string `json:"appraiser"`
	ReportNo     string `json:"report_no"`
	AppraisedFen int64  `json:"appraised_fen"`
	AppraisedOn  string `json:"appraised_on"`
}

// apiInKind is an in-kind donation as the API returns it. The donor's
// phone stays inside boai.
type apiInKind struct {
	ID              int64                `json:"id"`
	CertificateNo   string               `json:"certificate_no"`
	Status          string               `json:"status"`
	Donor           apiDonor             `json:"donor"`
	Designation     donation.Designation `json:"designation"`
	Branch          apiBranch            `json:"branch"`
	ReceivedAt      time.Time            `json:"received_at"`
	CreatedBy       string               `json:"created_by"`
	Lines           []apiInKindLine      `json:"lines"`
	SignOffs        []apiSignOff         `json:"signoffs"`
	PendingSignOffs []apiPendingSignOff  `json:"pending_signoffs"`
	CertificatePDF  string               `json:"certificate_pdf"`
	VerifyURL       string               `json:"verify_url"`
}

type apiInKindLine struct {
	Line         int              `json:"line"` // 1-based, as sign-offs name it
	Item         apiItem          `json:"item"`
	Declared     int64            `json:"declared"`
	Spec         string           `json:"spec,omitempty"`
	Batch        string           `json:"batch,omitempty"`
	ProducedOn   string           `json:"produced_on,omitempty"`
	ExpiresOn    string           `json:"expires_on,omitempty"`
	Valuation    inkind.Valuation `json:"valuation"`
	DeclaredFen  int64            `json:"declared_fen,omitempty"`
	EvidenceKind string           `json:"evidence_kind,omitempty"`
	EvidenceRef  string           `json:"evidence_ref,omitempty"`
	Appraiser    string           `json:"appraiser,omitempty"`
	ReportNo     string           `json:"report_no,omitempty"`
	AppraisedFen int64            `json:"appraised_fen,omitempty"`
	AppraisedOn  string           `json:"appraised_on,omitempty"`
}

type apiSignOff struct {
	Line    int       `json:"line"`
	Role    string    `json:"role"`
	Person  string    `json:"person"`
	Counted int64     `json:"counted"`
	Verdict string    `json:"verdict"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
}

// apiPendingSignOff is a sign-off settlement still waits for.
type apiPendingSignOff struct {
	Line int    `json:"line"`
	Role string `json:"role"`
}

// apiSignOffIn is the JSON body of POST /api/v1/inkind/{id}/signoffs.
type apiSignOffIn struct {
	Line    int    `json:"line"` // 1-based
	Role    string `json:"role"`
	Person  string `json:"person"`
	Counted *int64 `json:"counted"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

// apiRequestIn is the JSON body of POST /api/v1/requests.
type apiRequestIn struct {
	RecipientID int64              `json:"recipient_id"`
	Recipient   string             `json:"recipient"` // the registered full name, exactly
	Purpose     string             `json:"purpose"`
	Urgency     string             `json:"urgency"`
	Address     string             `json:"address"`
	Contact     string             `json:"contact"`
	Lines       []apiRequestLineIn `json:"lines"`
}

type apiRequestLineIn struct {
	apiItemRef
	Quantity int64 `json:"quantity"`
}

// apiRequest is an allocation request as the API returns it.
type apiRequest struct {
	ID          int64                `json:"id"`
	Recipient   apiRecipient         `json:"recipient"`
	Purpose     string               `json:"purpose"`
	Urgency     string               `json:"urgency"`
	Address     string               `json:"address"`
	Contact     string               `json:"contact"`
	Status      string               `json:"status"`
	SubmittedAt time.Time            `json:"submitted_at"`
	CreatedBy   string               `json:"created_by"`
	Lines       []apiRequestLine     `json:"lines"`
	Allocations []apiAllocationBrief `json:"allocations"`
}

type apiRequestLine struct {
	ID        int64   `json:"id"`
	Item      apiItem `json:"item"`
	Quantity  int64   `json:"quantity"`
	Fulfilled int64   `json:"fulfilled"`
	Open      int64   `json:"open"`
}

type apiAllocationBrief struct {
	ID          int64     `json:"id"`
	Status      string    `json:"status"`
	Units       int64     `json:"units"`
	SubmittedAt time.Time `json:"submitted_at"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
}

type apiRecipient struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Class string `json:"class"`
}

// apiSignIn is the JSON body of POST /api/v1/sign/{token}.
type apiSignIn struct {
	Signer string `json:"signer"`
	Lines  []struct {
		LotID    int64  `json:"lot_id"`
		Received *int64 `json:"received"`
		Reason   string `json:"reason"`
	} `json:"lines"`
	Note  string `json:"note"`
	Photo string `json:"photo"` // base64, optionally as a data: URL
}

// apiSigning is a dispatch as its sign-off link shows it.
type apiSigning struct {
	DocNo     string        `json:"doc_no"`
	Recipient string        `json:"recipient"`
	Mode      string        `json:"mode"`
	Signed    bool          `json:"signed"`
	SignedAt  time.Time     `json:"signed_at,omitzero"`
	SignedBy  string        `json:"signed_by,omitempty"`
	Lines     []apiSignLine `json:"lines"`
}

// apiSignLine is a dispatched lot: what was sent, to confirm as received.
type apiSignLine struct {
	LotID int64  `json:"lot_id"`
	Item  string `json:"item"`
	Unit  string `json:"unit"`
	Sent  int64  `json:"sent"`
}

// maxSignPhoto bounds the photo sent with a sign-off.
const maxSignPhoto = 5 << 20

// inZone is t in the society's zone; a zero time stays zero (and is
// left out).
func (s *Server) inZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(s.cfg.Location)
}

func toAPIItem(it goods.Item) apiItem {
	return apiItem{it.ID, it.Code, it.Label(), it.Unit, it.PackUnit, it.PackSize, it.MedicalGrade}
}

// apiItemOf resolves a line's item. A code is compared exactly (in upper
// case, as codes are kept): "KN95" never finds MASK-N95.
func (s *Server) apiItemOf(ctx context.Context, ref apiItemRef, line int) (*goods.Item, error) {
	code := strings.ToUpper(strings.TrimSpace(ref.ItemCode))
	if code == "" {
		if ref.ItemID <= 0 {
			return nil, boai.Errorf(boai.EINVALID, "第 %d 行：须给出 item_id 或 item_code / line %d: item_id or item_code is required", line, line)
		}
		it, err := s.db.Item(ctx, ref.ItemID)
		if boai.ErrorCode(err) == boai.ENOTFOUND {
			return nil, boai.Errorf(boai.EINVALID, "第 %d 行：物资 %d 不存在 / line %d: no item %d", line, ref.ItemID, line, ref.ItemID)
		}
		return it, err
	}
	it, err := s.db.ItemByCode(ctx, code)
	switch {
	case boai.ErrorCode(err) == boai.ENOTFOUND:
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：未知物资编码 %q / line %d: unknown item code %q", line, code, line, code)
	case err != nil:
		return nil, err
	case ref.ItemID != 0 && ref.ItemID != it.ID:
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：item_id 与 item_code 不是同一物资 / line %d: item_id and item_code name different items", line, line)
	}
	return it, nil
}

// createdOr is 201 for a new record, 200 for a repeat answered with the
// record made the first time (as the money API does).
func createdOr(replay bool) int {
	if replay {
		return http.StatusOK
	}
	return http.StatusCreated
}

// idemRef is the reference a record made with an Idempotency-Key is kept
// under: per account, so one caller's keys never meet another's.
func idemRef(r *http.Request) (string, error) {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" {
		return "", nil
	}
	if len(key) > 128 {
		return "", boai.Errorf(boai.EINVALID, "Idempotency-Key 最长 128 个字符 / Idempotency-Key: 128 characters at most")
	}
	h := sha256.Sum256([]byte(strconv.FormatInt(userFrom(r.Context()).ID, 10) + "\x00" + key))
	return "api:" + hex.EncodeToString(h[:16]), nil
}

// errKeyUsed answers a key used before for a different request.
var errKeyUsed = boai.Errorf(boai.ECONFLICT,
	"该 Idempotency-Key 已用于另一项内容不同的请求 / this Idempotency-Key was already used for a different request")

// createGoods records an in-kind donation (d) or a request (q). With an
// Idempotency-Key it goes through the goods import's commit, which keeps
// the record under a reference (the key's and the content's hashes) and
// records a reference once, in one transaction. A repeat of the same
// request finds the record made the first time: replay is true and d.ID
// or q.ID is that record's.
func (s *Server) createGoods(r *http.Request, d *inkind.Donation, q *allocation.AllocRequest) (replay bool, err error) {
	key, err := idemRef(r)
	if err != nil {
		return false, err
	}
	ctx, a := r.Context(), actor(r)
	if key == "" {
		if d != nil {
			return false, s.db.CreateInKind(ctx, a, d)
		}
		return false, s.db.CreateAllocRequest(ctx, a, q)
	}
	var content []byte
	if d != nil {
		content, _ = json.Marshal(d)
	} else {
		content, _ = json.Marshal(q)
	}
	h := sha256.Sum256(content)
	ref := key + ":" + hex.EncodeToString(h[:8])
	earlier := func() (bool, error) {
		id, have, err := s.db.RecordByImportRefPrefix(ctx, q != nil, key+":")
		switch {
		case err != nil || id == 0:
			return false, err
		case have != ref:
			return false, errKeyUsed
		case d != nil:
			d.ID = id
		default:
			q.ID = id
		}
		return true, nil
	}
	if found, err := earlier(); found || err != nil {
		return found, err
	}
	kind := goodsimport.InKind
	if q != nil {
		kind = goodsimport.Requests
	}
	sh := &goodsimport.Sheet{Kind: kind, Rows: []goodsimport.Row{{Line: 1, Verdict: goodsimport.OK}},
		Groups: []goodsimport.Group{{Ref: ref, Rows: []int{0}, Verdict: goodsimport.OK, Donation: d, Request: q}}}
	res, err := s.db.ImportGoods(ctx, a, sh, r.Method+" "+r.URL.Path+" (Idempotency-Key)")
	if err != nil || res.Created == 0 {
		// The same key at the same moment: the other request recorded it.
		if found, ferr := earlier(); found || ferr != nil {
			return found, ferr
		}
		if err == nil {
			err = errKeyUsed
		}
		return false, err
	}
	return false, nil
}

func (s *Server) apiInKindCreate(w http.ResponseWriter, r *http.Request) {
	var in apiInKindIn
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.inKindFromAPI(r, &in)
	replay := false
	if err == nil {
		replay, err = s.createGoods(r, d, nil)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/inkind/%d", d.ID))
	s.writeInKind(w, r, createdOr(replay), d.ID)
}

func (s *Server) inKindFromAPI(r *http.Request, in *apiInKindIn) (*inkind.Donation, error) {
	u := userFrom(r.Context())
	d := &inkind.Donation{BranchID: u.BranchID,
		Donor: donation.Donor{Kind: donation.DonorKind(in.Donor.Kind), Name: in.Donor.Name, Phone: in.Donor.Phone, Anonymous: in.Donor.Anonymous}}
	if d.Donor.Kind != "" && d.Donor.Kind != donation.Person && d.Donor.Kind != donation.Organization {
		return nil, boai.Errorf(boai.EINVALID, "donor.kind 须为 person 或 organization / donor.kind: person or organization")
	}
	des, err := parseDesignationJSON(in.Designation)
	if err != nil {
		return nil, err
	}
	if des.Kind != "" && !slices.Contains(donation.DesignationKinds, des.Kind) {
		return nil, boai.Errorf(boai.EINVALID, "未知的定向类型 %q / unknown designation kind", des.Kind)
	}
	d.Designation = des
	if in.ReceivedAt != "" {
		if d.ReceivedAt, err = time.Parse(time.RFC3339, in.ReceivedAt); err != nil {
			return nil, boai.Errorf(boai.EINVALID, "received_at 须为 RFC 3339 时间，如 2026-11-30T10:00:00+08:00 / received_at must be RFC 3339")
		}
	}
	if in.Branch != "" {
		b, err := s.db.BranchByCode(r.Context(), strings.ToUpper(strings.TrimSpace(in.Branch)))
		if err != nil {
			return nil, boai.Errorf(boai.EINVALID, "未知机构代码 %q / unknown branch code", in.Branch)
		}
		d.BranchID = b.ID
	}
	if !u.SeesBranch(d.BranchID) {
		return nil, boai.Errorf(boai.EFORBIDDEN, "只能登记本机构接收的物资 / you may only record your own branch's intake")
	}
	for i, l := range in.Lines {
		it, err := s.apiItemOf(r.Context(), l.apiItemRef, i+1)
		if err != nil {
			return nil, err
		}
		d.Lines = append(d.Lines, inkind.Line{ItemID: it.ID, MedicalGrade: it.MedicalGrade, Spec: l.Spec, Declared: l.Declared,
			Batch: l.Batch, ProducedOn: l.ProducedOn, ExpiresOn: l.ExpiresOn, Valuation: inkind.Valuation(cmp.Or(l.Valuation, string(inkind.Pending))),
			DeclaredFen: money.Fen(l.DeclaredFen), EvidenceKind: l.EvidenceKind, EvidenceRef: l.EvidenceRef, Appraiser: l.Appraiser,
			ReportNo: l.ReportNo, AppraisedFen: money.Fen(l.AppraisedFen), AppraisedOn: l.AppraisedOn})
	}
	// Checked here as well as in the store, so the caller reads the
	// reason itself whichever way the record is made.
	return d, d.Validate()
}

func (s *Server) apiInKindGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.toAPIInKind(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// writeInKind answers with in-kind donation id as it now stands.
func (s *Server) writeInKind(w http.ResponseWriter, r *http.Request, st int, id int64) {
	d, err := s.db.InKind(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.toAPIInKind(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, st, out)
}

func (s *Server) toAPIInKind(ctx context.Context, d *inkind.Donation) (*apiInKind, error) {
	ids := make([]int64, len(d.Lines))
	for i, l := range d.Lines {
		ids[i] = l.ItemID
	}
	items, err := s.db.ItemsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &apiInKind{ID: d.ID, CertificateNo: d.CertNo, Status: d.Status,
		Donor:       apiDonor{Name: d.Donor.Name, Kind: d.Donor.Kind, Anonymous: d.Donor.Anonymous},
		Designation: d.Designation, Branch: apiBranch{d.BranchID, s.branchName(ctx, d.BranchID)},
		ReceivedAt: d.ReceivedAt.In(s.cfg.Location), CreatedBy: d.CreatedBy,
		Lines: []apiInKindLine{}, SignOffs: []apiSignOff{}, PendingSignOffs: []apiPendingSignOff{},
		CertificatePDF: fmt.Sprintf("/goods/intake/%d/certificate.pdf", d.ID), VerifyURL: s.verifyURL(d.CertNo)}
	signed := map[apiPendingSignOff]bool{}
	for _, so := range d.SignOffs {
		out.SignOffs = append(out.SignOffs, apiSignOff{Line: so.Line + 1, Role: so.Role, Person: so.Person, Counted: so.Counted,
			Verdict: so.Verdict, Reason: so.Reason, At: so.At.In(s.cfg.Location)})
		signed[apiPendingSignOff{so.Line + 1, so.Role}] = true
	}
	for i, l := range d.Lines {
		out.Lines = append(out.Lines, apiInKindLine{Line: i + 1, Item: toAPIItem(items[l.ItemID]), Declared: l.Declared, Spec: l.Spec,
			Batch: l.Batch, ProducedOn: l.ProducedOn, ExpiresOn: l.ExpiresOn, Valuation: l.Valuation, DeclaredFen: int64(l.DeclaredFen),
			EvidenceKind: l.EvidenceKind, EvidenceRef: l.EvidenceRef, Appraiser: l.Appraiser, ReportNo: l.ReportNo,
			AppraisedFen: int64(l.AppraisedFen), AppraisedOn: l.AppraisedOn})
		if d.Status != inkind.Receiving {
			continue
		}
		roles := slices.Clone(s.intakeRoles())
		if l.MedicalGrade && !slices.Contains(roles, inkind.RoleMedicalCheck) {
			roles = append(roles, inkind.RoleMedicalCheck)
		}
		for _, role := range roles {
			if p := (apiPendingSignOff{i + 1, role}); !signed[p] {
				out.PendingSignOffs = append(out.PendingSignOffs, p)
			}
		}
	}
	return out, nil
}

func (s *Server) apiInKindSign(w http.ResponseWriter, r *http.Request) {
	var in apiSignOffIn
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.visibleInKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Line < 1 || in.Line > len(d.Lines):
		err = boai.Errorf(boai.EINVALID, "line 须在 1 到 %d 之间 / line must be between 1 and %d", len(d.Lines), len(d.Lines))
	case !slices.Contains(inkind.DefaultRoles, in.Role):
		err = boai.Errorf(boai.EINVALID, "role 须为 %s 之一 / role: one of %s", strings.Join(inkind.DefaultRoles, "、"), strings.Join(inkind.DefaultRoles, ", "))
	case in.Counted == nil || *in.Counted < 0:
		err = boai.Errorf(boai.EINVALID, "须给出清点数量 counted（非负整数） / counted (a whole number, 0 or more) is required")
	case in.Verdict != inkind.Accepted && in.Verdict != inkind.Quarantined && in.Verdict != inkind.Rejected:
		err = boai.Errorf(boai.EINVALID, "verdict 须为 accepted、quarantined 或 rejected / verdict: accepted, quarantined or rejected")
	case in.Verdict != inkind.Accepted && in.Reason == "":
		// A line signs once per role: a reason missing now could never
		// be added, and settlement would refuse the line.
		err = boai.Errorf(boai.EINVALID, "拒收或隔离须写明原因 / rejecting or quarantining needs a reason")
	}
	if err == nil {
		err = s.db.SignInKind(r.Context(), actor(r), d.ID, inkind.SignOff{Line: in.Line - 1, Role: in.Role, Person: in.Person,
			Counted: *in.Counted, Verdict: in.Verdict, Reason: in.Reason})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/inkind/%d", d.ID))
	s.writeInKind(w, r, http.StatusCreated, d.ID)
}

func (s *Server) apiRequestCreate(w http.ResponseWriter, r *http.Request) {
	var in apiRequestIn
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := s.requestFromAPI(r, &in)
	replay := false
	if err == nil {
		replay, err = s.createGoods(r, nil, q)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/requests/%d", q.ID))
	s.writeRequest(w, r, createdOr(replay), q.ID)
}

func (s *Server) requestFromAPI(r *http.Request, in *apiRequestIn) (*allocation.AllocRequest, error) {
	recips, err := s.db.Recipients(r.Context())
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Recipient)
	var rc *allocation.Recipient
	for i := range recips {
		if (in.RecipientID != 0 && recips[i].ID == in.RecipientID) || (in.RecipientID == 0 && name != "" && recips[i].Name == name) {
			rc = &recips[i]
			break
		}
	}
	switch {
	case in.RecipientID == 0 && name == "":
		return nil, boai.Errorf(boai.EINVALID, "须给出 recipient_id 或 recipient（申请单位全称） / recipient_id or recipient (the full name) is required")
	case rc == nil:
		return nil, boai.Errorf(boai.EINVALID, "申请单位未登记（名称须与登记的全称完全一致） / no such registered recipient (the name must match exactly)")
	case name != "" && rc.Name != name:
		return nil, boai.Errorf(boai.EINVALID, "recipient_id 与 recipient 不是同一单位 / recipient_id and recipient name different units")
	}
	q := &allocation.AllocRequest{RecipientID: rc.ID, Purpose: in.Purpose, Urgency: in.Urgency, Address: in.Address, Contact: in.Contact}
	for i, l := range in.Lines {
		it, err := s.apiItemOf(r.Context(), l.apiItemRef, i+1)
		if err != nil {
			return nil, err
		}
		q.Lines = append(q.Lines, allocation.RequestLine{ItemID: it.ID, Quantity: l.Quantity})
	}
	return q, q.Validate()
}

func (s *Server) apiRequestGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeRequest(w, r, http.StatusOK, id)
}

func (s *Server) writeRequest(w http.ResponseWriter, r *http.Request, st int, id int64) {
	v, err := s.db.Request(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiRequest{ID: v.ID, Recipient: apiRecipient{v.RecipientID, v.Recipient, v.Class}, Purpose: v.Purpose, Urgency: v.Urgency,
		Address: v.Address, Contact: v.Contact, Status: v.Status, SubmittedAt: v.SubmittedAt.In(s.cfg.Location), CreatedBy: v.CreatedBy,
		Lines: []apiRequestLine{}, Allocations: []apiAllocationBrief{}}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, apiRequestLine{ID: l.ID, Item: toAPIItem(v.Items[l.ItemID]), Quantity: l.Quantity, Fulfilled: l.Fulfilled, Open: l.Open()})
	}
	for _, a := range v.Allocations {
		out.Allocations = append(out.Allocations, apiAllocationBrief{ID: a.ID, Status: a.Status, Units: a.Units,
			SubmittedAt: s.inZone(a.SubmittedAt), DecidedAt: s.inZone(a.DecidedAt)})
	}
	writeJSON(w, st, out)
}

func (s *Server) apiRecipients(w http.ResponseWriter, r *http.Request) {
	recips, err := s.db.Recipients(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiRecipient, len(recips))
	for i, rc := range recips {
		out[i] = apiRecipient{rc.ID, rc.Name, rc.Class}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// The recipient's sign-off through the one-time link, for a system that
// signs for its unit: public like the /sign/{token} page, the token is
// the credential.

func (s *Server) apiSignGet(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow("sign:"+clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "请求过于频繁，请稍后再试 / too many requests, try again shortly"))
		return
	}
	s.writeSigning(w, r, http.StatusOK)
}

func (s *Server) apiSign(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow("sign:"+clientIP(r), s.db.Now()) {
		s.fail(w, r, boai.Errorf(boai.ETOOMANY, "请求过于频繁，请稍后再试 / too many requests, try again shortly"))
		return
	}
	var in apiSignIn
	// Room for the photo in base64 (4 characters per 3 bytes) and the rest.
	if err := decodeJSONLimit(r, &in, maxSignPhoto/3*4+64<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	got := make([]stock.Received, len(in.Lines))
	for i, l := range in.Lines {
		if l.Received == nil {
			s.fail(w, r, boai.Errorf(boai.EINVALID, "第 %d 行：须给出实收数量 received / line %d: received is required", i+1, i+1))
			return
		}
		got[i] = stock.Received{LotID: l.LotID, Received: *l.Received, Reason: l.Reason}
	}
	photo, err := decodePhoto(in.Photo)
	if err == nil {
		err = s.db.SignDispatch(r.Context(), r.PathValue("token"), in.Signer, got, in.Note, photo)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeSigning(w, r, http.StatusOK)
}

func (s *Server) writeSigning(w http.ResponseWriter, r *http.Request, st int) {
	v, err := s.db.DispatchForSigning(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiSigning{DocNo: v.DocNo, Recipient: v.Recipient, Mode: v.Mode, Signed: !v.SignedAt.IsZero(), SignedAt: s.inZone(v.SignedAt),
		SignedBy: v.SignedBy, Lines: []apiSignLine{}}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, apiSignLine{LotID: l.LotID, Item: l.Item, Unit: l.Unit, Sent: l.Sent})
	}
	writeJSON(w, st, out)
}

// decodePhoto reads the sign-off photo: base64, bare or as a data: URL,
// an image of at most maxSignPhoto bytes.
func decodePhoto(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "data:") {
		_, s, _ = strings.Cut(s, ",")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	switch {
	case err != nil:
		return nil, boai.Errorf(boai.EINVALID, "photo 须为 base64 编码的图片 / photo must be a base64-encoded image")
	case len(b) > maxSignPhoto:
		return nil, boai.Errorf(boai.EINVALID, "照片不能超过 5 MB / the photo may be 5 MB at most")
	case !strings.HasPrefix(http.DetectContentType(b), "image/"):
		return nil, boai.Errorf(boai.EINVALID, "photo 不是图片（JPEG、PNG 等） / photo is not an image (JPEG, PNG …)")
	}
	return b, nil
}
