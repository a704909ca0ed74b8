package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"boai"
	"boai/internal/audit"
	"boai/internal/org"
)

// CreateBranch adds a branch to the society tree.
func (db *DB) CreateBranch(ctx context.Context, a audit.Actor, b *org.Branch) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		// One society, one root: every other branch hangs under it.
		var parents int
		q, arg := "SELECT COUNT(*) FROM branches WHERE id = ?", any(b.ParentID)
		if b.ParentID == 0 {
			q, arg = "SELECT COUNT(*) FROM branches WHERE parent_id IS NULL AND ? = 0", 0
		}
		if err := tx.queryRow(ctx, q, arg).Scan(&parents); err != nil {
			return err
		}
		switch {
		case b.ParentID != 0 && parents == 0:
			return boai.Errorf(boai.EINVALID, "上级机构不存在 / parent branch not found")
		case b.ParentID == 0 && parents > 0:
			return boai.Errorf(boai.EINVALID, "请选择上级机构 / choose the parent branch")
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM branches WHERE code = ?", b.Code).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return boai.Errorf(boai.ECONFLICT, "机构代码 %s 已存在 / branch code already exists", b.Code)
		}
		id, err := tx.insert(ctx, "INSERT INTO branches (parent_id, code, name, name_en) VALUES (?, ?, ?, ?)",
			nullID(b.ParentID), b.Code, b.Name, b.NameEn)
		if err != nil {
			return fmt.Errorf("insert branch: %w", err)
		}
		b.ID = id
		return tx.audit(ctx, a, "branch.create", "branch", id, nil, b)
	})
}

// UpdateBranch renames a branch; codes and places in the tree are fixed
// once records refer to them.
func (db *DB) UpdateBranch(ctx context.Context, a audit.Actor, b *org.Branch) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		before, err := scanBranch(tx.queryRow(ctx, branchSelect+" WHERE id = ?", b.ID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE branches SET name = ?, name_en = ? WHERE id = ?", b.Name, b.NameEn, b.ID); err != nil {
			return fmt.Errorf("update branch: %w", err)
		}
		b.Code, b.ParentID = before.Code, before.ParentID
		return tx.audit(ctx, a, "branch.update", "branch", b.ID, before, b)
	})
}

const branchSelect = "SELECT id, COALESCE(parent_id, 0), code, name, name_en FROM branches"

func scanBranch(r interface{ Scan(...any) error }) (*org.Branch, error) {
	var b org.Branch
	if err := r.Scan(&b.ID, &b.ParentID, &b.Code, &b.Name, &b.NameEn); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, boai.Errorf(boai.ENOTFOUND, "机构不存在 / branch not found")
		}
		return nil, fmt.Errorf("scan branch: %w", err)
	}
	return &b, nil
}

// Branch returns one branch.
func (db *DB) Branch(ctx context.Context, id int64) (*org.Branch, error) {
	return scanBranch(db.queryRow(ctx, branchSelect+" WHERE id = ?", id))
}

// BranchByCode returns the branch with code.
func (db *DB) BranchByCode(ctx context.Context, code string) (*org.Branch, error) {
	return scanBranch(db.queryRow(ctx, branchSelect+" WHERE code = ?", code))
}

// Branches lists every branch by id.
func (db *DB) Branches(ctx context.Context) ([]org.Branch, error) {
	rows, err := db.query(ctx, branchSelect+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	defer rows.Close()
	var out []org.Branch
	for rows.Next() {
		b, err := scanBranch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// EnsureRoot creates the city society, the root of the branch tree, when
// the database has no branch yet, so a new installation can add its first
// users at once. It returns the root.
func (db *DB) EnsureRoot(ctx context.Context, code, name, nameEn string) (*org.Branch, error) {
	bs, err := db.Branches(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.ParentID == 0 {
			return &b, nil
		}
	}
	root := &org.Branch{Code: code, Name: name, NameEn: nameEn}
	if err := db.CreateBranch(ctx, audit.System, root); err != nil {
		return nil, fmt.Errorf("create the society: %w", err)
	}
	return root, nil
}
