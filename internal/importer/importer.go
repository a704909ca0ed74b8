// Package importer turns a bank statement into donations: every row gets a
// verdict the user sees before anything is recorded, and committing is one
// transaction that adds nothing twice.
package importer

import (
	"context"
	"strings"
	"time"

	"boai"
	"boai/internal/bankstmt"
	"boai/internal/donation"
	"boai/internal/money"
)

// Extra verdicts beyond the parser's.
const (
	// Imported: the row's reference is already recorded (an earlier or
	// overlapping file); committing skips it.
	Imported bankstmt.Verdict = "imported"
)

// Fields are the mappable columns, in the order the mapping form shows.
var Fields = []bankstmt.Field{
	bankstmt.FieldDate, bankstmt.FieldTime, bankstmt.FieldName, bankstmt.FieldAccount, bankstmt.FieldCredit,
	bankstmt.FieldDebit, bankstmt.FieldAmount, bankstmt.FieldSummary, bankstmt.FieldPurpose, bankstmt.FieldSerial,
}

// Options are what the user chose for the whole file.
type Options struct {
	BranchID    int64
	Designation donation.Designation
	ImportID    int64
	Now         time.Time
}

// Line is one row of the statement with its verdict and, for accepted
// rows, the donation it becomes.
type Line struct {
	bankstmt.Row
	Donation *donation.Donation
}

// Plan is the preview: every row, none dropped, with the counts the user
// checks before committing.
type Plan struct {
	Statement *bankstmt.Statement
	Lines     []Line
	Counts    map[bankstmt.Verdict]int
	AcceptFen money.Fen
}

// RefChecker tells which external references are already recorded.
type RefChecker interface {
	ExistingRefs(ctx context.Context, refs []string) (map[string]bool, error)
}

// orgWords mark a counterparty as an organisation. Only words no
// personal name contains: a single 店 or 厂 can be part of a name.
var orgWords = []string{"公司", "有限", "集团", "协会", "基金会", "银行", "医院", "学校", "大学", "学院", "委员会",
	"中心", "商会", "工厂", "商店", "事务所", "合作社", "研究院", "研究所", "街道", "社区", "村委", "政府", "红十字会",
	"CO.", "LTD", "INC", "LIMITED", "CORP", "COMPANY", "BANK", "FOUNDATION"}

// DonorKindOf tells an organisation from a person by the words in its
// name. When in doubt it says person: an organisation shown masked is a
// small error, a person shown by full name in public is a breach.
func DonorKindOf(name string) donation.DonorKind {
	up := strings.ToUpper(name)
	for _, w := range orgWords {
		if strings.Contains(up, w) {
			return donation.Organization
		}
	}
	return donation.Person
}

// Build classifies every row of st: the parser's verdict, then the
// donation rules, then whether it is already recorded.
func Build(ctx context.Context, st *bankstmt.Statement, opt Options, refs RefChecker) (*Plan, error) {
	p := &Plan{Statement: st, Lines: make([]Line, len(st.Rows)), Counts: map[bankstmt.Verdict]int{}}
	var accepted []string
	for i, row := range st.Rows {
		l := Line{Row: row}
		if row.Verdict == bankstmt.Accept {
			d := &donation.Donation{
				Donor: donation.Donor{Kind: DonorKindOf(row.Counterparty), Name: row.Counterparty,
					Anonymous: strings.TrimSpace(row.Counterparty) == ""},
				AmountFen: row.AmountFen, Channel: donation.Bank, ReceivedAt: row.Time,
				Designation: opt.Designation, Message: joinNonEmpty(row.Summary, row.Purpose),
				ExternalRef: row.Ref, BranchID: opt.BranchID, Source: donation.SourceImport, ImportID: opt.ImportID,
			}
			if err := d.Validate(opt.Now); err != nil {
				l.Verdict, l.Reason = bankstmt.Invalid, boai.ErrorMessage(err)
			} else {
				l.Donation = d
				accepted = append(accepted, row.Ref)
			}
		}
		p.Lines[i] = l
	}
	have, err := existing(ctx, refs, accepted)
	if err != nil {
		return nil, err
	}
	for i := range p.Lines {
		l := &p.Lines[i]
		if l.Verdict == bankstmt.Accept && have[l.Ref] {
			l.Verdict, l.Reason, l.Donation = Imported, "已导入过（流水号或内容相同）", nil
		}
		p.Counts[l.Verdict]++
		if l.Verdict == bankstmt.Accept {
			p.AcceptFen += l.Donation.AmountFen
		}
	}
	return p, nil
}

func existing(ctx context.Context, refs RefChecker, all []string) (map[string]bool, error) {
	have := map[string]bool{}
	const chunk = 500
	for i := 0; i < len(all); i += chunk {
		m, err := refs.ExistingRefs(ctx, all[i:min(i+chunk, len(all))])
		if err != nil {
			return nil, err
		}
		for k := range m {
			have[k] = true
		}
	}
	return have, nil
}

// Donations are the plan's accepted donations, in file order.
func (p *Plan) Donations() []*donation.Donation {
	var out []*donation.Donation
	for _, l := range p.Lines {
		if l.Donation != nil {
			out = append(out, l.Donation)
		}
	}
	return out
}

func joinNonEmpty(parts ...string) string {
	var keep []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, " / ")
}
