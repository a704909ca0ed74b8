// Package inkind is donated goods at intake (捐赠物资接收): what the donor
// declared, what the receiving team counted and accepted, and what each
// line is worth. The rules here decide how much enters stock, what is held
// in quarantine, and whether a receipt may ever be issued for a line.
package inkind

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/donation"
	"boai/internal/money"
)

// Valuation is how a line's value was established. Law and practice: the
// donor's invoice, customs declaration or agreement first; else a
// third-party appraisal; else the goods are registered only, and no
// receipt is ever issued for them.
type Valuation string

const (
	Pending       Valuation = "pending"       // not yet valued
	Evidence      Valuation = "evidence"      // fair value from the donor's evidence
	Appraisal     Valuation = "appraisal"     // third-party appraisal
	Unappraisable Valuation = "unappraisable" // registered only: never a receipt
)

// Evidence kinds that support a declared value.
var EvidenceKinds = []string{"invoice", "customs", "agreement"}

// Verdicts a signer gives a line.
const (
	Accepted    = "accepted"
	Quarantined = "quarantined"
	Rejected    = "rejected"
)

// Sign-off roles. The society configures which it requires; a
// medical-grade item always needs the medical-grade check.
const (
	RoleUnloading    = "unloading"
	RoleSorting      = "sorting"
	RoleMedicalCheck = "medical_check"
	RoleCounting     = "counting"
)

// DefaultRoles is Wuhan's lesson: four-party sign-off at intake.
var DefaultRoles = []string{RoleUnloading, RoleSorting, RoleMedicalCheck, RoleCounting}

// Line is one line of an in-kind donation.
type Line struct {
	ItemID       int64
	MedicalGrade bool // copied from the item: the medical-grade check is required
	Spec         string
	Declared     int64 // quantity the donor declared
	Batch        string
	ProducedOn   string // YYYY-MM-DD or ""
	ExpiresOn    string // YYYY-MM-DD or ""
	Valuation    Valuation
	DeclaredFen  money.Fen // the donor's value, with EvidenceKind
	EvidenceKind string
	EvidenceRef  string // invoice number, declaration number …
	Appraiser    string
	ReportNo     string
	AppraisedFen money.Fen
	AppraisedOn  string
}

// SignOff is one person's check of one line.
type SignOff struct {
	Line    int // index into the donation's lines
	Role    string
	Person  string
	Counted int64
	Verdict string
	Reason  string
	At      time.Time
}

// Validate checks a line as recorded at intake.
func (l *Line) Validate(n int) error {
	l.Spec, l.Batch = strings.TrimSpace(l.Spec), strings.TrimSpace(l.Batch)
	switch {
	case l.ItemID <= 0:
		return invalid(n, "请选择物资 / choose the item")
	case l.Declared <= 0:
		return invalid(n, "数量必须大于零 / quantity must be positive")
	case !validDate(l.ProducedOn) || !validDate(l.ExpiresOn):
		return invalid(n, "日期格式应为 YYYY-MM-DD / dates must be YYYY-MM-DD")
	case l.ProducedOn != "" && l.ExpiresOn != "" && l.ExpiresOn <= l.ProducedOn:
		return invalid(n, "有效期须晚于生产日期 / expiry must follow production")
	}
	switch l.Valuation {
	case Pending, Unappraisable:
	case Evidence:
		if l.DeclaredFen <= 0 || !slices.Contains(EvidenceKinds, l.EvidenceKind) || strings.TrimSpace(l.EvidenceRef) == "" {
			return invalid(n, "按凭据估值须有金额、凭据类型（发票、报关单、协议）和凭据号 / evidence-based value needs an amount, the kind of evidence and its number")
		}
	case Appraisal:
		if l.AppraisedFen <= 0 || strings.TrimSpace(l.Appraiser) == "" || strings.TrimSpace(l.ReportNo) == "" || !validDate(l.AppraisedOn) || l.AppraisedOn == "" {
			return invalid(n, "第三方评估须有评估机构、报告编号、评估价值和评估日期 / an appraisal needs the appraiser, report number, value and date")
		}
	default:
		return invalid(n, "未知的估值方式 / unknown valuation")
	}
	return nil
}

// Value is what the line is worth and whether that value stands: the
// appraisal when there is one, otherwise the evidenced declaration.
func (l *Line) Value() (money.Fen, bool) {
	switch l.Valuation {
	case Appraisal:
		return l.AppraisedFen, l.AppraisedFen > 0
	case Evidence:
		return l.DeclaredFen, l.DeclaredFen > 0
	}
	return 0, false
}

// Receiptable reports whether a donation receipt (公益事业捐赠票据) may be
// issued for the line. Goods that cannot be appraised never get one.
func (l *Line) Receiptable() bool {
	_, ok := l.Value()
	return ok && l.Valuation != Unappraisable
}

// Outcome is what intake settled for a line.
type Outcome struct {
	Received    int64 // counted by the counting role
	Accepted    int64 // enters stock
	Quarantined int64 // held apart until checked again
	Rejected    int64 // not taken in
	Verdict     string
	Reasons     []string
}

// Settle decides each line's outcome from its sign-offs. Every required
// role (plus the medical-grade check for medical-grade items) must have
// signed every line; the counting role's count is what arrived; the most
// severe verdict of any signer applies to the whole counted quantity
// (rejected over quarantined over accepted). A verdict other than
// accepted needs a reason.
func Settle(lines []Line, signoffs []SignOff, roles []string) ([]Outcome, error) {
	out := make([]Outcome, len(lines))
	for i, l := range lines {
		need := slices.Clone(roles)
		if l.MedicalGrade && !slices.Contains(need, RoleMedicalCheck) {
			need = append(need, RoleMedicalCheck)
		}
		if !slices.Contains(need, RoleCounting) {
			need = append(need, RoleCounting)
		}
		signed := map[string]SignOff{}
		for _, s := range signoffs {
			if s.Line != i {
				continue
			}
			if s.Verdict != Accepted && s.Verdict != Quarantined && s.Verdict != Rejected {
				return nil, invalid(i+1, "未知的结论 %q / unknown verdict", s.Verdict)
			}
			if s.Verdict != Accepted && strings.TrimSpace(s.Reason) == "" {
				return nil, invalid(i+1, "拒收或隔离须写明原因 / rejecting or quarantining needs a reason")
			}
			if strings.TrimSpace(s.Person) == "" {
				return nil, invalid(i+1, "签收须写明签收人 / each sign-off names its person")
			}
			signed[s.Role] = s
		}
		var missing []string
		for _, r := range need {
			if _, ok := signed[r]; !ok {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			return nil, invalid(i+1, "尚缺签收：%s / sign-off missing: %s", strings.Join(missing, "、"), strings.Join(missing, ", "))
		}
		o := Outcome{Received: signed[RoleCounting].Counted, Verdict: Accepted}
		if o.Received < 0 {
			return nil, invalid(i+1, "清点数量不能为负 / the count cannot be negative")
		}
		for _, r := range need {
			s := signed[r]
			if severity(s.Verdict) > severity(o.Verdict) {
				o.Verdict = s.Verdict
			}
			if s.Reason != "" {
				o.Reasons = append(o.Reasons, r+": "+s.Reason)
			}
		}
		switch o.Verdict {
		case Accepted:
			o.Accepted = o.Received
		case Quarantined:
			o.Quarantined = o.Received
		case Rejected:
			o.Rejected = o.Received
		}
		out[i] = o
	}
	return out, nil
}

func severity(v string) int {
	switch v {
	case Rejected:
		return 2
	case Quarantined:
		return 1
	}
	return 0
}

func validDate(s string) bool {
	if s == "" {
		return true
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func invalid(line int, format string, args ...any) error {
	return boai.Errorf(boai.EINVALID, "第 %d 行：%s", line, fmt.Sprintf(format, args...))
}

// Intake statuses.
const (
	Receiving = "receiving" // lines recorded, sign-offs being collected
	Settled   = "settled"   // outcomes fixed, accepted goods in stock
)

// Donation is an in-kind donation with its lines and sign-offs.
type Donation struct {
	ID           int64
	CertNo       string
	BranchID     int64
	Donor        donation.Donor
	Designation  donation.Designation
	ReceivedAt   time.Time
	Status       string
	ReceiptDocID int64 // the goods-received note made at settlement
	Lines        []Line
	Outcomes     []Outcome // filled once settled, one per line
	SignOffs     []SignOff
	CreatedBy    string
}

// checkGift normalises and checks what a donation and a pledge share:
// who gives, for what, to which branch, and that there are lines.
func checkGift(donor *donation.Donor, des *donation.Designation, branch int64, lines int) error {
	donor.Name = strings.TrimSpace(donor.Name)
	des.Target = strings.TrimSpace(des.Target)
	if donor.Kind == "" {
		donor.Kind = donation.Organization
	}
	if des.Kind == "" {
		des.Kind = donation.Undesignated
	}
	switch {
	case donor.Name == "" && !donor.Anonymous:
		return boai.Errorf(boai.EINVALID, "请填写捐赠人名称，或勾选匿名 / donor name is required unless anonymous")
	case des.Designated() && des.Target == "":
		return boai.Errorf(boai.EINVALID, "定向捐赠须写明定向对象 / a designated donation needs its target")
	case branch <= 0:
		return boai.Errorf(boai.EINVALID, "请选择接收机构 / receiving branch is required")
	case lines == 0:
		return boai.Errorf(boai.EINVALID, "至少要有一行物资 / at least one line of goods")
	}
	return nil
}

// Validate checks a donation as it is first recorded.
func (d *Donation) Validate() error {
	if err := checkGift(&d.Donor, &d.Designation, d.BranchID, len(d.Lines)); err != nil {
		return err
	}
	for i := range d.Lines {
		if err := d.Lines[i].Validate(i + 1); err != nil {
			return err
		}
	}
	return nil
}

// PreArrival is a pledge of goods expected on a day (预到物资).
type PreArrival struct {
	ID          int64
	BranchID    int64
	Donor       donation.Donor
	Designation donation.Designation
	ExpectedOn  string // YYYY-MM-DD
	Note        string
	Lines       []Expected
}

// Expected is a pledged line and how much of it has arrived.
type Expected struct {
	ItemID   int64
	Expected int64
	Arrived  int64
}

// Remaining is what is still expected of the line.
func (e Expected) Remaining() int64 { return max(0, e.Expected-e.Arrived) }

// Validate checks a pre-arrival notice.
func (p *PreArrival) Validate() error {
	if err := checkGift(&p.Donor, &p.Designation, p.BranchID, len(p.Lines)); err != nil {
		return err
	}
	if p.ExpectedOn == "" || !validDate(p.ExpectedOn) {
		return boai.Errorf(boai.EINVALID, "预计到货日期格式应为 YYYY-MM-DD / expected date: YYYY-MM-DD")
	}
	for i, l := range p.Lines {
		if l.ItemID <= 0 || l.Expected <= 0 {
			return invalid(i+1, "请选择物资并填写预计数量 / choose the item and the expected quantity")
		}
	}
	return nil
}

// Arrive applies an arrival of counted quantities (by line) to the
// notice's lines and returns the intake lines for what came. A partial
// arrival keeps the remainder expected; more than expected is accepted
// (donors send extra) and closes the line.
func (p *PreArrival) Arrive(counted map[int]int64) ([]Line, error) {
	var out []Line
	for i, n := range counted {
		if i < 0 || i >= len(p.Lines) {
			return nil, invalid(i+1, "预到单没有这一行 / the notice has no such line")
		}
		if n < 0 {
			return nil, invalid(i+1, "到货数量不能为负 / arrived quantity cannot be negative")
		}
	}
	for i := range p.Lines {
		n := counted[i]
		if n == 0 {
			continue
		}
		p.Lines[i].Arrived += n
		out = append(out, Line{ItemID: p.Lines[i].ItemID, Declared: n, Valuation: Pending})
	}
	if len(out) == 0 {
		return nil, boai.Errorf(boai.EINVALID, "没有到货数量 / nothing arrived")
	}
	return out, nil
}
