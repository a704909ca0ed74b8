// Package tlog is boai's verifiable public log: an append-only RFC 6962
// Merkle log with signed checkpoints, stored as C2SP tlog-tiles static
// files, with proof bundles anyone can check offline and a full audit.
//
// The Merkle tree hashing, compact ranges and proofs are
// transparency-dev's (github.com/transparency-dev/merkle), checkpoints
// and proof bundles are marshalled by github.com/transparency-dev/formats,
// and signatures are signed notes (golang.org/x/mod/sumdb/note, Ed25519).
// This package only lays tiles out on disk and reads them back.
//
// # Layout
//
// A log directory can be served as it is by any static file server, and
// mirrored by copying it (https://c2sp.org/tlog-tiles):
//
//	checkpoint               C2SP tlog-checkpoint signed note; the only file that changes
//	tile/<L>/<N>             full tile: 256 SHA-256 hashes at level L (8 KiB)
//	tile/<L>/<N>.p/<W>       partial tile of W hashes, for the current checkpoint's size
//	tile/entries/<N>         full entry bundle: 256 entries, each a big-endian uint16 length and the bytes
//	tile/entries/<N>.p/<W>   partial entry bundle of W entries
//	.lock, .tmp/             the writer's lock and temporary files; not part of the log
//
// <N> is split into x-prefixed three-digit segments (tile 1234067 is
// x001/x234/067). Partial files are removed once the full tile replaces
// them and a checkpoint covers it; readers holding an older checkpoint
// fall back to the full file, as the spec allows. An entry is at most
// MaxEntrySize bytes.
//
// # Crash safety
//
// Every file is written to .tmp/, fsynced and only then renamed into
// place, so a file is either absent or whole. An append writes its entry
// bundles and tiles (their fsyncs run together, and the renames follow in
// index order), fsyncs every directory touched, and only then renames the
// new checkpoint into place and fsyncs the log's directory. A checkpoint
// therefore never points past what is on disk.
//
// Open recovers from a crash anywhere in between. It verifies the
// checkpoint's signature, rebuilds the tree's right edge from the tiles
// and checks it against the checkpoint's root hash (the other tiles are
// Audit's business). Entries found in the
// bundles past the checkpoint — a batch whose checkpoint was not written —
// are completed: appended again (rewriting the same bundles and tiles) and
// checkpointed. Bundles are written in index order, so what survives is a
// prefix of the batch. A bundle past the checkpoint that cannot be parsed
// (only possible if damaged after its write) is removed with every bundle
// after it, truncating the log there.
//
// # Exactly once
//
// The log does not know its caller's records; exactly-once logging is the
// caller's job, with an outbox written in the same database transaction
// as the record it publishes. Number the outbox rows by the log index
// they will take and append them with AppendAt, which refuses a batch
// that does not start at Size. After a crash, rows below Size are in the
// log (completed by Open if need be) and are marked done; the rest are
// appended again. Only one process may write a log directory: Open takes
// an flock on it, and several hosts must elect the writer themselves (a
// database lock).
package tlog
