-- +goose Up
-- PostgreSQL twin of migrations/sqlite/00011.
-- In-kind donations and allocation requests imported from a register carry
-- the reference of their rows' content, so importing a file again adds
-- nothing. Records entered by hand have none.
ALTER TABLE inkind_donations ADD COLUMN import_ref TEXT;
CREATE UNIQUE INDEX inkind_donations_import_ref ON inkind_donations(import_ref) WHERE import_ref IS NOT NULL;
ALTER TABLE alloc_requests ADD COLUMN import_ref TEXT;
CREATE UNIQUE INDEX alloc_requests_import_ref ON alloc_requests(import_ref) WHERE import_ref IS NOT NULL;

-- +goose Down
DROP INDEX alloc_requests_import_ref;
ALTER TABLE alloc_requests DROP COLUMN import_ref;
DROP INDEX inkind_donations_import_ref;
ALTER TABLE inkind_donations DROP COLUMN import_ref;
