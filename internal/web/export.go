package web

import (
	"net/http"

	"boai/internal/donation"
	"boai/internal/i18n"
)

// maxExport bounds one export; larger periods are exported by date range.
const maxExport = 100_000

// donationExport writes the filtered donation list as XLSX, streamed so a
// large export does not hold every cell in memory.
func (s *Server) donationExport(w http.ResponseWriter, r *http.Request) {
	f, err := s.donationFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = maxExport, 0
	items, _, _, err := s.db.Donations(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.page(r, "donations.title").Lang
	t := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	s.streamSheet(w, r, "donations", donationHeader(t), func(add func([]any) error) error {
		for i := range items {
			if err := add(s.donationRow(t, &items[i])); err != nil {
				return err
			}
		}
		return nil
	})
}

func donationHeader(t func(string, ...any) string) []any {
	return []any{t("col.cert_no"), t("col.received_at"), t("col.donor"), t("col.donor_kind"), t("col.anonymous"),
		t("col.amount_yuan"), t("col.amount_fen"), t("col.channel"), t("col.fund"), t("col.branch"), t("col.external_ref"), t("col.status"), t("col.message")}
}

// donationRow is a donation as the export and the audit package show it.
func (s *Server) donationRow(t func(string, ...any) string, d *donation.Donation) []any {
	anon := ""
	if d.Donor.Anonymous {
		anon = "✓"
	}
	return []any{d.CertNo, s.fmtTime(d.ReceivedAt, "2006-01-02 15:04:05"), d.Donor.Name, t("donor_kind." + string(d.Donor.Kind)), anon,
		d.AmountFen.String(), int64(d.AmountFen), t("channel." + string(d.Channel)), d.Designation.FundLabel(), d.BranchName, d.ExternalRef,
		t("status." + d.Status()), d.Message}
}
