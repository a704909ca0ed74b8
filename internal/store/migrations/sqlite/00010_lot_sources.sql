-- +goose NO TRANSACTION
-- +goose Up
-- A lot now also records the in-kind donation line its goods came from
-- (source_line, 0 for goods without one), so every dispatched unit
-- traces back to a donation line and carries that line's value. Lots of
-- different lines are never merged, which means the lot key gains a
-- column; SQLite changes a UNIQUE constraint only by rebuilding the
-- table, done the documented way: foreign keys off, one transaction,
-- ids kept so every reference still holds. (The writer pool is one connection, so the
-- pragmas and the transaction share it.)
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE stock_lots_new (
    id                 INTEGER PRIMARY KEY,
    item_id            INTEGER NOT NULL REFERENCES goods_items(id),
    warehouse_id       INTEGER NOT NULL REFERENCES warehouses(id),
    batch              TEXT NOT NULL DEFAULT '',
    expiry             TEXT NOT NULL DEFAULT '',
    designation_kind   TEXT NOT NULL,
    designation_target TEXT NOT NULL DEFAULT '',
    donor              TEXT NOT NULL DEFAULT '',
    source_line        BIGINT NOT NULL DEFAULT 0,
    quantity           BIGINT NOT NULL CHECK (quantity >= 0),
    UNIQUE (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line)
);
INSERT INTO stock_lots_new (id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, quantity)
    SELECT id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, quantity FROM stock_lots;
DROP TABLE stock_lots;
ALTER TABLE stock_lots_new RENAME TO stock_lots;
CREATE INDEX stock_lots_item ON stock_lots(item_id, warehouse_id);
CREATE INDEX stock_lots_source ON stock_lots(source_line) WHERE source_line <> 0;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE stock_lots_old (
    id                 INTEGER PRIMARY KEY,
    item_id            INTEGER NOT NULL REFERENCES goods_items(id),
    warehouse_id       INTEGER NOT NULL REFERENCES warehouses(id),
    batch              TEXT NOT NULL DEFAULT '',
    expiry             TEXT NOT NULL DEFAULT '',
    designation_kind   TEXT NOT NULL,
    designation_target TEXT NOT NULL DEFAULT '',
    donor              TEXT NOT NULL DEFAULT '',
    quantity           BIGINT NOT NULL CHECK (quantity >= 0),
    UNIQUE (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor)
);
INSERT INTO stock_lots_old (id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, quantity)
    SELECT id, item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, quantity FROM stock_lots;
DROP TABLE stock_lots;
ALTER TABLE stock_lots_old RENAME TO stock_lots;
CREATE INDEX stock_lots_item ON stock_lots(item_id, warehouse_id);
COMMIT;
PRAGMA foreign_keys = ON;
