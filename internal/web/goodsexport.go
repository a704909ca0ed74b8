package web

import (
	"fmt"
	"net/http"
	"time"

	"boai/internal/goods"
)

// Every goods list also comes as a spreadsheet: the task force, the
// warehouses and the auditors work in Excel.

// writeSheet answers rows under a header as an XLSX download.
func (s *Server) writeSheet(w http.ResponseWriter, r *http.Request, name string, header []any, rows [][]any) {
	s.streamSheet(w, r, name, header, func(add func([]any) error) error {
		for _, row := range rows {
			if err := add(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// inPeriod reports whether t falls in [from, to), either bound zero for
// none: every goods export takes ?from=&to= (YYYY-MM-DD, to inclusive).
func inPeriod(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

func (s *Server) intakeXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "intake.title")
	from, to, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.ListInKind(r.Context(), r.URL.Query().Get("status"), maxExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := map[int64]goods.Item{}
	var rows [][]any
	for _, sum := range list {
		d, err := s.db.InKind(r.Context(), sum.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !userFrom(r.Context()).SeesBranch(d.BranchID) || !inPeriod(d.ReceivedAt, from, to) {
			continue
		}
		for i, l := range d.Lines {
			it, ok := items[l.ItemID]
			if !ok {
				got, err := s.db.Item(r.Context(), l.ItemID)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				it, items[l.ItemID] = *got, *got
			}
			value, _ := l.Value()
			row := []any{d.CertNo, s.fmtTime(d.ReceivedAt, "2006-01-02 15:04"), d.Donor.CertificateName(), p.Fund(d.Designation), i + 1, it.Code, it.Label(),
				l.Spec, l.Declared, it.Unit, l.Batch, l.ExpiresOn, p.T("valuation." + string(l.Valuation)), value.Yuan(), l.EvidenceRef, l.ReportNo,
				p.T("intake.status." + d.Status)}
			if i < len(d.Outcomes) {
				o := d.Outcomes[i]
				row = append(row, o.Accepted, o.Quarantined, o.Rejected)
			}
			rows = append(rows, row)
		}
	}
	s.writeSheet(w, r, "goods-intake", []any{p.T("col.cert_no"), p.T("col.received_at"), p.T("col.donor"), p.T("col.fund"), "#", p.T("goods.code"),
		p.T("goods.item"), p.T("intake.spec"), p.T("intake.declared"), p.T("goods.unit"), p.T("intake.batch"), p.T("intake.expires"), p.T("intake.valuation"),
		p.T("col.amount_yuan"), p.T("intake.evidence_ref"), p.T("intake.report_no"), p.T("col.status"), p.T("intake.accepted"), p.T("intake.quarantined"),
		p.T("intake.rejected")}, rows)
}

func (s *Server) preArrivalsXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "prearrival.title")
	list, err := s.db.ListPreArrivals(r.Context(), false, maxExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows [][]any
	for _, pa := range list {
		for _, l := range pa.Lines {
			it, err := s.db.Item(r.Context(), l.ItemID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			rows = append(rows, []any{pa.ID, pa.ExpectedOn, pa.Donor.CertificateName(), p.Fund(pa.Designation), it.Code, it.Label(), l.Expected, l.Arrived,
				l.Remaining(), it.Unit, pa.Note})
		}
	}
	s.writeSheet(w, r, "goods-expected", []any{"#", p.T("prearrival.expected_on"), p.T("col.donor"), p.T("col.fund"), p.T("goods.code"), p.T("goods.item"),
		p.T("prearrival.expected"), p.T("prearrival.arrived"), p.T("prearrival.remaining"), p.T("goods.unit"), p.T("prearrival.note")}, rows)
}

func (s *Server) requestsXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "requests.title")
	from, to, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.ListRequests(r.Context(), "", maxExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows [][]any
	for _, q := range list {
		if !inPeriod(q.SubmittedAt, from, to) {
			continue
		}
		for _, l := range q.Lines {
			it := q.Items[l.ItemID]
			rows = append(rows, []any{q.ID, s.fmtTime(q.SubmittedAt, "2006-01-02 15:04"), q.Recipient, p.T("class." + q.Class), q.Purpose,
				p.T("urgency." + q.Urgency), it.Code, it.Label(), l.Quantity, l.Fulfilled, l.Open(), it.Unit, p.T("requests.status." + q.Status)})
		}
	}
	s.writeSheet(w, r, "goods-requests", []any{"#", p.T("requests.submitted"), p.T("requests.recipient"), p.T("recipients.class"), p.T("requests.purpose"),
		p.T("requests.urgency"), p.T("goods.code"), p.T("goods.item"), p.T("requests.quantity"), p.T("requests.fulfilled"), p.T("requests.open"),
		p.T("goods.unit"), p.T("col.status")}, rows)
}

func (s *Server) allocationsXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "allocations.title")
	from, to, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.ListAllocations(r.Context(), "", 0, maxExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.db.Now()
	var rows [][]any
	for _, a := range list {
		if !inPeriod(a.SubmittedAt, from, to) {
			continue
		}
		rows = append(rows, []any{a.ID, a.RequestID, a.Recipient, a.Purpose, p.T("alloc.status." + a.Status), s.fmtTime(a.SubmittedAt, "2006-01-02 15:04:05"),
			s.fmtTime(a.DecidedAt, "2006-01-02 15:04:05"), fmt.Sprintf("%.1f", a.Elapsed(now).Minutes()), a.Lines, a.Units, a.Owed})
	}
	s.writeSheet(w, r, "goods-allocations", []any{"#", p.T("requests.detail"), p.T("requests.recipient"), p.T("requests.purpose"), p.T("col.status"),
		p.T("allocations.submitted"), p.T("allocations.decided"), p.T("allocations.minutes"), p.T("intake.lines"), p.T("intake.units"),
		p.T("paperwork.owed")}, rows)
}

func (s *Server) dispatchesXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "dispatches.title")
	from, to, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.ListDispatches(r.Context(), 0, maxExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows [][]any
	for _, sum := range list {
		d, err := s.db.DispatchDetail(r.Context(), sum.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !inPeriod(d.CreatedAt, from, to) {
			continue
		}
		signed := p.T("dispatch.unsigned")
		if !d.SignedAt.IsZero() {
			signed = d.SignedBy + " " + s.fmtTime(d.SignedAt, "2006-01-02 15:04")
		}
		for _, l := range d.Lines {
			var received any
			if l.Received >= 0 {
				received = l.Received
			}
			rows = append(rows, []any{d.DocNo, s.fmtTime(d.CreatedAt, "2006-01-02 15:04"), d.Recipient, p.T("mode." + d.Mode), d.Route, d.Vehicle, d.Warehouse,
				l.Item.Code, l.Item.Label(), l.Batch, l.Expiry, l.Sent, received, l.Reason, l.SourceCertNo, l.SourceLineNo, l.SourceDonor, signed})
		}
	}
	s.writeSheet(w, r, "goods-dispatches", []any{p.T("sign.doc"), p.T("col.time"), p.T("sign.recipient"), p.T("sign.mode"), p.T("dispatch.route"),
		p.T("dispatch.vehicle"), p.T("goods.warehouse"), p.T("goods.code"), p.T("goods.item"), p.T("intake.batch"), p.T("intake.expires"), p.T("dispatch.sent"),
		p.T("sign.received"), p.T("intake.reason"), p.T("dispatch.source"), "#", p.T("col.donor"), p.T("col.status")}, rows)
}
