package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/donation"
	"boai/internal/money"
)

// Import is an uploaded statement and where it stands: preview, then
// committing, then done (or failed).
type Import struct {
	ID          int64
	Filename    string
	SHA256      string
	Content     []byte
	Mapping     string // JSON
	BranchID    int64
	Designation string
	Status      string
	RowsTotal   int
	Accepted    int
	Skipped     int
	TotalFen    money.Fen
	Error       string
	CreatedBy   string
	CreatedAt   time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
}

// Stale reports whether a commit in progress has outlived ImportTimeout:
// its process is gone, and the import may be committed again.
func (imp *Import) Stale(now time.Time) bool {
	return imp.Status == ImportCommitting && now.Sub(imp.StartedAt) > ImportTimeout+time.Minute
}

const (
	ImportPreview    = "preview"
	ImportCommitting = "committing"
	ImportDone       = "done"
	ImportFailed     = "failed"
)

// CreateImport stores an uploaded file for preview. The file itself is kept
// in the database, so any boai process can show and commit it.
func (db *DB) CreateImport(ctx context.Context, a audit.Actor, imp *Import) error {
	sum := sha256.Sum256(imp.Content)
	imp.SHA256 = hex.EncodeToString(sum[:])
	imp.Status = ImportPreview
	imp.CreatedBy = a.Username
	imp.CreatedAt = db.Now()
	return db.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO imports (filename, sha256, content, mapping, branch_id, designation, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, imp.Filename, imp.SHA256, imp.Content, imp.Mapping, imp.BranchID,
			imp.Designation, imp.Status, imp.CreatedBy, micros(imp.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert import: %w", err)
		}
		imp.ID = id
		return tx.audit(ctx, a, "import.upload", "import", id, nil,
			map[string]any{"filename": imp.Filename, "sha256": imp.SHA256, "bytes": len(imp.Content), "branch_id": imp.BranchID})
	})
}

// Import returns an import with its file.
func (db *DB) Import(ctx context.Context, id int64) (*Import, error) {
	var imp Import
	var created int64
	var started, finished sql.NullInt64
	err := db.queryRow(ctx, `SELECT id, filename, sha256, content, mapping, branch_id, designation, status, rows_total, accepted,
		skipped, total_fen, error, created_by, created_at, started_at, finished_at FROM imports WHERE id = ?`, id).Scan(
		&imp.ID, &imp.Filename, &imp.SHA256, &imp.Content, &imp.Mapping, &imp.BranchID, &imp.Designation, &imp.Status,
		&imp.RowsTotal, &imp.Accepted, &imp.Skipped, &imp.TotalFen, &imp.Error, &imp.CreatedBy, &created, &started, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boai.Errorf(boai.ENOTFOUND, "导入记录不存在 / import not found")
	} else if err != nil {
		return nil, fmt.Errorf("import %d: %w", id, err)
	}
	imp.CreatedAt, imp.StartedAt, imp.FinishedAt = fromMicros(created), nullMicros(started), nullMicros(finished)
	return &imp, nil
}

// ExistingRefs reports which of refs are already recorded as donations.
func (db *DB) ExistingRefs(ctx context.Context, refs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(refs) == 0 {
		return out, nil
	}
	args := make([]any, len(refs))
	for i, r := range refs {
		args[i] = r
	}
	rows, err := db.query(ctx, "SELECT external_ref FROM donations WHERE external_ref IN (?"+strings.Repeat(", ?", len(refs)-1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("existing refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out[r] = true
	}
	return out, rows.Err()
}

// ImportTimeout bounds one import's commit; a commit that started longer
// ago died with its process (its transaction left nothing behind), and the
// import may be committed again.
const ImportTimeout = 30 * time.Minute

// StartImportCommit moves an import from preview to committing, once: a
// second click, or a second process, gets a conflict, unless the first
// commit is older than ImportTimeout.
func (db *DB) StartImportCommit(ctx context.Context, a audit.Actor, id int64) error {
	now := db.Now()
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE imports SET status = ?, started_at = ?, error = '' WHERE id = ?
			AND (status = ? OR (status = ? AND started_at < ?))`,
			ImportCommitting, micros(now), id, ImportPreview, ImportCommitting, micros(now.Add(-ImportTimeout-time.Minute)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return boai.Errorf(boai.ECONFLICT, "该文件已提交或正在提交 / this import is already committed or in progress")
		}
		return tx.audit(ctx, a, "import.start", "import", id, nil, nil)
	})
}

// ResetInterruptedImports returns imports left committing by a process
// that stopped to preview. Only for SQLite, where one process is the only
// writer, so at its start no commit can be running.
func (db *DB) ResetInterruptedImports(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE imports SET status = ?, error = ? WHERE status = ?",
			ImportPreview, "上次提交被中断，未导入任何数据 / the last commit was interrupted; nothing was imported", ImportCommitting)
		return err
	})
}

// CommitImport records the import's donations in one transaction: all or
// none. Rows whose reference is already recorded are skipped, so the same
// or an overlapping file never adds a donation twice. progress is called
// every 1,000 rows.
func (db *DB) CommitImport(ctx context.Context, a audit.Actor, id int64, ds []*donation.Donation, rowsTotal int, progress func(done int)) (accepted, skipped int, total money.Fen, err error) {
	err = db.WriteAlone(ctx, func(tx *Tx) error {
		accepted, skipped, total = 0, 0, 0
		for i, d := range ds {
			d.Kind, d.CreatedBy, d.ImportID = donation.KindDonation, a.Username, id
			after, err := db.prepareDonation(d)
			if err != nil {
				return err
			}
			created, err := tx.createDonation(ctx, a, d, after)
			switch {
			case boai.ErrorCode(err) == boai.ECONFLICT:
				skipped++ // the reference was recorded with other content: not ours to change
			case err != nil:
				return fmt.Errorf("row %d: %w", i+1, err)
			case created:
				accepted++
				total += d.AmountFen
			default:
				skipped++
			}
			if progress != nil && (i+1)%1000 == 0 {
				progress(i + 1)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE imports SET status = ?, rows_total = ?, accepted = ?, skipped = ?, total_fen = ?, finished_at = ?
			WHERE id = ?`, ImportDone, rowsTotal, accepted, skipped, total, micros(db.Now()), id); err != nil {
			return err
		}
		return tx.audit(ctx, a, "import.commit", "import", id, nil, map[string]any{"accepted": accepted, "skipped": skipped, "total_fen": total})
	})
	return accepted, skipped, total, err
}

// FailImport records why committing an import failed; nothing of it was
// recorded, and it can be committed again.
func (db *DB) FailImport(ctx context.Context, a audit.Actor, id int64, msg string) error {
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "UPDATE imports SET status = ?, error = ? WHERE id = ?", ImportPreview, msg, id); err != nil {
			return err
		}
		return tx.audit(ctx, a, "import.fail", "import", id, nil, map[string]string{"error": msg})
	})
}

// SaveMapping stores a named column mapping for later imports.
func (db *DB) SaveMapping(ctx context.Context, a audit.Actor, name, mapping string) error {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 50 {
		return boai.Errorf(boai.EINVALID, "映射名称须为 1–50 个字符 / mapping name: 1–50 characters")
	}
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM import_mappings WHERE name = ?", name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO import_mappings (name, mapping, created_by, created_at) VALUES (?, ?, ?, ?)",
			name, mapping, a.Username, micros(db.Now())); err != nil {
			return err
		}
		return tx.audit(ctx, a, "import.mapping", "import_mapping", 0, nil, map[string]any{"name": name, "mapping": mapping})
	})
}

// Mappings returns the saved mappings by name.
func (db *DB) Mappings(ctx context.Context) (map[string]string, error) {
	rows, err := db.query(ctx, "SELECT name, mapping FROM import_mappings ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, m string
		if err := rows.Scan(&n, &m); err != nil {
			return nil, err
		}
		out[n] = m
	}
	return out, rows.Err()
}
