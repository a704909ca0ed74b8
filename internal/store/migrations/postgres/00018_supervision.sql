-- +goose Up
-- Supervision (监督, issue #5): every alert names its subject, so a rule
-- that finds the same late approval on every scan raises it once; an
-- alert carries a severity and is acknowledged by an administrator with a
-- note, once. Alerts raised before this had no subject: each becomes its
-- own. Group robots say what they are for: approvals (as before) or
-- supervisors' alerts.
UPDATE alerts SET ref = 'alert:' || id WHERE ref = '';
ALTER TABLE alerts ADD COLUMN severity TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical'));
ALTER TABLE alerts ADD COLUMN acked_at BIGINT;
ALTER TABLE alerts ADD COLUMN acked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN ack_note TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX alerts_subject ON alerts(kind, ref);
CREATE INDEX alerts_open ON alerts(created_at) WHERE acked_at IS NULL;
-- +goose StatementBegin
CREATE FUNCTION boai_alert_ack_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'alerts are never deleted';
    END IF;
    IF OLD.acked_at IS NOT NULL OR NEW.acked_at IS NULL OR NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.ref <> OLD.ref
        OR NEW.message <> OLD.message OR NEW.created_at <> OLD.created_at OR NEW.severity <> OLD.severity THEN
        RAISE EXCEPTION 'an alert is acknowledged once and otherwise never changed';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER alerts_ack_once BEFORE UPDATE OR DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION boai_alert_ack_once();

ALTER TABLE webhooks ADD COLUMN topic TEXT NOT NULL DEFAULT 'approvals' CHECK (topic IN ('approvals', 'alerts'));

-- +goose Down
ALTER TABLE webhooks DROP COLUMN topic;
DROP TRIGGER alerts_ack_once ON alerts;
DROP FUNCTION boai_alert_ack_once;
DROP INDEX alerts_open;
DROP INDEX alerts_subject;
ALTER TABLE alerts DROP COLUMN ack_note;
ALTER TABLE alerts DROP COLUMN acked_by;
ALTER TABLE alerts DROP COLUMN acked_at;
ALTER TABLE alerts DROP COLUMN severity;
