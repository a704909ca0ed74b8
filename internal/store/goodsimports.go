package store

import (
	"context"
	"fmt"
	"strings"

	"boai"
	"boai/internal/audit"
	"boai/internal/goods"
	"boai/internal/goodsimport"
)

// CatalogueItems returns every item of the catalogue, in use or not, for
// reading registers: an item no longer in use is named as such, not
// unknown.
func (db *DB) CatalogueItems(ctx context.Context) ([]goods.Item, error) {
	rows, err := db.query(ctx, itemSelect+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("catalogue items: %w", err)
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

// ExistingImportRefs reports which of refs (in-kind donations' and
// requests' import references) are already recorded.
func (db *DB) ExistingImportRefs(ctx context.Context, refs []string) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 500
	for i := 0; i < len(refs); i += chunk {
		part := refs[i:min(i+chunk, len(refs))]
		args := make([]any, 0, 2*len(part))
		for _, r := range part {
			args = append(args, r)
		}
		args = append(args, args...)
		in := "(?" + strings.Repeat(", ?", len(part)-1) + ")"
		rows, err := db.query(ctx, "SELECT import_ref FROM inkind_donations WHERE import_ref IN "+in+
			" UNION SELECT import_ref FROM alloc_requests WHERE import_ref IN "+in, args...)
		if err != nil {
			return nil, fmt.Errorf("existing import refs: %w", err)
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return nil, err
			}
			out[r] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GoodsImport is what committing a register did.
type GoodsImport struct {
	Created  int     // in-kind donations or requests recorded now
	Existing int     // groups whose reference was already recorded: skipped
	IDs      []int64 // of the records created, in file order
}

// ImportGoods records the ready groups of a parsed register in one
// transaction: all or none. In-kind donations go in as intakes awaiting
// the receiving sign-off, as CreateInKind records them (every in-kind
// donation needs its receiving branch: see goodsimport.Sheet.SetBranch);
// requests open, as CreateAllocRequest records them. A group whose
// reference is already recorded is skipped, so importing a file again adds
// nothing.
func (db *DB) ImportGoods(ctx context.Context, a audit.Actor, sh *goodsimport.Sheet, filename string) (GoodsImport, error) {
	ready := sh.Ready()
	// Check everything before writing.
	for _, g := range ready {
		var err error
		switch {
		case g.Donation != nil:
			err = db.prepareInKind(a, g.Donation)
		case g.Request != nil:
			err = db.prepareAllocRequest(g.Request)
		default:
			err = fmt.Errorf("group %s has nothing to record", g.Ref)
		}
		if err != nil {
			line := sh.Rows[g.Rows[0]].Line
			return GoodsImport{}, &boai.Error{Code: boai.ErrorCode(err), Err: err,
				Message: fmt.Sprintf("第 %d 行起的一组：%s / the rows from line %d: %s", line, boai.ErrorMessage(err), line, boai.ErrorMessage(err))}
		}
	}
	var res GoodsImport
	err := db.Write(ctx, func(tx *Tx) error {
		res = GoodsImport{}
		var created []string
		for _, g := range ready {
			table := "inkind_donations"
			if g.Request != nil {
				table = "alloc_requests"
			}
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE import_ref = ?", g.Ref).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				res.Existing++
				continue
			}
			if g.Donation != nil {
				if err := tx.createInKind(ctx, a, g.Donation, g.Ref); err != nil {
					return err
				}
				res.IDs = append(res.IDs, g.Donation.ID)
			} else {
				if err := tx.createAllocRequest(ctx, a, g.Request, g.Ref); err != nil {
					return err
				}
				res.IDs = append(res.IDs, g.Request.ID)
			}
			res.Created++
			created = append(created, g.Ref)
		}
		if res.Created == 0 {
			return nil
		}
		return tx.audit(ctx, a, "goods_import.commit", "goods_import", 0, nil, map[string]any{"kind": sh.Kind, "filename": filename,
			"created": res.Created, "existing": res.Existing, "ids": res.IDs, "refs": created})
	})
	if err != nil {
		if boai.ErrorCode(err) == boai.EINTERNAL {
			return GoodsImport{}, fmt.Errorf("import goods: %w", err)
		}
		return GoodsImport{}, err
	}
	return res, nil
}
