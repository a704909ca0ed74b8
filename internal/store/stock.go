package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/goods"
	"boai/internal/inkind"
	"boai/internal/ledger"
	"boai/internal/money"
	"boai/internal/stock"
)

var docPrefix = map[string]string{stock.Receipt: "RK", stock.Dispatch: "CK", stock.Transfer: "DB", stock.Adjustment: "TZ"}

// RecordDoc applies a stock document: all its lines or none. A line that
// would take more than its lot holds, or send designated goods anywhere
// but their designation, refuses the whole document.
func (db *DB) RecordDoc(ctx context.Context, a audit.Actor, d *stock.Doc) error {
	if err := d.Validate(); err != nil {
		return err
	}
	d.CreatedBy, d.CreatedAt = a.Username, db.Now()
	lines := append([]stock.Line(nil), d.Lines...)
	return db.Write(ctx, func(tx *Tx) error {
		d.Lines = append(d.Lines[:0], lines...)
		// What approved allocations hold stays for them: a transfer or a
		// write-off takes only free stock.
		held := &stock.Doc{}
		for _, l := range d.Lines {
			switch {
			case d.Kind == stock.Transfer || d.Kind == stock.Dispatch:
				held.Lines = append(held.Lines, stock.Line{LotID: l.LotID, Quantity: l.Quantity})
			case d.Kind == stock.Adjustment && l.Delta < 0:
				held.Lines = append(held.Lines, stock.Line{LotID: l.LotID, Quantity: -l.Delta})
			}
		}
		if err := tx.checkUnreserved(ctx, held); err != nil {
			return err
		}
		return tx.recordDoc(ctx, a, d)
	})
}

// recordDoc applies a validated document inside tx.
func (t *Tx) recordDoc(ctx context.Context, a audit.Actor, d *stock.Doc) error {
	id, err := t.insert(ctx, `INSERT INTO stock_docs (no, kind, warehouse_id, to_warehouse_id, recipient, reason, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, auth.NewSecret("tmp-"), d.Kind, d.WarehouseID,
		nullID(d.ToWarehouse), d.Recipient, d.Reason, d.Note, d.CreatedBy, micros(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert stock document: %w", err)
	}
	d.ID = id
	if err := t.lockStock(ctx, d); err != nil {
		return err
	}
	d.No = fmt.Sprintf("%s%s-%06d", docPrefix[d.Kind], d.CreatedAt.In(CertLocation).Format("20060102"), id)
	if _, err := t.exec(ctx, "UPDATE stock_docs SET no = ? WHERE id = ?", d.No, id); err != nil {
		return err
	}
	leaving, err := t.goodsLeaving(ctx, d)
	if err != nil {
		return err
	}
	for i := range d.Lines {
		if err := t.applyLine(ctx, d, &d.Lines[i], i+1); err != nil {
			return err
		}
	}
	if err := t.postGoodsOut(ctx, a, d, leaving); err != nil {
		return err
	}
	return t.audit(ctx, a, "stock."+d.Kind, "stock_doc", id, nil, d)
}

// goodsLeaving is how many units of each donation line a dispatch or an
// adjustment takes out of stock (negative: a count correction puts back),
// read before the document moves them.
func (t *Tx) goodsLeaving(ctx context.Context, d *stock.Doc) (map[int64]int64, error) {
	if d.Kind != stock.Dispatch && d.Kind != stock.Adjustment {
		return nil, nil
	}
	out := map[int64]int64{}
	for _, l := range d.Lines {
		var src int64
		if err := t.queryRow(ctx, "SELECT source_line FROM stock_lots WHERE id = ?", l.LotID).Scan(&src); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue // applyLine says which lot is missing
			}
			return nil, err
		}
		if src == 0 {
			continue
		}
		if d.Kind == stock.Dispatch {
			out[src] += l.Quantity
		} else {
			out[src] -= l.Delta
		}
	}
	return out, nil
}

// postGoodsOut posts the value of the donated goods a document took out
// (ledger.ForGoodsOut): for each donation line, the share of its accepted
// value that has left by now less the share that had left before, so the
// documents that empty a line post exactly its value between them. Lines
// without a standing valuation carry no value.
func (t *Tx) postGoodsOut(ctx context.Context, a audit.Actor, d *stock.Doc, leaving map[int64]int64) error {
	var total money.Fen
	for src, n := range leaving {
		if n == 0 {
			continue
		}
		var l inkind.Line
		var accepted, onHand int64
		var posted bool
		// Goods settled before the book took goods in (00015) never posted
		// their value: they leave without one too, or the goods fund would
		// go below zero.
		if err := t.queryRow(ctx, `SELECT declared, valuation, declared_fen, appraised_fen, accepted,
				(SELECT COALESCE(SUM(quantity), 0) FROM stock_lots WHERE source_line = inkind_lines.id AND source_line <> 0),
				EXISTS (SELECT 1 FROM ledger_txns WHERE ref = 'inkind:' || inkind_lines.donation_id AND txn_id IS NULL
					AND kind NOT IN ('reversal', 'donation'))
			FROM inkind_lines WHERE id = ?`, src).Scan(&l.Declared, &l.Valuation, &l.DeclaredFen, &l.AppraisedFen, &accepted, &onHand, &posted); err != nil {
			return fmt.Errorf("donation line %d: %w", src, err)
		}
		value, ok := l.Value()
		if !ok || !posted {
			continue
		}
		acceptedValue := ledger.GoodsValueOut(value, l.Declared, accepted)
		total += ledger.GoodsValueOut(acceptedValue, accepted, accepted-onHand) - ledger.GoodsValueOut(acceptedValue, accepted, accepted-onHand-n)
	}
	if total == 0 {
		return nil
	}
	tx, err := ledger.ForGoodsOut("stock:"+d.No, d.CreatedAt, total, d.Kind == stock.Adjustment)
	if err != nil {
		return err
	}
	_, err = t.postTxn(ctx, &tx, 0, a.Username)
	return err
}

// lockStock takes, on PostgreSQL, the lots a document draws on and the
// balance rows it moves in one fixed order (by id, by item and
// warehouse), so two documents touching the same goods in different line
// orders queue instead of deadlocking. SQLite has one writer.
func (t *Tx) lockStock(ctx context.Context, d *stock.Doc) error {
	if t.db.Dialect != Postgres {
		return nil
	}
	var lots []int64
	for _, l := range d.Lines {
		if l.LotID > 0 {
			lots = append(lots, l.LotID)
		}
	}
	if len(lots) == 0 {
		return nil
	}
	slices.Sort(lots)
	lots = slices.Compact(lots)
	args := make([]any, len(lots))
	for i, id := range lots {
		args[i] = id
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(lots)), ", ")
	rows, err := t.query(ctx, "SELECT id FROM stock_lots WHERE id IN ("+in+") ORDER BY id FOR UPDATE", args...)
	if err != nil {
		return fmt.Errorf("lock lots: %w", err)
	}
	rows.Close()
	rows, err = t.query(ctx, `SELECT b.item_id FROM stock_balances b WHERE EXISTS (SELECT 1 FROM stock_lots l WHERE l.id IN (`+in+`)
		AND l.item_id = b.item_id AND (l.warehouse_id = b.warehouse_id OR b.warehouse_id = ?)) ORDER BY b.item_id, b.warehouse_id FOR UPDATE`,
		append(args, d.ToWarehouse)...)
	if err != nil {
		return fmt.Errorf("lock balances: %w", err)
	}
	rows.Close()
	return nil
}

func (t *Tx) applyLine(ctx context.Context, d *stock.Doc, l *stock.Line, n int) error {
	switch d.Kind {
	case stock.Receipt:
		l.Lot.WarehouseID = d.WarehouseID
		lot, err := t.addToLot(ctx, l.Lot, l.Quantity)
		if err != nil {
			return err
		}
		l.LotID = lot
		return t.move(ctx, d, lot, l.Quantity)
	case stock.Dispatch, stock.Transfer:
		lot, err := t.takeFromLot(ctx, d, l.LotID, l.Quantity, n)
		if err != nil {
			return err
		}
		if err := t.move(ctx, d, l.LotID, -l.Quantity); err != nil {
			return err
		}
		if d.Kind == stock.Transfer {
			// The lot keeps what sets it apart (designation, donor,
			// batch) in its new warehouse.
			lot.WarehouseID = d.ToWarehouse
			to, err := t.addToLot(ctx, *lot, l.Quantity)
			if err != nil {
				return err
			}
			return t.moveIn(ctx, d, to, d.ToWarehouse, l.Quantity)
		}
		return nil
	case stock.Adjustment:
		if l.Delta < 0 {
			if _, err := t.takeFromLot(ctx, d, l.LotID, -l.Delta, n); err != nil {
				return err
			}
		} else if _, err := t.exec(ctx, "UPDATE stock_lots SET quantity = quantity + ? WHERE id = ? AND warehouse_id = ?", l.Delta, l.LotID, d.WarehouseID); err != nil {
			return err
		}
		return t.move(ctx, d, l.LotID, l.Delta)
	}
	return fmt.Errorf("unknown document kind %q", d.Kind)
}

// addToLot adds qty to the lot described by lot, creating it if new.
func (t *Tx) addToLot(ctx context.Context, lot stock.Lot, qty int64) (int64, error) {
	if lot.DesignationKind == "" {
		lot.DesignationKind = "undesignated"
	}
	var id int64
	err := t.queryRow(ctx, `INSERT INTO stock_lots (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line, quantity)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line)
		DO UPDATE SET quantity = stock_lots.quantity + excluded.quantity RETURNING id`,
		lot.ItemID, lot.WarehouseID, lot.Batch, lot.Expiry, lot.DesignationKind, lot.DesignationTarget, lot.Donor, lot.SourceLine, qty).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add to lot: %w", err)
	}
	return id, nil
}

// takeFromLot takes qty from a lot of the document's warehouse. The
// condition in the UPDATE is what keeps stock from going negative, even
// when two dispatches race for the last units: the second finds too few.
func (t *Tx) takeFromLot(ctx context.Context, d *stock.Doc, lotID, qty int64, n int) (*stock.Lot, error) {
	lot, err := t.lot(ctx, lotID)
	if err != nil {
		return nil, err
	}
	if lot.WarehouseID != d.WarehouseID {
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：该批次不在本仓库 / line %d: the lot is not in this warehouse", n, n)
	}
	if d.Kind == stock.Dispatch && !lot.Serves(d.Recipient) {
		return nil, boai.Errorf(boai.EINVALID, "第 %d 行：该批次是定向给“%s”的物资，不能发往“%s” / line %d: designated goods go only to their designation",
			n, lot.DesignationTarget, d.Recipient, n)
	}
	res, err := t.exec(ctx, "UPDATE stock_lots SET quantity = quantity - ? WHERE id = ? AND quantity >= ?", qty, lotID, qty)
	if err != nil {
		return nil, fmt.Errorf("take from lot: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		var have int64
		_ = t.queryRow(ctx, "SELECT quantity FROM stock_lots WHERE id = ?", lotID).Scan(&have)
		return nil, boai.Errorf(boai.ECONFLICT, "第 %d 行：库存不足，该批次现有 %d，需要 %d / line %d: not enough stock (%d in the lot, %d wanted)",
			n, have, qty, n, have, qty)
	}
	return lot, nil
}

func (t *Tx) lot(ctx context.Context, id int64) (*stock.Lot, error) {
	var l stock.Lot
	err := t.queryRow(ctx, `SELECT id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line, quantity
		FROM stock_lots WHERE id = ?`, id).Scan(&l.ID, &l.ItemID, &l.WarehouseID, &l.Batch, &l.Expiry, &l.DesignationKind,
		&l.DesignationTarget, &l.Donor, &l.SourceLine, &l.Quantity)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "批次不存在 / lot not found")
	}
	return &l, err
}

func (t *Tx) move(ctx context.Context, d *stock.Doc, lotID, delta int64) error {
	return t.moveIn(ctx, d, lotID, d.WarehouseID, delta)
}

// moveIn writes a stock-card line with the item's balance in warehouse
// after the change.
func (t *Tx) moveIn(ctx context.Context, d *stock.Doc, lotID, warehouse, delta int64) error {
	var item, balance int64
	if err := t.queryRow(ctx, "SELECT item_id FROM stock_lots WHERE id = ?", lotID).Scan(&item); err != nil {
		return fmt.Errorf("lot %d: %w", lotID, err)
	}
	// Out of stock only ever leaves a lot that had it, so the balance row
	// exists; into stock may be the first.
	q := "UPDATE stock_balances SET quantity = quantity + ? WHERE item_id = ? AND warehouse_id = ? RETURNING quantity"
	args := []any{delta, item, warehouse}
	if delta > 0 {
		q = `INSERT INTO stock_balances (item_id, warehouse_id, quantity) VALUES (?, ?, ?)
			ON CONFLICT (item_id, warehouse_id) DO UPDATE SET quantity = stock_balances.quantity + excluded.quantity RETURNING quantity`
		args = []any{item, warehouse, delta}
	}
	if err := t.queryRow(ctx, q, args...).Scan(&balance); err != nil {
		return fmt.Errorf("stock balance: %w", err)
	}
	_, err := t.exec(ctx, "INSERT INTO stock_moves (doc_id, lot_id, item_id, warehouse_id, delta, balance, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		d.ID, lotID, item, warehouse, delta, balance, micros(d.CreatedAt))
	return err
}

// Lots lists an item's lots with stock in a warehouse (0: every warehouse).
func (db *DB) Lots(ctx context.Context, itemID, warehouseID int64) ([]stock.Lot, error) {
	rows, err := db.query(ctx, `SELECT id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line, quantity
		FROM stock_lots WHERE item_id = ? AND (? = 0 OR warehouse_id = ?) AND quantity > 0 ORDER BY expiry, id`, itemID, warehouseID, warehouseID)
	if err != nil {
		return nil, fmt.Errorf("lots: %w", err)
	}
	defer rows.Close()
	var out []stock.Lot
	for rows.Next() {
		var l stock.Lot
		if err := rows.Scan(&l.ID, &l.ItemID, &l.WarehouseID, &l.Batch, &l.Expiry, &l.DesignationKind, &l.DesignationTarget, &l.Donor,
			&l.SourceLine, &l.Quantity); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CardLine is one line of an item's stock card.
type CardLine struct {
	At      time.Time
	DocNo   string
	Kind    string
	Delta   int64 // in (+) or out (−)
	Balance int64
}

// StockCard lists every document that changed an item's stock in a
// warehouse, oldest first, with the balance after each.
func (db *DB) StockCard(ctx context.Context, itemID, warehouseID int64) ([]CardLine, error) {
	rows, err := db.query(ctx, `SELECT m.at, d.no, d.kind, m.delta, m.balance FROM stock_moves m JOIN stock_docs d ON d.id = m.doc_id
		WHERE m.item_id = ? AND m.warehouse_id = ? ORDER BY m.id`, itemID, warehouseID)
	if err != nil {
		return nil, fmt.Errorf("stock card: %w", err)
	}
	defer rows.Close()
	var out []CardLine
	for rows.Next() {
		var c CardLine
		var at int64
		if err := rows.Scan(&at, &c.DocNo, &c.Kind, &c.Delta, &c.Balance); err != nil {
			return nil, err
		}
		c.At = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// DailyFlows is 日进日清 for the days from..to (inclusive, YYYY-MM-DD in
// loc): per day, goods received and the part dispatched the same day.
func (db *DB) DailyFlows(ctx context.Context, from, to time.Time, loc *time.Location) ([]stock.DayFlow, error) {
	// A lot from a valued donation line carries the line's value per
	// declared unit, so the same-day share can be read by value too.
	rows, err := db.query(ctx, `SELECT m.lot_id, m.at, d.kind, m.delta,
			COALESCE(CASE il.valuation WHEN 'appraisal' THEN il.appraised_fen WHEN 'evidence' THEN il.declared_fen ELSE 0 END, 0), COALESCE(il.declared, 0)
		FROM stock_moves m JOIN stock_docs d ON d.id = m.doc_id JOIN stock_lots l ON l.id = m.lot_id
		LEFT JOIN inkind_lines il ON il.id = l.source_line
		WHERE m.at >= ? AND m.at < ? AND d.kind IN (?, ?)`, micros(from), micros(to), stock.Receipt, stock.Dispatch)
	if err != nil {
		return nil, fmt.Errorf("daily flows: %w", err)
	}
	defer rows.Close()
	var moves []stock.Move
	for rows.Next() {
		var m stock.Move
		var at, delta int64
		if err := rows.Scan(&m.LotID, &at, &m.Kind, &delta, &m.LineFen, &m.LineUnits); err != nil {
			return nil, err
		}
		m.Day, m.Quantity = fromMicros(at).In(loc).Format("2006-01-02"), max(delta, -delta)
		moves = append(moves, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return stock.SameDayFlows(moves), nil
}

// Waiting is a lot that has sat in a warehouse since its last receipt.
type Waiting struct {
	Lot       stock.Lot
	Item      string // name and specification
	Warehouse string
	Since     time.Time
}

// WaitingLots lists lots still in stock whose last goods-received note is
// older than olderThan before now: goods waiting too long.
func (db *DB) WaitingLots(ctx context.Context, now time.Time, olderThan time.Duration) ([]Waiting, error) {
	rows, err := db.query(ctx, `SELECT l.id, l.item_id, l.warehouse_id, l.batch, l.expiry, l.designation_kind, l.designation_target, l.donor, l.quantity, MAX(m.at),
			i.name, i.spec, w.name
		FROM stock_lots l JOIN stock_moves m ON m.lot_id = l.id JOIN stock_docs d ON d.id = m.doc_id
		JOIN goods_items i ON i.id = l.item_id JOIN warehouses w ON w.id = l.warehouse_id
		WHERE l.quantity > 0 AND d.kind = ? GROUP BY l.id, l.item_id, l.warehouse_id, l.batch, l.expiry, l.designation_kind,
		l.designation_target, l.donor, l.quantity, i.name, i.spec, w.name HAVING MAX(m.at) < ? ORDER BY 10`, stock.Receipt, micros(now.Add(-olderThan)))
	if err != nil {
		return nil, fmt.Errorf("waiting lots: %w", err)
	}
	defer rows.Close()
	var out []Waiting
	for rows.Next() {
		var w Waiting
		var at int64
		l := &w.Lot
		var it goods.Item
		if err := rows.Scan(&l.ID, &l.ItemID, &l.WarehouseID, &l.Batch, &l.Expiry, &l.DesignationKind, &l.DesignationTarget, &l.Donor, &l.Quantity, &at,
			&it.Name, &it.Spec, &w.Warehouse); err != nil {
			return nil, err
		}
		w.Item = it.Label()
		w.Since = fromMicros(at)
		out = append(out, w)
	}
	return out, rows.Err()
}
