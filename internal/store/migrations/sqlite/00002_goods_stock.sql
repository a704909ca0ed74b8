-- +goose Up
-- Relief goods: the catalogue, warehouses and stock kept by documents.
CREATE TABLE goods_categories (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT ''
);

-- Similar items are distinct records: name and specification together
-- are unique, so N95 and KN95 can never be one item.
CREATE TABLE goods_items (
    id            INTEGER PRIMARY KEY,
    category_id   INTEGER NOT NULL REFERENCES goods_categories(id),
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    spec          TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL,
    pack_unit     TEXT NOT NULL DEFAULT '',
    pack_size     BIGINT NOT NULL DEFAULT 0,
    medical_grade BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (name, spec)
);

CREATE TABLE warehouses (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    branch_id INTEGER NOT NULL REFERENCES branches(id)
);

-- A lot is stock kept apart: designated goods never share a lot with
-- general stock. The CHECK is the last guard; the store refuses first.
CREATE TABLE stock_lots (
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
CREATE INDEX stock_lots_item ON stock_lots(item_id, warehouse_id);

-- Each item's total in each warehouse, kept with every move so the stock
-- card's balance is one row away, not a sum over every lot.
CREATE TABLE stock_balances (
    item_id      INTEGER NOT NULL REFERENCES goods_items(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     BIGINT NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (item_id, warehouse_id)
);

CREATE TABLE stock_docs (
    id              INTEGER PRIMARY KEY,
    no              TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id),
    to_warehouse_id INTEGER REFERENCES warehouses(id),
    recipient       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- Every change of stock, with the item's balance in that warehouse after
-- it: the stock card. Never edited.
CREATE TABLE stock_moves (
    id           INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL REFERENCES stock_docs(id),
    lot_id       INTEGER NOT NULL REFERENCES stock_lots(id),
    item_id      INTEGER NOT NULL REFERENCES goods_items(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    delta        BIGINT NOT NULL,
    balance      BIGINT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX stock_moves_card ON stock_moves(item_id, warehouse_id, id);
-- +goose StatementBegin
CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves BEGIN SELECT RAISE(ABORT, 'stock_moves are immutable'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves BEGIN SELECT RAISE(ABORT, 'stock_moves are immutable'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE stock_moves;
DROP TABLE stock_docs;
DROP TABLE stock_balances;
DROP TABLE stock_lots;
DROP TABLE warehouses;
DROP TABLE goods_items;
DROP TABLE goods_categories;
