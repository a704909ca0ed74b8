// Package donation holds money donations: who gave, how much, through which
// channel, for what, and the rules for recording, correcting, masking and
// recognising a repeated submission.
package donation

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"boai"
	"boai/internal/money"
)

// DonorKind tells a person from an organisation.
type DonorKind string

const (
	Person       DonorKind = "person"
	Organization DonorKind = "organization"
)

// Channel is how the money arrived.
type Channel string

const (
	Bank   Channel = "bank"   // bank transfer
	Online Channel = "online" // online / QR code
	WeChat Channel = "wechat" // WeChat Pay
	Alipay Channel = "alipay"
	Cash   Channel = "cash"
	Other  Channel = "other"
)

// Channels lists every channel in display order.
var Channels = []Channel{Bank, Online, WeChat, Alipay, Cash, Other}

func (c Channel) Valid() bool {
	for _, x := range Channels {
		if c == x {
			return true
		}
	}
	return false
}

// Kind of record: an ordinary donation, or the reversal that corrects one.
const (
	KindDonation = "donation"
	KindReversal = "reversal"
)

// Source is where a record came in.
const (
	SourceForm   = "form"
	SourceAPI    = "api"
	SourceImport = "import"
	SourceDemo   = "demo"
)

// Donor is who gave. Phone and IDNumber are private: they never appear on a
// public page, a certificate, or in a log.
type Donor struct {
	Kind      DonorKind `json:"kind"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone,omitempty"`
	IDNumber  string    `json:"id_number,omitempty"`
	Anonymous bool      `json:"anonymous"`
}

// AnonymousName is how an anonymous donor is shown in public.
const AnonymousName = "爱心人士"

// PublicName is the donor as public pages show them: 爱心人士 when
// anonymous, an organisation's full name, a person's name masked (张*明).
func (d Donor) PublicName() string {
	if d.Anonymous || strings.TrimSpace(d.Name) == "" {
		return AnonymousName
	}
	if d.Kind == Organization {
		return d.Name
	}
	return MaskPersonName(d.Name)
}

// CertificateName is the donor as printed on their own certificate: the
// full name, or 爱心人士 when anonymous.
func (d Donor) CertificateName() string {
	if d.Anonymous || strings.TrimSpace(d.Name) == "" {
		return AnonymousName
	}
	return d.Name
}

// MaskPersonName keeps the first and last character of a name and masks the
// rest: 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明, John Smith → J********h.
func MaskPersonName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return AnonymousName
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// Designation says what a donation is for. Every donation carries one from
// the moment it is recorded, so no gift is ever unlabelled.
type Designation struct {
	Kind   DesignationKind `json:"kind"`
	Target string          `json:"target,omitempty"`
}

type DesignationKind string

const (
	Undesignated DesignationKind = "undesignated"
	Purpose      DesignationKind = "purpose"     // e.g. 新冠肺炎疫情防控
	Project      DesignationKind = "project"     // a fundraising project
	Region       DesignationKind = "region"      // e.g. 淳安县
	Institution  DesignationKind = "institution" // a named recipient institution
)

// DesignationKinds lists the kinds in display order.
var DesignationKinds = []DesignationKind{Undesignated, Purpose, Project, Region, Institution}

var designationLabels = map[DesignationKind]string{
	Purpose: "用途", Project: "项目", Region: "地区", Institution: "受赠机构",
}

// FundLabel is the fund a donation belongs to: 非定向 (the general fund) or
// 定向·<kind>·<target>, one restricted fund per designation.
func (d Designation) FundLabel() string {
	if d.Kind == Undesignated || d.Kind == "" {
		return "非定向"
	}
	return "定向·" + designationLabels[d.Kind] + "·" + d.Target
}

var designationLabelsEn = map[DesignationKind]string{
	Purpose: "purpose", Project: "project", Region: "region", Institution: "institution",
}

// FundLabelEn is FundLabel in English, for English pages; the target
// stays as written.
func (d Designation) FundLabelEn() string {
	if !d.Designated() {
		return "Undesignated"
	}
	return "Designated · " + designationLabelsEn[d.Kind] + " · " + d.Target
}

// Designated reports whether the gift is restricted.
func (d Designation) Designated() bool { return d.Kind != Undesignated && d.Kind != "" }

// ParseDesignation reads the short form used in the API, files and forms:
// "" or "非定向"/"undesignated" is undesignated; "kind:target" names a kind
// (purpose, project, region, institution, or 用途/项目/地区/机构); any
// other text is a designated purpose.
func ParseDesignation(s string) Designation {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "undesignated", "非定向", "none":
		return Designation{Kind: Undesignated}
	}
	if k, t, ok := strings.Cut(strings.Replace(s, "：", ":", 1), ":"); ok {
		kinds := map[string]DesignationKind{
			"purpose": Purpose, "用途": Purpose, "project": Project, "项目": Project,
			"region": Region, "地区": Region, "institution": Institution, "机构": Institution, "受赠机构": Institution,
		}
		if dk, found := kinds[strings.ToLower(strings.TrimSpace(k))]; found {
			return Designation{Kind: dk, Target: strings.TrimSpace(t)}
		}
	}
	return Designation{Kind: Purpose, Target: s}
}

// Donation is a money donation, or the reversal of one.
type Donation struct {
	ID          int64
	CertNo      string
	Kind        string // KindDonation or KindReversal
	ReversesID  int64  // for a reversal: the donation it cancels
	ReversedBy  int64  // filled on read: the reversal that cancels this donation, if any
	CorrectsID  int64  // the reversed donation this one replaces, with the right details
	BranchID    int64
	BranchName  string // filled on read
	Donor       Donor
	AmountFen   money.Fen
	Channel     Channel
	ReceivedAt  time.Time
	Designation Designation
	Message     string
	ExternalRef string // bank serial or payment trade number; unique
	IdemKey     string // Idempotency-Key header; unique
	Fingerprint string // hash of the content, to tell a retry from a clash
	Reason      string // for a reversal: why
	Source      string
	ImportID    int64
	CreatedBy   string
	CreatedAt   time.Time
}

// Status is the donation's state as donors and staff see it.
func (d *Donation) Status() string {
	switch {
	case d.Kind == KindReversal:
		return "reversal"
	case d.ReversedBy != 0:
		return "reversed"
	}
	return "received"
}

// Limits on free text, so one bad file or request cannot bloat the database.
const (
	maxName    = 100
	maxMessage = 500
	maxRef     = 128
	maxTarget  = 100
	// MaxAmount is a sanity ceiling: ¥1 billion in one donation.
	MaxAmount = money.Fen(100_000_000_000)
)

// Validate normalises d and checks it for recording. now bounds the time
// received: a donation cannot arrive in the future.
func (d *Donation) Validate(now time.Time) error {
	d.Donor.Name = strings.TrimSpace(d.Donor.Name)
	d.Donor.Phone = normalizePhone(d.Donor.Phone)
	d.Donor.IDNumber = strings.ToUpper(strings.TrimSpace(d.Donor.IDNumber))
	d.Message = strings.TrimSpace(d.Message)
	d.ExternalRef = strings.TrimSpace(d.ExternalRef)
	d.Designation.Target = strings.TrimSpace(d.Designation.Target)
	if d.Donor.Kind == "" {
		d.Donor.Kind = Person
	}
	if d.Designation.Kind == "" {
		d.Designation.Kind = Undesignated
	}
	switch {
	case d.Donor.Kind != Person && d.Donor.Kind != Organization:
		return invalid("捐赠人类型须为个人或单位 / donor kind must be person or organization")
	case d.Donor.Name == "" && !d.Donor.Anonymous:
		return invalid("请填写捐赠人名称，或勾选匿名 / donor name is required unless anonymous")
	case utf8.RuneCountInString(d.Donor.Name) > maxName:
		return invalid("捐赠人名称过长（最多 %d 字）/ donor name too long", maxName)
	case d.Donor.Phone != "" && !validPhone(d.Donor.Phone):
		return invalid("电话号码格式不正确 / invalid phone number")
	case len(d.Donor.IDNumber) > 32:
		return invalid("证件号码过长 / ID number too long")
	case d.AmountFen <= 0:
		return invalid("金额必须大于零 / amount must be positive")
	case d.AmountFen > MaxAmount:
		return invalid("金额超过单笔上限 %s / amount above the single-donation limit", MaxAmount.Yuan())
	case !d.Channel.Valid():
		return invalid("未知的捐赠渠道 %q / unknown channel", d.Channel)
	case d.ReceivedAt.IsZero():
		return invalid("请填写到账时间 / time received is required")
	case d.ReceivedAt.After(now.Add(5 * time.Minute)):
		return invalid("到账时间不能晚于现在 / time received is in the future")
	case d.ReceivedAt.Year() < 2000:
		return invalid("到账时间不正确 / time received is too early")
	case !validDesignationKind(d.Designation.Kind):
		return invalid("未知的定向类型 %q / unknown designation kind", d.Designation.Kind)
	case d.Designation.Designated() && d.Designation.Target == "":
		return invalid("定向捐赠须写明定向对象 / a designated donation needs its target")
	case utf8.RuneCountInString(d.Designation.Target) > maxTarget:
		return invalid("定向对象过长 / designation target too long")
	case utf8.RuneCountInString(d.Message) > maxMessage:
		return invalid("附言过长（最多 %d 字）/ message too long", maxMessage)
	case len(d.ExternalRef) > maxRef || len(d.IdemKey) > maxRef:
		return invalid("外部流水号过长 / external reference too long")
	case d.BranchID <= 0:
		return invalid("请选择接收机构 / receiving branch is required")
	}
	if !d.Designation.Designated() {
		d.Designation.Target = ""
	}
	d.Fingerprint = d.fingerprint()
	return nil
}

func invalid(format string, args ...any) error { return boai.Errorf(boai.EINVALID, format, args...) }

func validDesignationKind(k DesignationKind) bool {
	for _, x := range DesignationKinds {
		if k == x {
			return true
		}
	}
	return false
}

// normalizePhone keeps digits and a leading +, so "138 0013-8000" and
// "13800138000" are the same number.
func normalizePhone(p string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(p) {
		if unicode.IsDigit(r) && r < 128 || (r == '+' && i == 0) {
			b.WriteRune(r)
		} else if r >= '０' && r <= '９' {
			b.WriteRune(r - '０' + '0')
		}
	}
	return b.String()
}

func validPhone(p string) bool {
	n := len(strings.TrimPrefix(p, "+"))
	return n >= 5 && n <= 20
}

// PhoneLast4 is what the donor lookup matches on; the full number is never
// needed there.
func (d Donor) PhoneLast4() string {
	if len(d.Phone) < 4 {
		return ""
	}
	return d.Phone[len(d.Phone)-4:]
}

// fingerprint hashes what makes two submissions the same donation, so a
// retry (same key, same content) is told from a clash (same key, other content).
func (d *Donation) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%v\x00%d\x00%s\x00%d\x00%s\x00%s\x00%s\x00%d",
		d.Donor.Kind, d.Donor.Name, d.Donor.Phone, d.Donor.Anonymous, d.AmountFen, d.Channel,
		d.ReceivedAt.UnixMicro(), d.Designation.Kind, d.Designation.Target, d.ExternalRef, d.BranchID)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// crockford is Crockford's base32 alphabet: no I, L, O or U to misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCertNo makes a certificate number: prefix, the date received in the
// society's time zone, then 8 characters: 4 that count tenths of a second
// since midnight, so numbers issued together sort together (and the
// database's index takes them in a few pages, not scattered over all), and
// 5 random ones, so a number cannot be derived from its neighbour.
// Example: HZ20261130-7KQ4M9XPA.
func NewCertNo(prefix string, received time.Time, loc *time.Location) string {
	t := received.In(loc)
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	tick := int(t.Sub(midnight) / (100 * time.Millisecond)) // < 864,000 < 32^4
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	out := make([]byte, 9)
	for i := 3; i >= 0; i-- {
		out[i] = crockford[tick%32]
		tick /= 32
	}
	for i, c := range b {
		out[4+i] = crockford[int(c)%32]
	}
	return prefix + t.Format("20060102") + "-" + string(out)
}

// NormalizeCertNo tidies what a person typed: upper case, no spaces, and
// the letters people confuse with digits mapped as Crockford does.
func NormalizeCertNo(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) > 64 {
		return ""
	}
	return s
}
