// Package disclosure is the daily public disclosure (每日公示): what a day's
// list shows, with donors masked by construction; the maker–checker steps
// before it is published; correction notices (更正说明), since a published
// disclosure is never edited; the CSV, JSON, Atom and sheet renderings; and
// a privacy guard that finds phone, ID and card numbers or donors' full
// names in public text.
package disclosure

import (
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
	"boai/internal/donation"
	"boai/internal/goods"
	"boai/internal/ledger"
	"boai/internal/money"
)

// DateLayout is how a disclosure's date is written: 2020-02-01, in the
// society's time zone.
const DateLayout = "2006-01-02"

// Day is the disclosure of one day. It holds only what may be public: it
// is built by NewDay, which masks every donor, and has no field for a
// phone, an ID number or a private donor's full name.
type Day struct {
	Date         string // YYYY-MM-DD in the society's zone
	Money        []MoneyLine
	Goods        []GoodsLine
	Allocations  []AllocationLine
	Expenditures []ExpenditureLine
	Totals       Totals
	Checkpoint   *Checkpoint // the public log at the day's close; nil until the log has one
}

// MoneyLine is one money donation received. A reversal shows as a negative
// amount on its own line.
type MoneyLine struct {
	No          int    // 1-based within the section; corrections cite it
	Date        string // date received
	Donor       string // 张*明, an organisation's full name, or 爱心人士
	Amount      money.Fen
	Designation string // the fund label: 非定向 or 定向·<kind>·<target>
}

// GoodsLine is one in-kind gift received.
type GoodsLine struct {
	No          int
	Date        string
	Donor       string
	Item        string // the item's name, e.g. KN95 口罩
	Spec        string // its specification, e.g. GB 2626-2006
	Quantity    string // as the warehouse counts: 4 箱 (80 只)
	Qty         int64  // in units
	Unit        string
	Designation string
}

// AllocationLine is goods allocated and dispatched to a recipient institution.
type AllocationLine struct {
	No        int
	Date      string
	Recipient string
	Item      string
	Spec      string
	Quantity  string
	Qty       int64
	Unit      string
}

// ExpenditureLine is one payment.
type ExpenditureLine struct {
	No          int
	Date        string
	Payee       string // an organisation
	Purpose     string
	Amount      money.Fen
	Designation string // the fund paid from
}

// Totals are the day's sums and the running totals to the day's end.
type Totals struct {
	DayReceived money.Fen   // sum of the day's money lines
	DaySpent    money.Fen   // sum of the day's expenditure lines
	Cumulative  ledger.Rate // received and spent to the end of the day; its String is the utilisation rate
}

// Checkpoint is the public log's state printed on the disclosure.
type Checkpoint struct {
	Size uint64 // tree size
	Root string // root hash, lower-case hex
}

// Input is what NewDay needs, as the store reads it: full donor details
// included. NewDay decides what of it becomes public.
type Input struct {
	Date         string         // YYYY-MM-DD
	Loc          *time.Location // the society's zone; line dates are written in it
	Money        []MoneyIn
	Goods        []GoodsIn
	Allocations  []AllocationIn
	Expenditures []ExpenditureIn
	Cumulative   ledger.Rate // from the ledger, to the end of Date
	Checkpoint   *CheckpointIn
}

// MoneyIn is a money donation as recorded.
type MoneyIn struct {
	ReceivedAt  time.Time
	Donor       donation.Donor
	Amount      money.Fen // negative for a reversal
	Designation donation.Designation
}

// GoodsIn is an in-kind gift as recorded.
type GoodsIn struct {
	ReceivedAt  time.Time
	Donor       donation.Donor
	Item        goods.Item
	Qty         int64 // in units
	Designation donation.Designation
}

// AllocationIn is an allocation as dispatched.
type AllocationIn struct {
	At        time.Time
	Recipient string // the recipient institution
	Item      goods.Item
	Qty       int64
}

// ExpenditureIn is a payment as recorded.
type ExpenditureIn struct {
	PaidAt      time.Time
	Payee       string
	Purpose     string
	Amount      money.Fen
	Designation donation.Designation
}

// CheckpointIn is the log checkpoint at the day's close.
type CheckpointIn struct {
	Size uint64
	Root []byte // 32 bytes, SHA-256
}

// NewDay builds the day's disclosure from in. It masks every donor
// (donation.Donor.PublicName), keeps lines in the order given, numbers
// them, sums the day, and refuses text that would put personal data on the
// list: a phone, ID or card number anywhere, or a private donor's full name
// in a designation, an item or a purpose. Organisations' names (donors,
// recipients, payees) are public by rule and are checked for numbers only.
func NewDay(in Input) (*Day, error) {
	if in.Loc == nil {
		return nil, boai.Errorf(boai.EINVALID, "缺少时区 / time zone is required")
	}
	if _, err := time.ParseInLocation(DateLayout, in.Date, in.Loc); err != nil {
		return nil, boai.Errorf(boai.EINVALID, "日期须为 YYYY-MM-DD：%q / date must be YYYY-MM-DD", in.Date)
	}
	c := newChecker(in)
	d := &Day{
		Date:         in.Date,
		Money:        make([]MoneyLine, len(in.Money)),
		Goods:        make([]GoodsLine, len(in.Goods)),
		Allocations:  make([]AllocationLine, len(in.Allocations)),
		Expenditures: make([]ExpenditureLine, len(in.Expenditures)),
	}
	dates := dateCache{loc: in.Loc}
	for i, m := range in.Money {
		no := i + 1
		if m.Amount == 0 {
			return nil, lineErr(SectionMoney, no, "金额不能为零 / amount must not be zero")
		}
		if m.ReceivedAt.IsZero() {
			return nil, lineErr(SectionMoney, no, "缺少到账时间 / time received is missing")
		}
		l := MoneyLine{No: no, Date: dates.of(m.ReceivedAt), Donor: m.Donor.PublicName(), Amount: m.Amount, Designation: m.Designation.FundLabel()}
		if err := c.party(SectionMoney, no, "捐赠人 / donor", l.Donor); err != nil {
			return nil, err
		}
		if err := c.text(SectionMoney, no, "定向 / designation", l.Designation); err != nil {
			return nil, err
		}
		d.Money[i] = l
		d.Totals.DayReceived += m.Amount
	}
	for i, g := range in.Goods {
		no := i + 1
		if g.Qty == 0 || g.ReceivedAt.IsZero() || strings.TrimSpace(g.Item.Name) == "" {
			return nil, lineErr(SectionGoods, no, "须有物资、数量和接收时间 / item, quantity and time received are required")
		}
		l := GoodsLine{No: no, Date: dates.of(g.ReceivedAt), Donor: g.Donor.PublicName(), Item: g.Item.Name, Spec: g.Item.Spec,
			Quantity: g.Item.Quantity(g.Qty), Qty: g.Qty, Unit: g.Item.Unit, Designation: g.Designation.FundLabel()}
		if err := c.party(SectionGoods, no, "捐赠人 / donor", l.Donor); err != nil {
			return nil, err
		}
		if err := c.texts(SectionGoods, no, l.Item, l.Spec, l.Unit, l.Designation); err != nil {
			return nil, err
		}
		d.Goods[i] = l
	}
	for i, a := range in.Allocations {
		no := i + 1
		if a.Qty == 0 || a.At.IsZero() || strings.TrimSpace(a.Item.Name) == "" || strings.TrimSpace(a.Recipient) == "" {
			return nil, lineErr(SectionAllocations, no, "须有受赠机构、物资、数量和时间 / recipient, item, quantity and time are required")
		}
		l := AllocationLine{No: no, Date: dates.of(a.At), Recipient: strings.TrimSpace(a.Recipient), Item: a.Item.Name, Spec: a.Item.Spec,
			Quantity: a.Item.Quantity(a.Qty), Qty: a.Qty, Unit: a.Item.Unit}
		if err := c.party(SectionAllocations, no, "受赠机构 / recipient", l.Recipient); err != nil {
			return nil, err
		}
		if err := c.texts(SectionAllocations, no, l.Item, l.Spec, l.Unit); err != nil {
			return nil, err
		}
		d.Allocations[i] = l
	}
	for i, e := range in.Expenditures {
		no := i + 1
		if e.Amount == 0 || e.PaidAt.IsZero() || strings.TrimSpace(e.Payee) == "" || strings.TrimSpace(e.Purpose) == "" {
			return nil, lineErr(SectionExpenditures, no, "须有收款单位、用途、金额和支付时间 / payee, purpose, amount and time paid are required")
		}
		l := ExpenditureLine{No: no, Date: dates.of(e.PaidAt), Payee: strings.TrimSpace(e.Payee), Purpose: strings.TrimSpace(e.Purpose),
			Amount: e.Amount, Designation: e.Designation.FundLabel()}
		if err := c.party(SectionExpenditures, no, "收款单位 / payee", l.Payee); err != nil {
			return nil, err
		}
		if err := c.texts(SectionExpenditures, no, l.Purpose, l.Designation); err != nil {
			return nil, err
		}
		d.Expenditures[i] = l
		d.Totals.DaySpent += e.Amount
	}
	d.Totals.Cumulative = in.Cumulative
	if cp := in.Checkpoint; cp != nil {
		if len(cp.Root) != 32 || cp.Size == 0 {
			return nil, boai.Errorf(boai.EINVALID, "日志检查点须有树大小和 32 字节根哈希 / checkpoint needs a tree size and a 32-byte root hash")
		}
		d.Checkpoint = &Checkpoint{Size: cp.Size, Root: hex.EncodeToString(cp.Root)}
	}
	return d, nil
}

// dateCache formats times as dates, reusing the last answer: a day's
// lines mostly fall on the same date, and Format is the slow part.
type dateCache struct {
	loc      *time.Location
	from, to time.Time
	date     string
}

func (c *dateCache) of(t time.Time) string {
	if c.date != "" && !t.Before(c.from) && t.Before(c.to) {
		return c.date
	}
	l := t.In(c.loc)
	c.from = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, c.loc)
	c.to = c.from.AddDate(0, 0, 1)
	c.date = l.Format(DateLayout)
	return c.date
}

func lineErr(s Section, no int, msg string) error {
	return boai.Errorf(boai.EINVALID, "%s第 %d 行：%s", s.Label(), no, msg)
}

// checker applies the privacy rules to a day's text, remembering each
// distinct string so 100,000 lines with the same designation cost one scan.
type checker struct {
	guard *Guard
	seen  map[string]Kind // "" when clean
}

func newChecker(in Input) *checker {
	var names []string
	add := func(d donation.Donor) {
		if d.Kind != donation.Organization || d.Anonymous {
			names = append(names, d.Name)
		}
	}
	for _, m := range in.Money {
		add(m.Donor)
	}
	for _, g := range in.Goods {
		add(g.Donor)
	}
	return &checker{guard: NewGuard(names), seen: make(map[string]Kind)}
}

// party checks an organisation's name or a masked donor for numbers.
func (c *checker) party(s Section, no int, field, v string) error {
	return c.check(s, no, field, v, (*Guard)(nil))
}

// texts checks free text for numbers and private donors' names.
func (c *checker) texts(s Section, no int, vs ...string) error {
	for _, v := range vs {
		if err := c.text(s, no, "", v); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) text(s Section, no int, field, v string) error {
	return c.check(s, no, field, v, c.guard)
}

// badText marks a string that is not valid UTF-8.
const badText Kind = "bad_text"

func (c *checker) check(s Section, no int, field, v string, g *Guard) error {
	key := v
	if g != nil {
		key = "\x00" + v // names are checked too: a separate verdict
	}
	k, ok := c.seen[key]
	if !ok {
		if f := g.Scan(v); len(f) > 0 {
			k = f[0].Kind
		}
		if !utf8.ValidString(v) {
			k = badText
		}
		c.seen[key] = k
	}
	switch {
	case k == badText:
		return lineErr(s, no, "文字编码无效 / text is not valid UTF-8")
	case k != "":
		if field == "" {
			field = "文字 / text"
		}
		return lineErr(s, no, field+"疑似含有"+k.Label()+"，不能公示 / would publish what looks like personal data")
	}
	return nil
}
