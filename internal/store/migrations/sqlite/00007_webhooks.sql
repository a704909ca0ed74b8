-- +goose Up
-- Group robots approvers are told through, and the outbox of messages to
-- them: written with the record they tell of, sent with retries.
CREATE TABLE webhooks (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    url    TEXT NOT NULL,
    label  TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE webhook_deliveries (
    id         INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    BIGINT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
