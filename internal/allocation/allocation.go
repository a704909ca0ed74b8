// Package allocation proposes how the donation task force (捐赠专班) could
// share out goods in stock and goods expected to arrive among the open lines
// of the requesting units' allocation lists (捐赠款物调拨清单). It only
// proposes: people approve, and the stock documents move the goods.
//
// The rules, in the order they apply, for each item on its own:
//
//  1. Items match by exact item id. N95 and KN95 are two items and are never
//     given for one another.
//  2. Designated goods first. A lot designated to a recipient goes only to
//     that recipient's lines, never to anyone else, even when the recipient
//     asked for less; what it did not ask for stays unallocated, with a
//     reason, kept for it. A recipient's own designated goods, both in stock
//     and expected, are used before it is given any general goods.
//  3. General (undesignated) goods then go class by class: all of class 1,
//     then class 2, and so on (see Rank).
//  4. Within a class, goods in stock are shared first and expected goods only
//     once the stock is gone, so no expected unit is proposed while a general
//     unit in stock is left.
//  5. When a supply kind cannot cover a class, it is shared in proportion to
//     each line's open quantity by the largest-remainder (Hamilton) method:
//     whole units, totals exact, never more than a line asked. Ties in the
//     remainder go to the earlier request (SubmittedAt), then the lower LineID.
//  6. Lots are taken expiry-first (goods without an expiry last, then by
//     LotID); lines take them in the order of rule 5's tie-break.
//  7. What a line did not get stays open and is reported with the reason.
//
// The same rules apply inside rule 2 when a recipient has several lines for
// an item: class order, stock before expected, pro rata, expiry-first.
//
// The proposal depends only on the inputs' content, never their order.
// Designations to a region or purpose rather than to one recipient, expired
// goods and reserved stock are for the caller to leave out or resolve
// before calling Propose.
package allocation

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"boai"
)

// Supply is one lot of one item that may be allocated: goods in stock and
// not reserved, or a pre-arrival (预到物资) due by the list's date.
type Supply struct {
	LotID        int64
	ItemID       int64
	WarehouseID  int64
	Quantity     int64  // units free to allocate; 0 is skipped
	Expected     bool   // not yet in stock: expected by the list's date
	Expiry       string // YYYY-MM-DD, "" when the goods do not expire
	DesignatedTo int64  // the recipient the donor named; 0 = undesignated
}

// Request is one open line of a requesting unit's allocation list.
type Request struct {
	LineID      int64
	RequestID   int64
	RecipientID int64
	Class       int // priority class, 1 = highest; see Rank
	ItemID      int64
	Quantity    int64 // units still open; 0 is skipped
	SubmittedAt time.Time
}

// Allocation proposes Quantity units from one lot for one line.
type Allocation struct {
	LineID       int64
	LotID        int64
	Quantity     int64
	Designated   bool // from a lot designated to the line's recipient
	FromExpected bool // from expected goods, not stock in hand
	Reason       string
}

// Unmet is the part of a line the proposal could not cover; it stays open.
type Unmet struct {
	LineID    int64
	Remaining int64
	Reason    string
}

// Leftover is what is left of a lot after the proposal: Supply.Quantity is
// the units left, not the lot's original quantity.
type Leftover struct {
	Supply
	Reason string
}

// Proposal is the proposed allocation of one list.
type Proposal struct {
	Allocations []Allocation // by LineID, then in the order taken
	Unmet       []Unmet      // by LineID
	Leftover    []Leftover   // by LotID
}

// Rank returns the priority class of a requester category given order, the
// configured categories from highest priority down (for example 定点救治医院,
// 其他医院, 社区卡口): 1 for the first, and len(order)+1 for a category not
// on the list, so unlisted requesters come last.
func Rank(order []string, category string) int {
	if i := slices.Index(order, category); i >= 0 {
		return i + 1
	}
	return len(order) + 1
}

// Propose proposes how to allocate supply to requests; see the package
// comment for the rules. Invalid input is refused as a whole with an
// EINVALID error rather than partly ignored: a negative quantity, an id
// that is zero, negative or repeated, a class below 1, a malformed expiry,
// or totals too large for int64. Lines and lots with quantity 0 take no
// part and are not reported.
func Propose(supply []Supply, requests []Request) (Proposal, error) {
	if err := validate(supply, requests); err != nil {
		return Proposal{}, err
	}
	lots := make([]*lot, 0, len(supply))
	for _, s := range supply {
		if s.Quantity > 0 {
			lots = append(lots, &lot{Supply: s, rem: s.Quantity})
		}
	}
	lines := make([]*line, 0, len(requests))
	for _, r := range requests {
		if r.Quantity > 0 {
			lines = append(lines, &line{Request: r, rem: r.Quantity})
		}
	}
	slices.SortFunc(lots, func(a, b *lot) int {
		if c := cmp.Compare(a.ItemID, b.ItemID); c != 0 {
			return c
		}
		return compareLots(a, b)
	})
	slices.SortFunc(lines, func(a, b *line) int {
		if c := cmp.Compare(a.ItemID, b.ItemID); c != 0 {
			return c
		}
		return compareLines(a, b)
	})

	var p proposer
	for i, j := 0, 0; i < len(lots) || j < len(lines); {
		item := nextItem(lots, lines, i, j)
		i2, j2 := i, j
		for i2 < len(lots) && lots[i2].ItemID == item {
			i2++
		}
		for j2 < len(lines) && lines[j2].ItemID == item {
			j2++
		}
		p.item(lots[i:i2], lines[j:j2])
		i, j = i2, j2
	}
	slices.SortStableFunc(p.out.Allocations, func(a, b Allocation) int { return cmp.Compare(a.LineID, b.LineID) })
	slices.SortFunc(p.out.Unmet, func(a, b Unmet) int { return cmp.Compare(a.LineID, b.LineID) })
	slices.SortFunc(p.out.Leftover, func(a, b Leftover) int { return cmp.Compare(a.LotID, b.LotID) })
	return p.out, nil
}

type lot struct {
	Supply
	rem int64
}

type line struct {
	Request
	rem int64
	got int64
	// general units of the item left when the line's class came up in the
	// general round; -1 until then.
	poolAtClass int64
}

// compareLots orders one item's lots: general before designated, grouped
// by recipient; within a group stock before expected, then expiry-first
// (no expiry last), then LotID.
func compareLots(a, b *lot) int {
	if c := cmp.Compare(a.DesignatedTo, b.DesignatedTo); c != 0 {
		return c
	}
	if a.Expected != b.Expected {
		if a.Expected {
			return 1
		}
		return -1
	}
	if (a.Expiry == "") != (b.Expiry == "") {
		if a.Expiry == "" {
			return 1
		}
		return -1
	}
	if c := strings.Compare(a.Expiry, b.Expiry); c != 0 {
		return c
	}
	return cmp.Compare(a.LotID, b.LotID)
}

// compareLines orders one item's lines: by class, then earlier request,
// then lower LineID. The order is also the tie-break of the pro-rata share.
func compareLines(a, b *line) int {
	if c := cmp.Compare(a.Class, b.Class); c != 0 {
		return c
	}
	if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.LineID, b.LineID)
}

func nextItem(lots []*lot, lines []*line, i, j int) int64 {
	switch {
	case i == len(lots):
		return lines[j].ItemID
	case j == len(lines):
		return lots[i].ItemID
	}
	return min(lots[i].ItemID, lines[j].ItemID)
}

type proposer struct {
	out Proposal
}

// item allocates one item: lots and lines are that item's, sorted by
// compareLots and compareLines.
func (p *proposer) item(lots []*lot, lines []*line) {
	for _, l := range lines {
		l.poolAtClass = -1
	}
	byRecipient := map[int64][]*line{}
	for _, l := range lines {
		byRecipient[l.RecipientID] = append(byRecipient[l.RecipientID], l)
	}

	// General lots sort first; then designated goods, recipient by recipient.
	general := 0
	for general < len(lots) && lots[general].DesignatedTo == 0 {
		general++
	}
	for i := general; i < len(lots); {
		j := i
		for j < len(lots) && lots[j].DesignatedTo == lots[i].DesignatedTo {
			j++
		}
		p.share(byRecipient[lots[i].DesignatedTo], lots[i:j], true)
		i = j
	}
	generalTotal := int64(0)
	for _, lt := range lots[:general] {
		generalTotal += lt.rem
	}
	p.share(lines, lots[:general], false)

	designatedTo := map[int64]bool{}
	for _, lt := range lots[general:] {
		designatedTo[lt.DesignatedTo] = true
	}
	for _, l := range lines {
		if l.rem == 0 {
			continue
		}
		own := designatedTo[l.RecipientID]
		other := len(designatedTo) > 1 || len(designatedTo) == 1 && !own
		p.out.Unmet = append(p.out.Unmet, Unmet{LineID: l.LineID, Remaining: l.rem,
			Reason: unmetReason(l, generalTotal, own, other)})
	}
	for _, lt := range lots {
		if lt.rem == 0 {
			continue
		}
		left := lt.Supply
		left.Quantity = lt.rem
		p.out.Leftover = append(p.out.Leftover, Leftover{Supply: left,
			Reason: leftoverReason(lt, len(lines) > 0, len(byRecipient[lt.DesignatedTo]) > 0)})
	}
}

// queue hands out one supply kind's lots in order.
type queue struct {
	lots  []*lot
	next  int
	total int64
}

// share allocates lots (one group: general, or designated to one
// recipient) to lines, class by class, stock before expected.
func (p *proposer) share(lines []*line, lots []*lot, designated bool) {
	k := 0
	for k < len(lots) && !lots[k].Expected {
		k++
	}
	kinds := [2]*queue{{lots: lots[:k]}, {lots: lots[k:]}}
	for _, q := range kinds {
		for _, lt := range q.lots {
			q.total += lt.rem
		}
	}
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].Class == lines[i].Class {
			j++
		}
		class := lines[i:j]
		if !designated {
			for _, l := range class {
				l.poolAtClass = kinds[0].total + kinds[1].total
			}
		}
		for kind, q := range kinds {
			p.shareKind(class, q, designated, kind == 1)
		}
		i = j
	}
}

// shareKind shares what q holds among the lines of one class.
func (p *proposer) shareKind(class []*line, q *queue, designated, expected bool) {
	if q.total == 0 {
		return
	}
	var need []*line
	var want int64
	for _, l := range class {
		if l.rem > 0 {
			need = append(need, l)
			want += l.rem
		}
	}
	if len(need) == 0 {
		return
	}
	shares := make([]int64, len(need))
	full := q.total >= want
	if full {
		for i, l := range need {
			shares[i] = l.rem
		}
	} else {
		weights := make([]int64, len(need))
		for i, l := range need {
			weights[i] = l.rem
		}
		shares = hamilton(q.total, weights)
	}
	reason := allocReason(class[0].Class, designated, expected, full, q.total, want)
	for i, l := range need {
		p.take(q, l, shares[i], designated, expected, reason)
	}
}

// take gives line n units from q, expiry-first.
func (p *proposer) take(q *queue, l *line, n int64, designated, expected bool, reason string) {
	for n > 0 {
		lt := q.lots[q.next]
		if lt.rem == 0 {
			q.next++
			continue
		}
		k := min(n, lt.rem)
		lt.rem -= k
		l.rem -= k
		l.got += k
		q.total -= k
		n -= k
		p.out.Allocations = append(p.out.Allocations, Allocation{LineID: l.LineID, LotID: lt.LotID,
			Quantity: k, Designated: designated, FromExpected: expected, Reason: reason})
	}
}

// hamilton shares pool among weights in proportion by the largest-remainder
// method. It needs 0 < pool < sum(weights) and every weight > 0; each share
// is then at most its weight and the shares add up to pool. Equal
// remainders go to the lower index.
func hamilton(pool int64, weights []int64) []int64 {
	var total int64
	for _, w := range weights {
		total += w
	}
	shares := make([]int64, len(weights))
	rems := make([]uint64, len(weights))
	given := int64(0)
	for i, w := range weights {
		q, r := mulDiv(pool, w, total)
		shares[i], rems[i] = q, r
		given += q
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if rems[a] != rems[b] {
			if rems[a] > rems[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
	for _, i := range order[:pool-given] {
		shares[i]++
	}
	return shares
}

// mulDiv returns a*b/c and its remainder without overflow; a, b ≥ 0, c > 0
// and the quotient must fit in int64 (it does whenever a ≤ c).
func mulDiv(a, b, c int64) (int64, uint64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), r
}

// bilingual joins a Chinese reason and its English gloss.
func bilingual(zh, en string) string { return zh + " / " + en }

func allocReason(class int, designated, expected, full bool, pool, want int64) string {
	var zh, en string
	if designated {
		zh, en = "定向给本单位的捐赠", "designated to this recipient"
	} else {
		zh, en = fmt.Sprintf("第%d优先级", class), fmt.Sprintf("class %d", class)
	}
	if full {
		zh += "，申请已满足"
		en += ", fully met"
	} else {
		pct := "<1%"
		if n, _ := mulDiv(pool, 100, want); n > 0 {
			pct = fmt.Sprintf("%d%%", n)
		}
		if designated {
			zh += fmt.Sprintf("，数量不足，按申请量比例分配（满足 %s）", pct)
			en += fmt.Sprintf(", not enough, pro rata (%s met)", pct)
		} else {
			zh += fmt.Sprintf("，数量不足，按申请量比例分配（本级满足 %s）", pct)
			en += fmt.Sprintf(", not enough, pro rata (%s of the class met)", pct)
		}
	}
	if expected {
		zh += "，预到物资"
		en += ", from expected supply"
	}
	return bilingual(zh, en)
}

func unmetReason(l *line, generalTotal int64, ownDesignated, otherDesignated bool) string {
	var zh, en string
	switch {
	case generalTotal == 0 && ownDesignated:
		zh, en = "定向给本单位的物资已用完，无通用库存", "goods designated to this recipient used up, no general stock"
	case generalTotal == 0 && otherDesignated:
		zh, en = "仅有定向给其他单位的物资，不得调用", "only goods designated to other recipients, which may not be used"
	case generalTotal == 0:
		zh, en = "无此物资的库存或预到（不以其他物资替代）", "no stock or expected supply of this item (no substitutes)"
	case l.poolAtClass == 0:
		zh, en = "库存已分配给更高优先级", "stock went to higher priority classes"
	default:
		zh, en = "库存不足，按比例分配后仍缺", "not enough stock, still short after the pro-rata share"
	}
	if l.got > 0 {
		zh = "部分满足，剩余待后续调拨：" + zh
		en = "partly met, the rest stays open: " + en
	}
	return bilingual(zh, en)
}

func leftoverReason(lt *lot, anyRequest, recipientAsked bool) string {
	switch {
	case lt.DesignatedTo != 0 && !recipientAsked:
		return bilingual(fmt.Sprintf("定向给单位 %d 的捐赠，该单位未申请此物资，留待定向使用", lt.DesignatedTo),
			fmt.Sprintf("designated to recipient %d, which has no open request for this item; kept for it", lt.DesignatedTo))
	case lt.DesignatedTo != 0:
		return bilingual(fmt.Sprintf("定向给单位 %d 的捐赠，超出该单位申请量，留待定向使用", lt.DesignatedTo),
			fmt.Sprintf("designated to recipient %d, more than it asked for; kept for it", lt.DesignatedTo))
	case !anyRequest:
		return bilingual("无此物资的申请", "no open request for this item")
	}
	return bilingual("此物资的申请均已满足", "every request for this item is met")
}

func validate(supply []Supply, requests []Request) error {
	var total int64
	lotIDs := make(map[int64]bool, len(supply))
	for i, s := range supply {
		n := i + 1
		switch {
		case s.LotID <= 0:
			return invalid("第 %d 个批次：缺少批次编号 / lot %d: LotID must be positive", n, n)
		case lotIDs[s.LotID]:
			return invalid("批次 %d 重复 / lot %d appears twice", s.LotID, s.LotID)
		case s.ItemID <= 0:
			return invalid("批次 %d：缺少物资 / lot %d: ItemID must be positive", s.LotID, s.LotID)
		case s.Quantity < 0:
			return invalid("批次 %d：数量不能为负 / lot %d: negative quantity", s.LotID, s.LotID)
		case s.DesignatedTo < 0:
			return invalid("批次 %d：定向单位无效 / lot %d: negative DesignatedTo", s.LotID, s.LotID)
		case s.Expiry != "" && !validDate(s.Expiry):
			return invalid("批次 %d：有效期格式应为 YYYY-MM-DD / lot %d: expiry must be YYYY-MM-DD", s.LotID, s.LotID)
		case total > maxInt64-s.Quantity:
			return invalid("物资数量合计过大 / supply quantities too large")
		}
		lotIDs[s.LotID] = true
		total += s.Quantity
	}
	total = 0
	lineIDs := make(map[int64]bool, len(requests))
	for i, r := range requests {
		n := i + 1
		switch {
		case r.LineID <= 0:
			return invalid("第 %d 行申请：缺少行号 / request %d: LineID must be positive", n, n)
		case lineIDs[r.LineID]:
			return invalid("申请行 %d 重复 / line %d appears twice", r.LineID, r.LineID)
		case r.RecipientID <= 0:
			return invalid("申请行 %d：缺少申请单位 / line %d: RecipientID must be positive", r.LineID, r.LineID)
		case r.ItemID <= 0:
			return invalid("申请行 %d：缺少物资 / line %d: ItemID must be positive", r.LineID, r.LineID)
		case r.Class < 1:
			return invalid("申请行 %d：优先级应从 1 起 / line %d: Class must be 1 or more", r.LineID, r.LineID)
		case r.Quantity < 0:
			return invalid("申请行 %d：数量不能为负 / line %d: negative quantity", r.LineID, r.LineID)
		case total > maxInt64-r.Quantity:
			return invalid("申请数量合计过大 / requested quantities too large")
		}
		lineIDs[r.LineID] = true
		total += r.Quantity
	}
	return nil
}

const maxInt64 = 1<<63 - 1

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func invalid(format string, args ...any) error { return boai.Errorf(boai.EINVALID, format, args...) }
