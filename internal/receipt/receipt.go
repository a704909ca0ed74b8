// Package receipt is the official donation receipt (公益事业捐赠票据):
// which gifts may have one, its fields and check code, the numbered
// receipt stock from the finance bureau, voiding and reissuing, the audit
// that explains every gap in the numbering, and the lock on a gift once it
// is receipted. It holds the rules only; the store keeps the stock and
// the web layer prints the PDF.
package receipt

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/donation"
	"boai/internal/inkind"
	"boai/internal/money"
)

// Statuses of a receipt.
const (
	Issued = "issued"
	Voided = "voided"
)

// Receipt is one 公益事业捐赠票据.
type Receipt struct {
	ID int64
	Serial
	Width      int    // digits the number is printed with
	CheckCode  string // 校验码; see CheckCode
	DonationID int64  // the money donation, or the in-kind donation when InKind
	InKind     bool   // a receipt for goods
	Line       int    // for goods: the line of the in-kind donation
	PayerKind  donation.DonorKind
	Payer      string // the donor's full name
	PayerUSCC  string // 统一社会信用代码, for an organisation that has one
	Item       string // 项目: what was given, for what
	Unit       string // for goods: 只, 箱 …
	Quantity   int64
	Amount     money.Fen
	Reviewer   string // 复核人
	Payee      string // 收款人: the clerk who received the gift
	Date       string // YYYY-MM-DD, the society's calendar
	Status     string
	Reissues   Serial // the voided receipt this one replaces, if any
}

// Validate checks a receipt's content before it takes a number.
func (r *Receipt) Validate() error {
	r.Payer, r.Item, r.Unit = strings.TrimSpace(r.Payer), strings.TrimSpace(r.Item), strings.TrimSpace(r.Unit)
	r.Reviewer, r.Payee = strings.TrimSpace(r.Reviewer), strings.TrimSpace(r.Payee)
	r.PayerUSCC = NormalizeUSCC(r.PayerUSCC)
	switch {
	case r.DonationID <= 0:
		return invalid("票据须对应一笔捐赠 / a receipt belongs to a donation")
	case r.Payer == "" || utf8.RuneCountInString(r.Payer) > 100:
		return invalid("请填写交款人（最多 100 字）/ the payer is required (at most 100 characters)")
	case r.PayerKind != donation.Person && r.PayerKind != donation.Organization:
		return invalid("交款人类型须为个人或单位 / the payer is a person or an organisation")
	case r.PayerUSCC != "" && r.PayerKind != donation.Organization:
		return invalid("统一社会信用代码只用于单位 / only an organisation has a unified social credit code")
	case r.Item == "" || utf8.RuneCountInString(r.Item) > 100:
		return invalid("请填写项目（最多 100 字）/ the item is required (at most 100 characters)")
	case r.Quantity <= 0:
		return invalid("数量必须大于零 / quantity must be positive")
	case r.Amount <= 0 || r.Amount > donation.MaxAmount:
		return invalid("金额必须大于零 / amount must be positive")
	case r.Reviewer == "" || r.Payee == "":
		return invalid("请填写复核人和收款人 / the reviewer and the payee clerk are required")
	case r.Reviewer == r.Payee:
		// 复核 is a second pair of eyes: the clerk does not review their own receipt.
		return invalid("复核人不能是收款人本人 / the reviewer must not be the payee clerk")
	}
	if _, err := time.Parse("2006-01-02", r.Date); err != nil {
		return invalid("开票日期格式应为 YYYY-MM-DD / the date is YYYY-MM-DD")
	}
	if r.PayerUSCC != "" {
		return CheckUSCC(r.PayerUSCC)
	}
	return nil
}

// NumberText prints the receipt's number zero-padded, as on the form.
func (r *Receipt) NumberText() string { return fmt.Sprintf("%0*d", r.Width, r.Serial.Number) }

// CheckCode derives a receipt's 校验码: HMAC-SHA256 under the society's
// secret key over the code, the number, the amount in fen and the date,
// reduced to 6 characters of Crockford base32 (30 bits). A keyed MAC, not
// a checksum, so a forged or altered paper receipt cannot carry a matching
// code without the key; only the society (or the finance platform holding
// the key) can verify it, which is where verification happens anyway.
func CheckCode(key []byte, s Serial, amount money.Fen, date string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s\x00%d\x00%d\x00%s", s.Code, s.Number, amount, date)
	v := binary.BigEndian.Uint64(m.Sum(nil))
	var out [6]byte
	for i := range out {
		out[i] = crockford[v&31]
		v >>= 5
	}
	return string(out[:])
}

// VerifyCheckCode reports whether r's check code matches its content.
func VerifyCheckCode(key []byte, r *Receipt) bool {
	return hmac.Equal([]byte(CheckCode(key, r.Serial, r.Amount, r.Date)), []byte(strings.ToUpper(r.CheckCode)))
}

// crockford is Crockford's base32 alphabet: no I, L, O or U to misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Issue is the built-in issuer's rule: a valid receipt takes the range's
// next number and its check code. Nothing is taken when the receipt is
// invalid, so a mistake costs no number.
func Issue(r Receipt, rng *Range, key []byte) (Receipt, error) {
	if err := r.Validate(); err != nil {
		return Receipt{}, err
	}
	s, err := rng.Next()
	if err != nil {
		return Receipt{}, err
	}
	r.Serial, r.Width, r.Status = s, rng.Width, Issued
	r.CheckCode = CheckCode(key, s, r.Amount, r.Date)
	return r, nil
}

// Void voids an issued receipt and returns the record that explains its
// number for ever. The receipt itself is kept, marked voided.
func (r *Receipt) Void(reason, by string, at time.Time) (Void, error) {
	if r.Status != Issued {
		return Void{}, boai.Errorf(boai.ECONFLICT, "只有有效的票据才能作废 / only a valid receipt is voided")
	}
	v, err := NewVoid(r.Serial, r.ID, reason, by, at)
	if err != nil {
		return Void{}, err
	}
	r.Status = Voided
	return v, nil
}

// Reissue prepares the receipt that replaces old, which must be voided:
// same gift, corrected content in next, and a link back to old. It is then
// issued like any other, with a new number.
func Reissue(old *Receipt, next Receipt) (Receipt, error) {
	if old.Status != Voided {
		return Receipt{}, boai.Errorf(boai.ECONFLICT, "须先作废原票据再重开 / void the old receipt before reissuing it")
	}
	if next.DonationID != old.DonationID || next.InKind != old.InKind || next.Line != old.Line {
		return Receipt{}, invalid("重开的票据须对应同一笔捐赠 / a reissue is for the same gift")
	}
	next.ID, next.Serial, next.CheckCode, next.Status = 0, Serial{}, "", ""
	next.Reissues = old.Serial
	return next, nil
}

// Issuer issues and voids receipts. The built-in one issues from the
// society's own stock (Issue, inside the store's transaction); a provincial
// finance e-receipt platform numbers and signs them itself and can be
// plugged in behind the same two methods.
type Issuer interface {
	Issue(ctx context.Context, r Receipt) (Receipt, error)
	Void(ctx context.Context, r Receipt, reason, by string) (Void, error)
}

// Standing is a gift's position on receipts. Every gift has one, so the
// register shows not only receipts but also who was not given one, and why.
type Standing string

const (
	Eligible      Standing = "eligible"      // a receipt may be issued, on request or automatically
	Anonymous     Standing = "anonymous"     // anonymous donor: recorded as such, no receipt
	Declined      Standing = "declined"      // the donor declined a receipt: recorded as such
	Unvalued      Standing = "unvalued"      // goods not yet valued: no receipt until they are
	Unappraisable Standing = "unappraisable" // goods that cannot be appraised: registered only, never a receipt
	Reversed      Standing = "reversed"      // a reversed gift or a reversal record: nothing to receipt
)

var standingWhy = map[Standing]string{
	Anonymous:     "匿名捐赠不开具票据 / no receipt for an anonymous gift",
	Declined:      "捐赠人不需要票据 / the donor declined a receipt",
	Unvalued:      "物资尚未估值，不能开具票据 / the goods are not valued yet",
	Unappraisable: "无法评估价值的物资只登记、不开具票据 / goods that cannot be appraised are registered without a receipt",
	Reversed:      "已冲销的捐赠不开具票据 / a reversed gift gets no receipt",
}

// Err is why no receipt may be issued, nil when one may.
func (s Standing) Err() error {
	if s == Eligible {
		return nil
	}
	why, ok := standingWhy[s]
	if !ok {
		why = "未知的票据状态 / unknown receipt standing"
	}
	return boai.Errorf(boai.ECONFLICT, "%s", why)
}

// MoneyStanding is a money donation's standing; declined is the donor's
// choice as recorded with the gift.
func MoneyStanding(d *donation.Donation, declined bool) Standing {
	switch {
	case d.Kind == donation.KindReversal || d.ReversedBy != 0:
		return Reversed
	case d.Donor.Anonymous:
		return Anonymous
	case declined:
		return Declined
	}
	return Eligible
}

// GoodsStanding is an in-kind line's standing: only a line with a valid
// valuation (the donor's evidence or a third-party appraisal) is receipted.
func GoodsStanding(donor donation.Donor, l *inkind.Line, declined bool) Standing {
	switch {
	case l.Valuation == inkind.Unappraisable:
		return Unappraisable
	case !l.Receiptable():
		return Unvalued
	case donor.Anonymous:
		return Anonymous
	case declined:
		return Declined
	}
	return Eligible
}

// ForMoney drafts the receipt for a money donation; the clerks and the
// date are the caller's. 项目 is the fund the gift went to.
func ForMoney(d *donation.Donation, declined bool) (Receipt, error) {
	if err := MoneyStanding(d, declined).Err(); err != nil {
		return Receipt{}, err
	}
	return Receipt{DonationID: d.ID, PayerKind: d.Donor.Kind, Payer: d.Donor.Name, PayerUSCC: orgCode(d.Donor),
		Item: "捐赠款·" + d.Designation.FundLabel(), Quantity: 1, Amount: d.AmountFen}, nil
}

// ForGoods drafts the receipt for line i of an in-kind donation: itemName
// and unit come from the catalogue. The value covers the quantity declared
// and valued, so once intake is settled the accepted quantity must be that
// quantity; goods partly refused are revalued first.
func ForGoods(d *inkind.Donation, i int, itemName, unit string, declined bool) (Receipt, error) {
	if i < 0 || i >= len(d.Lines) {
		return Receipt{}, invalid("没有这一行物资 / no such line")
	}
	l := &d.Lines[i]
	if err := GoodsStanding(d.Donor, l, declined).Err(); err != nil {
		return Receipt{}, err
	}
	if d.Status != inkind.Settled || i >= len(d.Outcomes) {
		return Receipt{}, boai.Errorf(boai.ECONFLICT, "物资验收完成后才能开具票据 / goods are receipted once intake is settled")
	}
	if got := d.Outcomes[i].Accepted; got != l.Declared {
		return Receipt{}, boai.Errorf(boai.ECONFLICT, "估值按 %d 计，实收 %d，请按实收数量重新估值 / the value covers %d but %d were accepted: revalue the line",
			l.Declared, got, l.Declared, got)
	}
	value, _ := l.Value()
	return Receipt{DonationID: d.ID, InKind: true, Line: i, PayerKind: d.Donor.Kind, Payer: d.Donor.Name,
		PayerUSCC: orgCode(d.Donor), Item: strings.TrimSpace(itemName + " " + l.Spec), Unit: unit,
		Quantity: l.Declared, Amount: value}, nil
}

// orgCode is the organisation's credit code from the donor record; a
// person's ID number never goes on a receipt.
func orgCode(d donation.Donor) string {
	if d.Kind != donation.Organization {
		return ""
	}
	return d.IDNumber
}

// CheckLocked refuses to change a receipted money donation's amount,
// donor or type (what the receipt states), naming what changed.
func CheckLocked(before, after *donation.Donation) error {
	var changed []field
	add := func(differs bool, zh, en string) {
		if differs {
			changed = append(changed, field{zh, en})
		}
	}
	add(before.AmountFen != after.AmountFen, "金额", "amount")
	add(before.Donor.Kind != after.Donor.Kind, "捐赠人类型", "donor kind")
	add(before.Donor.Name != after.Donor.Name, "捐赠人", "donor")
	add(before.Donor.IDNumber != after.Donor.IDNumber, "证件号码", "donor's ID")
	add(before.Donor.Anonymous != after.Donor.Anonymous, "匿名", "anonymity")
	add(before.Kind != after.Kind, "类型", "type")
	add(before.Designation != after.Designation, "项目（定向）", "item (designation)")
	return locked(changed)
}

// CheckLockedGoods is CheckLocked for a receipted in-kind line: the donor,
// the goods (item, spec, quantity) and their value.
func CheckLockedGoods(before, after *inkind.Donation, line int) error {
	if line < 0 || line >= len(before.Lines) || line >= len(after.Lines) {
		return locked([]field{{"物资行", "line"}})
	}
	b, a := &before.Lines[line], &after.Lines[line]
	bv, _ := b.Value()
	av, _ := a.Value()
	var changed []field
	add := func(differs bool, zh, en string) {
		if differs {
			changed = append(changed, field{zh, en})
		}
	}
	add(bv != av, "金额", "amount")
	add(before.Donor.Kind != after.Donor.Kind, "捐赠人类型", "donor kind")
	add(before.Donor.Name != after.Donor.Name, "捐赠人", "donor")
	add(before.Donor.IDNumber != after.Donor.IDNumber, "证件号码", "donor's ID")
	add(before.Donor.Anonymous != after.Donor.Anonymous, "匿名", "anonymity")
	add(b.ItemID != a.ItemID || b.Spec != a.Spec, "物资", "goods")
	add(b.Declared != a.Declared, "数量", "quantity")
	add(before.Designation != after.Designation, "项目（定向）", "item (designation)")
	return locked(changed)
}

type field struct{ zh, en string }

func locked(changed []field) error {
	if len(changed) == 0 {
		return nil
	}
	zh, en := make([]string, len(changed)), make([]string, len(changed))
	for i, f := range changed {
		zh[i], en[i] = f.zh, f.en
	}
	return boai.Errorf(boai.ECONFLICT, "已开具捐赠票据，不能更改%s；须先作废票据 / receipted: the %s cannot change until the receipt is voided",
		strings.Join(zh, "、"), strings.Join(en, ", "))
}
