package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"boai"
	"boai/internal/goods"
	"boai/internal/stock"
)

// CompileList compiles the available-and-arriving list for forDay: stock
// on hand by item, warehouse and designation, and the goods pledged for
// that day or earlier that have not arrived yet.
func (db *DB) CompileList(ctx context.Context, forDay string) (*stock.List, error) {
	l := &stock.List{ForDay: forDay, CompiledAt: db.Now()}
	err := db.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT i.id, i.code, i.name, i.spec, i.unit, i.pack_unit, i.pack_size, w.id, w.name, s.designation_kind, s.designation_target, SUM(s.quantity - COALESCE(r.q, 0))
			FROM stock_lots s JOIN goods_items i ON i.id = s.item_id JOIN warehouses w ON w.id = s.warehouse_id
			LEFT JOIN (`+reservedByLot+`) r ON r.lot_id = s.id
			WHERE s.quantity > COALESCE(r.q, 0)
			GROUP BY i.id, i.code, i.name, i.spec, i.unit, i.pack_unit, i.pack_size, w.id, w.name, s.designation_kind, s.designation_target`)
		if err != nil {
			return fmt.Errorf("list stock: %w", err)
		}
		if err := scanListLines(rows, l, false); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT i.id, i.code, i.name, i.spec, i.unit, i.pack_unit, i.pack_size, 0, '', p.designation_kind, p.designation_target, SUM(pl.expected - pl.arrived)
			FROM prearrival_lines pl JOIN prearrivals p ON p.id = pl.prearrival_id JOIN goods_items i ON i.id = pl.item_id
			WHERE p.expected_on <= ? AND pl.expected > pl.arrived
			GROUP BY i.id, i.code, i.name, i.spec, i.unit, i.pack_unit, i.pack_size, p.designation_kind, p.designation_target`, forDay)
		if err != nil {
			return fmt.Errorf("list expected goods: %w", err)
		}
		return scanListLines(rows, l, true)
	})
	if err != nil {
		return nil, err
	}
	stock.SortList(l.Lines)
	return l, nil
}

func scanListLines(rows *sql.Rows, l *stock.List, expected bool) error {
	defer rows.Close()
	for rows.Next() {
		var ln stock.ListLine
		var it goods.Item
		var qty int64
		if err := rows.Scan(&ln.ItemID, &ln.ItemCode, &it.Name, &it.Spec, &ln.Unit, &ln.PackUnit, &ln.PackSize, &ln.WarehouseID, &ln.Warehouse,
			&ln.DesignationKind, &ln.DesignationTarget, &qty); err != nil {
			return err
		}
		ln.Item = it.Label()
		if expected {
			ln.Expected = qty
		} else {
			ln.Available = qty
		}
		l.Lines = append(l.Lines, ln)
	}
	return rows.Err()
}

// SaveList keeps the list compiled at a day's cut-off. The first one saved
// for a day stands; it reports whether this call saved it.
func (db *DB) SaveList(ctx context.Context, l *stock.List) (bool, error) {
	b, err := json.Marshal(l.Lines)
	if err != nil {
		return false, err
	}
	var saved bool
	err = db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "INSERT INTO cutoff_lists (for_day, compiled_at, lines) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			l.ForDay, micros(l.CompiledAt), string(b))
		if err != nil {
			return fmt.Errorf("save list: %w", err)
		}
		n, _ := res.RowsAffected()
		saved = n == 1
		return nil
	})
	return saved, err
}

// SavedList returns the list kept for a day.
func (db *DB) SavedList(ctx context.Context, forDay string) (*stock.List, error) {
	l := &stock.List{ForDay: forDay}
	var at int64
	var lines string
	err := db.queryRow(ctx, "SELECT compiled_at, lines FROM cutoff_lists WHERE for_day = ?", forDay).Scan(&at, &lines)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "%s 的清单尚未生成 / no list compiled for %s yet", forDay, forDay)
	} else if err != nil {
		return nil, err
	}
	l.CompiledAt = fromMicros(at)
	return l, json.Unmarshal([]byte(lines), &l.Lines)
}
