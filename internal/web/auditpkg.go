package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/store"
	"boai/internal/supervision"
)

// PackageExtra adds files of its own to the audit package of the period
// [from, to) by calling add once per file (the public log adds its
// checkpoints and proofs). A name is a plain relative path such as
// "log/checkpoints.txt"; the package's README lists each file added.
type PackageExtra func(ctx context.Context, from, to time.Time, add func(name string, data []byte) error) error

// pkgFile is a file of the package as its README describes it.
type pkgFile struct {
	name, zh, en string
	rows         int // data rows of a spreadsheet; -1 for another file
	size         int
}

// auditPackage answers /supervision/package?from=&to= (dates, to
// inclusive) with a ZIP of the period's records, one spreadsheet each,
// and a README.txt describing them. The ZIP is written to the client as
// it is built; each spreadsheet streams from the database through a
// temporary file, so a month of a hundred thousand donations is never
// held in memory.
func (s *Server) auditPackage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("from") == "" || q.Get("to") == "" {
		s.fail(w, r, boai.Errorf(boai.EINVALID, "请选择审计期间的起止日期 / choose the period: from and to (YYYY-MM-DD)"))
		return
	}
	from, to, err := s.period(r) // both given (checked above), from before to
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("boai-audit-%s-%s", q.Get("from"), q.Get("to"))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, name))
	if err := s.writePackage(r, w, from, to); err != nil {
		// The answer has begun: break it off, so the download fails
		// visibly instead of ending as a ZIP that looks whole.
		s.log.Error("audit package", "from", from, "to", to, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// writePackage writes the package of [from, to) to w.
func (s *Server) writePackage(r *http.Request, w io.Writer, from, to time.Time) error {
	ctx := r.Context()
	p := s.page(r, "supervision.package")
	t := p.T
	zw := zip.NewWriter(w)
	var files []pkgFile
	stamp := s.db.Now()
	entry := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
	}
	// sheet streams one spreadsheet into the ZIP.
	sheet := func(name, zh, en string, header []any, fill func(add func([]any) error) error) error {
		sh, err := newXLSXSheet(header)
		if err != nil {
			return err
		}
		defer sh.close()
		if err := fill(sh.add); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out, err := entry(name)
		if err != nil {
			return err
		}
		if err := sh.writeTo(out); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, pkgFile{name: name, zh: zh, en: en, rows: sh.rows()})
		return nil
	}
	// export runs one of the existing XLSX exports for the period and
	// puts its answer into the ZIP.
	export := func(name, zh, en, route string, h http.HandlerFunc) error {
		sub := r.Clone(ctx)
		sub.URL = &url.URL{Path: route, RawQuery: url.Values{"from": {r.URL.Query().Get("from")}, "to": {r.URL.Query().Get("to")}}.Encode()}
		rec := &captured{header: http.Header{}}
		h(rec, sub)
		if rec.status != 0 && rec.status != http.StatusOK {
			return fmt.Errorf("%s: export %s answered %d", name, route, rec.status)
		}
		// These lists are small (goods, receipts): count their rows for
		// the README by reading the workbook back.
		x, err := excelize.OpenReader(bytes.NewReader(rec.body.Bytes()))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		x.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out, err := entry(name)
		if err != nil {
			return err
		}
		if _, err := out.Write(rec.body.Bytes()); err != nil {
			return err
		}
		files = append(files, pkgFile{name: name, zh: zh, en: en, rows: max(len(rows)-1, 0), size: rec.body.Len()})
		return nil
	}

	steps := []func() error{
		func() error {
			return sheet("donations.xlsx", "期间收到的捐款（含冲正记录），每笔一行", "money donations received in the period, reversals included, one row each",
				donationHeader(t), func(add func([]any) error) error {
					return s.db.EachDonation(ctx, store.DonationFilter{From: from, To: to}, func(d *donation.Donation) error { return add(s.donationRow(t, d)) })
				})
		},
		func() error {
			return export("inkind.xlsx", "期间接收的捐赠物资，每个明细行一行（估值、签收结果）", "in-kind donations received in the period, one row per line (valuation, sign-off outcome)",
				"/goods/intake.xlsx", s.intakeXLSX)
		},
		func() error {
			return export("requests.xlsx", "期间提交的调拨申请，每行一项物资", "allocation requests submitted in the period, one row per item", "/goods/requests.xlsx", s.requestsXLSX)
		},
		func() error {
			return export("allocations.xlsx", "期间提交的调拨方案及审批用时", "allocations submitted in the period and their approval times", "/goods/allocations.xlsx", s.allocationsXLSX)
		},
		func() error {
			return export("dispatches.xlsx", "期间的出库单及受赠单位签收（实收、短少、签收人）", "dispatches of the period and the recipients' sign-offs (received, short, by whom)",
				"/goods/dispatches.xlsx", s.dispatchesXLSX)
		},
		func() error {
			return sheet("expenditures.xlsx", "期间申请或支付的支出", "expenditures requested or paid in the period", expenditureHeader(t),
				func(add func([]any) error) error {
					return s.db.EachExpenditure(ctx, from, to, func(e *store.ExpenditureView) error { return add(s.expenditureRow(t, e)) })
				})
		},
		func() error {
			return sheet("expenditure_draws.xlsx", "上述支出从各基金的支取", "what each of those expenditures draws from each fund",
				[]any{t("supervision.expenditure"), t("funds.fund"), t("col.amount_yuan"), t("col.amount_fen")}, func(add func([]any) error) error {
					return s.db.EachExpenditure(ctx, from, to, func(e *store.ExpenditureView) error {
						for _, d := range e.Draws {
							if err := add([]any{e.ID, p.AccountLabel(d.Fund), d.Amount.Yuan(), int64(d.Amount)}); err != nil {
								return err
							}
						}
						return nil
					})
				})
		},
		func() error {
			return sheet("ledger.xlsx", "期间的账簿分录（每行一笔转账：借方、贷方、金额）", "the book's transfers dated in the period (one row each: debit, credit, amount)",
				ledgerHeader(t), func(add func([]any) error) error {
					return s.db.EachTransfer(ctx, from, to, func(tr store.Transfer) error { return add(s.ledgerRow(p, tr)) })
				})
		},
		func() error {
			return export("receipts.xlsx", "期间开具的捐赠票据及作废记录（作废原因）", "donation receipts issued in the period and their voids (with the reason)",
				"/receipts.xlsx", s.receiptsXLSX)
		},
		func() error {
			return sheet("alerts.xlsx", "期间产生的预警及处理说明", "alerts raised in the period and how they were acknowledged", alertHeader(t),
				func(add func([]any) error) error {
					return s.db.EachAlert(ctx, supervision.Filter{From: from, To: to}, func(a supervision.Alert) error { return add(s.alertRow(t, a)) })
				})
		},
		func() error {
			return sheet("audit.xlsx", "期间的审计日志：每次员工写操作（谁、角色、时间、内容、修改前后）", "the audit trail of the period: every staff write (who, role, when, what, before and after)",
				auditHeader(t), func(add func([]any) error) error {
					return s.db.EachAuditEntry(ctx, audit.Filter{From: from, To: to}, func(e audit.Entry) error { return add(s.auditRow(t, e)) })
				})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if s.cfg.PackageExtra != nil {
		taken := map[string]bool{"README.txt": true}
		for _, f := range files {
			taken[f.name] = true
		}
		add := func(name string, data []byte) error {
			if clean := path.Clean(name); clean != name || name == "" || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") || strings.Contains(name, "\\") {
				return fmt.Errorf("audit package: %q is not a plain relative file name", name)
			}
			if taken[name] {
				return fmt.Errorf("audit package: %s added twice", name)
			}
			taken[name] = true
			out, err := entry(name)
			if err != nil {
				return err
			}
			if _, err := out.Write(data); err != nil {
				return err
			}
			files = append(files, pkgFile{name: name, rows: -1, size: len(data)})
			return nil
		}
		if err := s.cfg.PackageExtra(ctx, from, to, add); err != nil {
			return fmt.Errorf("extra files: %w", err)
		}
	}
	out, err := entry("README.txt")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, s.packageReadme(r, from, to, stamp, files)); err != nil {
		return err
	}
	return zw.Close()
}

// packageReadme describes the package: the period, who made it and when,
// and each file with what it holds.
func (s *Server) packageReadme(r *http.Request, from, to, at time.Time, files []pkgFile) string {
	var b strings.Builder
	last := to.Add(-time.Nanosecond)
	fmt.Fprintf(&b, "%s 审计资料包 / audit package\r\n\r\n", s.cfg.Society)
	fmt.Fprintf(&b, "期间 / period: %s 至 / to %s（%s，含首尾两日 / both days included）\r\n", s.fmtTime(from, "2006-01-02"), s.fmtTime(last, "2006-01-02"), s.cfg.Location)
	fmt.Fprintf(&b, "生成 / made: %s，%s\r\n", s.fmtTime(at, "2006-01-02 15:04:05"), actor(r).Username)
	b.WriteString("金额以元为单位，并另列“分” / amounts in yuan, and in fen where a column says so. 时间为本会所在时区 / times in the society's time zone.\r\n\r\n")
	b.WriteString("文件 / files:\r\n")
	for _, f := range files {
		switch {
		case f.rows >= 0:
			fmt.Fprintf(&b, "- %s（%d 行 / rows）\r\n  %s\r\n  %s\r\n", f.name, f.rows, f.zh, f.en)
		case f.zh != "":
			fmt.Fprintf(&b, "- %s（%d 字节 / bytes）\r\n  %s\r\n  %s\r\n", f.name, f.size, f.zh, f.en)
		default:
			fmt.Fprintf(&b, "- %s（%d 字节 / bytes）\r\n  由公开日志提供 / added by the public log\r\n", f.name, f.size)
		}
	}
	b.WriteString("\r\nREADME.txt: 本说明 / this file.\r\n")
	return b.String()
}

// captured holds what an export handler answered, for the package.
type captured struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }
func (c *captured) WriteHeader(st int) {
	if c.status == 0 {
		c.status = st
	}
}
func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

func expenditureHeader(t func(string, ...any) string) []any {
	return []any{"#", t("col.time"), t("expenditures.kind"), t("expenditures.payee"), t("expenditures.purpose"), t("col.amount_yuan"), t("col.amount_fen"),
		t("col.status"), t("expenditures.requested_by"), t("expenditures.approvers"), t("supervision.reason"), t("supervision.decided_at"),
		t("supervision.paid_at"), t("expenditures.note")}
}

func (s *Server) expenditureRow(t func(string, ...any) string, e *store.ExpenditureView) []any {
	return []any{e.ID, s.fmtTime(e.CreatedAt, "2006-01-02 15:04:05"), t("category." + string(e.Kind)), e.Payee, e.Purpose.FundLabel(), e.Amount.Yuan(),
		int64(e.Amount), t("spend.status." + string(e.Status)), e.RequestedBy, strings.Join(e.Approvers, "、"), e.Reason,
		s.fmtTime(e.DecidedAt, "2006-01-02 15:04:05"), s.fmtTime(e.PaidAt, "2006-01-02 15:04:05"), e.Note}
}

func ledgerHeader(t func(string, ...any) string) []any {
	return []any{"#", t("supervision.txn"), t("col.time"), t("funds.period"), t("supervision.txn_kind"), t("supervision.debit"), t("supervision.credit"),
		t("col.amount_yuan"), t("col.amount_fen"), t("supervision.ref"), t("supervision.donation_id"), t("supervision.reverses"), t("supervision.reason"),
		t("supervision.created_by")}
}

func (s *Server) ledgerRow(p *page, tr store.Transfer) []any {
	var don, rev any
	if tr.DonationID != 0 {
		don = tr.DonationID
	}
	if tr.ReversesID != 0 {
		rev = tr.ReversesID
	}
	return []any{tr.ID, tr.TxnID, s.fmtTime(tr.At, "2006-01-02 15:04:05"), tr.Period, tr.Kind, p.AccountLabel(tr.Debit) + " " + string(tr.Debit),
		p.AccountLabel(tr.Credit) + " " + string(tr.Credit), tr.Amount.Yuan(), int64(tr.Amount), tr.Ref, don, rev, tr.Reason, tr.CreatedBy}
}
