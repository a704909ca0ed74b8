// Package stock is warehouse stock of relief goods. Stock changes only
// through a document (goods received, dispatch, transfer, adjustment), and
// every document's lines show on each item's stock card. Stock never goes
// negative: the store refuses, inside the transaction, a line that would
// take more than a lot holds.
package stock

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"boai"
)

// Warehouse kinds.
const (
	ReliefCentre = "relief_centre" // 备灾救灾中心仓库
	District     = "district"      // 区县仓库
	Distribution = "distribution"  // 分发中心
)

// Warehouse is a site that holds stock.
type Warehouse struct {
	ID       int64
	Code     string
	Name     string
	Kind     string
	BranchID int64
}

// Lot is stock of one item that is kept apart from the rest: by
// warehouse, batch, expiry, designation and donor. Designated goods are a
// lot of their own, so they are never pooled into general stock.
type Lot struct {
	ID                int64
	ItemID            int64
	WarehouseID       int64
	Batch             string
	Expiry            string // YYYY-MM-DD, "" when the goods do not expire
	DesignationKind   string // "undesignated", "institution", "region"
	DesignationTarget string
	Donor             string
	SourceLine        int64 // the in-kind donation line the goods came from; 0 if none
	Quantity          int64
}

// Designated reports whether the lot may only go to its designation.
func (l *Lot) Designated() bool {
	return l.DesignationKind != "" && l.DesignationKind != "undesignated"
}

// Serves reports whether the lot may go to recipient: general stock to
// anyone; goods designated to an institution to that institution by its
// full name; goods designated to a region to a recipient of that region,
// known by the region's name in its own (淳安县 → 淳安县疫情防控指挥部).
// Goods designated to a purpose or project name no recipient and stay for
// the task force to decide with the donor.
func (l *Lot) Serves(recipient string) bool {
	switch {
	case !l.Designated():
		return true
	case l.DesignationKind == "institution":
		return l.DesignationTarget == recipient
	case l.DesignationKind == "region":
		return l.DesignationTarget != "" && strings.Contains(recipient, l.DesignationTarget)
	}
	return false
}

// Document kinds.
const (
	Receipt    = "receipt"    // 入库单: goods received
	Dispatch   = "dispatch"   // 出库单: goods leave for a recipient
	Transfer   = "transfer"   // 调拨单: from one warehouse to another
	Adjustment = "adjustment" // 调整单: damaged, expired, lost, count correction
)

// Adjustment reasons.
var AdjustReasons = []string{"damaged", "expired", "lost", "count_correction"}

// Doc is a stock document with its lines.
type Doc struct {
	ID          int64
	No          string
	Kind        string
	WarehouseID int64
	ToWarehouse int64  // transfers
	Recipient   string // dispatches: the receiving institution
	Reason      string // adjustments
	Note        string
	Lines       []Line
	CreatedBy   string
	CreatedAt   time.Time
}

// Line moves Quantity units of one lot. On a receipt the lot is described
// (and created if new); on dispatches, transfers and negative adjustments
// LotID names the lot the units leave.
type Line struct {
	Lot      Lot
	LotID    int64
	Quantity int64 // positive; an adjustment's sign is Delta's
	Delta    int64 // adjustments only: + found, − damaged/lost
}

// Validate checks a document before the store applies it.
func (d *Doc) Validate() error {
	d.Note = strings.TrimSpace(d.Note)
	d.Recipient = strings.TrimSpace(d.Recipient)
	if d.WarehouseID <= 0 {
		return invalid("请选择仓库 / warehouse is required")
	}
	if len(d.Lines) == 0 {
		return invalid("单据至少要有一行物资 / a document needs at least one line")
	}
	switch d.Kind {
	case Receipt:
	case Dispatch:
		if d.Recipient == "" {
			return invalid("出库单须写明接收单位 / a dispatch names its recipient")
		}
	case Transfer:
		if d.ToWarehouse <= 0 || d.ToWarehouse == d.WarehouseID {
			return invalid("调拨须选择另一个目标仓库 / a transfer needs another warehouse")
		}
	case Adjustment:
		ok := false
		for _, r := range AdjustReasons {
			ok = ok || r == d.Reason
		}
		if !ok {
			return invalid("调整须选择原因：损坏、过期、丢失或盘点更正 / an adjustment needs a reason")
		}
	default:
		return invalid("未知单据类型 %q / unknown document kind", d.Kind)
	}
	if utf8.RuneCountInString(d.Note) > 500 {
		return invalid("备注过长 / note too long")
	}
	for i, l := range d.Lines {
		switch {
		case d.Kind == Adjustment && l.Delta == 0:
			return invalid("第 %d 行：调整数量不能为零 / line %d: the adjustment is zero", i+1, i+1)
		case d.Kind == Adjustment && l.LotID <= 0:
			return invalid("第 %d 行：请选择批次 / line %d: choose the lot", i+1, i+1)
		case d.Kind != Adjustment && l.Quantity <= 0:
			return invalid("第 %d 行：数量必须大于零 / line %d: quantity must be positive", i+1, i+1)
		case d.Kind == Receipt && l.Lot.ItemID <= 0:
			return invalid("第 %d 行：请选择物资 / line %d: choose the item", i+1, i+1)
		case d.Kind == Receipt && l.Lot.Expiry != "" && !validDate(l.Lot.Expiry):
			return invalid("第 %d 行：有效期格式应为 YYYY-MM-DD / line %d: expiry must be YYYY-MM-DD", i+1, i+1)
		case d.Kind != Receipt && d.Kind != Adjustment && l.LotID <= 0:
			return invalid("第 %d 行：请选择出库批次 / line %d: choose the lot", i+1, i+1)
		}
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func invalid(format string, args ...any) error { return boai.Errorf(boai.EINVALID, format, args...) }

// Pick is a suggested take from one lot.
type Pick struct {
	LotID    int64
	Quantity int64
	Expiry   string
}

// SuggestPick proposes which lots to take qty units from: those expiring
// first, then those without expiry, never a designated lot unless it is
// designated to recipient. It returns what it could find, which may be
// less than qty.
func SuggestPick(lots []Lot, qty int64, recipient string) []Pick {
	var usable []Lot
	for _, l := range lots {
		if l.Quantity > 0 && (!l.Designated() || l.DesignationTarget == recipient) {
			usable = append(usable, l)
		}
	}
	sort.SliceStable(usable, func(i, j int) bool {
		a, b := usable[i], usable[j]
		if (a.Expiry == "") != (b.Expiry == "") {
			return b.Expiry == "" // dated goods first
		}
		if a.Expiry != b.Expiry {
			return a.Expiry < b.Expiry
		}
		return a.Designated() && !b.Designated() // what was given for this recipient first
	})
	var out []Pick
	for _, l := range usable {
		if qty <= 0 {
			break
		}
		n := min(qty, l.Quantity)
		out = append(out, Pick{LotID: l.ID, Quantity: n, Expiry: l.Expiry})
		qty -= n
	}
	return out
}

// Dispatch modes (分类运送).
const (
	PointToPoint = "point_to_point" // designated goods straight to the recipient
	Relay        = "relay"          // via the distribution centre on a scheduled run
	Storage      = "storage"        // into storage: no use yet
)

// Received is the recipient's count of one dispatched lot.
type Received struct {
	LotID    int64
	Received int64
	Reason   string // shortfall or damage; required when fewer arrived
}
