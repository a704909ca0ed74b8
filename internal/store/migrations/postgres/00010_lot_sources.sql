-- +goose Up
-- A lot now also records the in-kind donation line its goods came from
-- (source_line, 0 for goods without one), so every dispatched unit
-- traces back to a donation line and carries that line's value. Lots of
-- different lines are never merged: the lot key gains the column.
ALTER TABLE stock_lots ADD COLUMN source_line BIGINT NOT NULL DEFAULT 0;
-- +goose StatementBegin
DO $$
DECLARE c TEXT;
BEGIN
    SELECT conname INTO c FROM pg_constraint WHERE conrelid = 'stock_lots'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE stock_lots DROP CONSTRAINT %I', c);
END $$;
-- +goose StatementEnd
ALTER TABLE stock_lots ADD CONSTRAINT stock_lots_key
    UNIQUE (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor, source_line);
CREATE INDEX stock_lots_source ON stock_lots(source_line) WHERE source_line <> 0;

-- +goose Down
DROP INDEX stock_lots_source;
ALTER TABLE stock_lots DROP CONSTRAINT stock_lots_key;
ALTER TABLE stock_lots DROP COLUMN source_line;
ALTER TABLE stock_lots ADD UNIQUE (item_id, warehouse_id, batch, expiry, designation_kind, designation_target, donor);
