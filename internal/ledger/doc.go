// Package ledger is the society's double-entry book in integer fen: the
// chart of accounts, balanced transactions that are never edited (a
// correction is a reversing transaction), restricted funds that are spent
// only on what the donor named and never below zero, expenditures and their
// approval, the first-in-first-out links from donations to the spending
// they paid for, the utilisation rate, the trial balance and period close.
//
// It holds the rules only: no SQL, no HTTP. The store posts a donation's
// transaction in the same database transaction as the donation itself.
//
// # Balances in the store
//
// Postings are append-only rows; nothing updates a balance row per
// posting, because nearly every donation credits the same few accounts and
// such a row would serialise all intake behind one lock. A balance is
// derived: a checkpoint per account (its balance through some posting id,
// rolled forward in the background and at period close) plus the sum of
// the few postings after it, which an index on (account, id) keeps short.
//
// Only spending lowers a fund (a payment, a release, the reversal of a
// donation); donations only raise it, so they commute, never read a
// balance and never wait. A spend reads the fund's available balance
// (balance less approved, unpaid claims), runs CheckAvailable and posts, in
// one write transaction: boai's single writer already runs those one at a
// time, and on PostgreSQL a transaction-scoped advisory lock on the fund,
// taken by spends alone, keeps the rule should there ever be several
// writers. A late donation can only make the balance read too low, never
// too high, so the check stays safe without locking intake.
package ledger
