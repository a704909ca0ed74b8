package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"boai"
	"boai/internal/audit"
	"boai/internal/goods"
	"boai/internal/stock"
)

// SeedCatalogue fills an empty catalogue with goods.SeedCategories and
// goods.SeedItems, and reports whether it did.
func (db *DB) SeedCatalogue(ctx context.Context, a audit.Actor) (bool, error) {
	var n int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM goods_categories").Scan(&n); err != nil || n > 0 {
		return false, err
	}
	err := db.Write(ctx, func(tx *Tx) error {
		ids := make([]int64, len(goods.SeedCategories))
		for i, c := range goods.SeedCategories {
			id, err := tx.insert(ctx, "INSERT INTO goods_categories (code, name, name_en) VALUES (?, ?, ?)", c.Code, c.Name, c.NameEn)
			if err != nil {
				return fmt.Errorf("seed category %s: %w", c.Code, err)
			}
			ids[i] = id
		}
		for _, it := range goods.SeedItems {
			it.CategoryID = ids[it.CategoryID-1]
			if err := tx.insertItem(ctx, a, &it); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}

// CreateItem adds an item to the catalogue.
func (db *DB) CreateItem(ctx context.Context, a audit.Actor, it *goods.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.insertItem(ctx, a, it) })
}

func (t *Tx) insertItem(ctx context.Context, a audit.Actor, it *goods.Item) error {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM goods_items WHERE code = ? OR (name = ? AND spec = ?)", it.Code, it.Name, it.Spec).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return boai.Errorf(boai.ECONFLICT, "物资编码或“名称+规格”已存在 / an item with this code, or this name and specification, exists")
	}
	it.Active = true
	id, err := t.insert(ctx, `INSERT INTO goods_items (category_id, code, name, name_en, spec, unit, pack_unit, pack_size, medical_grade, active)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.CategoryID, it.Code, it.Name, it.NameEn, it.Spec, it.Unit, it.PackUnit, it.PackSize, it.MedicalGrade, true)
	if err != nil {
		return fmt.Errorf("insert item %s: %w", it.Code, err)
	}
	it.ID = id
	return t.audit(ctx, a, "item.create", "goods_item", id, nil, it)
}

const itemSelect = `SELECT id, category_id, code, name, name_en, spec, unit, pack_unit, pack_size, medical_grade, active FROM goods_items`

func scanItem(r interface{ Scan(...any) error }) (*goods.Item, error) {
	var it goods.Item
	err := r.Scan(&it.ID, &it.CategoryID, &it.Code, &it.Name, &it.NameEn, &it.Spec, &it.Unit, &it.PackUnit, &it.PackSize, &it.MedicalGrade, &it.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "物资不存在 / item not found")
	} else if err != nil {
		return nil, fmt.Errorf("scan item: %w", err)
	}
	return &it, nil
}

// Item returns one catalogue item.
func (db *DB) Item(ctx context.Context, id int64) (*goods.Item, error) {
	return scanItem(db.queryRow(ctx, itemSelect+" WHERE id = ?", id))
}

// SearchItems finds active items whose code, name or specification
// contains q, for the type-to-search picker: at most limit, by name.
func (db *DB) SearchItems(ctx context.Context, q string, limit int) ([]goods.Item, error) {
	like := "%" + escapeLike(strings.TrimSpace(q)) + "%"
	rows, err := db.query(ctx, itemSelect+` WHERE active AND (code LIKE ? OR name LIKE ? OR name_en LIKE ? OR spec LIKE ?)
		ORDER BY name, spec LIMIT ?`, like, like, like, like, max(1, min(limit, 100)))
	if err != nil {
		return nil, fmt.Errorf("search items: %w", err)
	}
	defer rows.Close()
	var out []goods.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// CreateWarehouse adds a site that holds stock.
func (db *DB) CreateWarehouse(ctx context.Context, a audit.Actor, w *stock.Warehouse) error {
	w.Code, w.Name = strings.ToUpper(strings.TrimSpace(w.Code)), strings.TrimSpace(w.Name)
	switch {
	case w.Code == "" || w.Name == "":
		return boai.Errorf(boai.EINVALID, "请填写仓库编码和名称 / warehouse code and name are required")
	case w.Kind != stock.ReliefCentre && w.Kind != stock.District && w.Kind != stock.Distribution:
		return boai.Errorf(boai.EINVALID, "未知仓库类型 %q / unknown warehouse kind", w.Kind)
	}
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO warehouses (code, name, kind, branch_id) VALUES (?, ?, ?, ?)", w.Code, w.Name, w.Kind, w.BranchID)
		if err != nil {
			return fmt.Errorf("insert warehouse: %w", err)
		}
		w.ID = id
		return tx.audit(ctx, a, "warehouse.create", "warehouse", id, nil, w)
	})
}

// Categories lists the catalogue's categories.
func (db *DB) Categories(ctx context.Context) ([]goods.Category, error) {
	rows, err := db.query(ctx, "SELECT id, code, name, name_en FROM goods_categories ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var out []goods.Category
	for rows.Next() {
		var c goods.Category
		if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.NameEn); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CatalogueSearch finds items for the catalogue page, the retired ones too
// when all is set.
func (db *DB) CatalogueSearch(ctx context.Context, q string, all bool, limit int) ([]goods.Item, error) {
	like := "%" + escapeLike(strings.TrimSpace(q)) + "%"
	rows, err := db.query(ctx, itemSelect+` WHERE (active OR ?) AND (code LIKE ? OR name LIKE ? OR name_en LIKE ? OR spec LIKE ?)
		ORDER BY name, spec LIMIT ?`, all, like, like, like, like, max(1, min(limit, 500)))
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	defer rows.Close()
	var out []goods.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// UpdateItem changes what may change about an item once it exists: its
// English name, whether it needs the medical-grade check, and whether it
// is offered at all. Its code, name, specification and units stay as
// they were, since every document already written reads by them; a
// different product is a new item.
func (db *DB) UpdateItem(ctx context.Context, a audit.Actor, id int64, nameEn string, medical, active bool) error {
	nameEn = strings.TrimSpace(nameEn)
	if len([]rune(nameEn)) > 100 {
		return boai.Errorf(boai.EINVALID, "英文名称过长 / English name too long")
	}
	return db.Write(ctx, func(tx *Tx) error {
		before, err := scanItem(tx.queryRow(ctx, itemSelect+" WHERE id = ?", id))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE goods_items SET name_en = ?, medical_grade = ?, active = ? WHERE id = ?", nameEn, medical, active, id); err != nil {
			return err
		}
		return tx.audit(ctx, a, "item.update", "goods_item", id, before, map[string]any{"name_en": nameEn, "medical_grade": medical, "active": active})
	})
}
