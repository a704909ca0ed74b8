package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"boai"
	"boai/internal/audit"
	"boai/internal/auth"
)

const userSelect = "SELECT id, username, display_name, role, branch_id, active, created_at FROM users"

func scanUser(r interface{ Scan(...any) error }, extra ...any) (*auth.User, error) {
	var u auth.User
	var created int64
	if err := r.Scan(append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.BranchID, &u.Active, &created}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, boai.Errorf(boai.ENOTFOUND, "用户不存在 / user not found")
		}
		return nil, fmt.Errorf("scan user: %w", err)
	}
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

// userSnapshot is what the audit trail keeps of a user: never the hash.
func userSnapshot(u *auth.User) map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "role": u.Role, "branch_id": u.BranchID, "active": u.Active}
}

func validateUser(u *auth.User) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	switch {
	case len(u.Username) < 2 || len(u.Username) > 32 || strings.ContainsAny(u.Username, " \t/\\:@"):
		return boai.Errorf(boai.EINVALID, "用户名须为 2–32 个字符，不含空格和 / \\ : @ / username: 2–32 characters, no spaces")
	case !u.Role.Valid():
		return boai.Errorf(boai.EINVALID, "未知角色 %q / unknown role", u.Role)
	case u.BranchID <= 0:
		return boai.Errorf(boai.EINVALID, "请选择所属机构 / branch is required")
	}
	return nil
}

// CreateUser adds a staff account with an initial password.
func (db *DB) CreateUser(ctx context.Context, a audit.Actor, u *auth.User, password string) error {
	if err := validateUser(u); err != nil {
		return err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.Active = true
	u.CreatedAt = db.Now()
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := scanBranch(tx.queryRow(ctx, branchSelect+" WHERE id = ?", u.BranchID)); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", u.Username).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return boai.Errorf(boai.ECONFLICT, "用户名 %s 已存在 / username already taken", u.Username)
		}
		id, err := tx.insert(ctx, `INSERT INTO users (username, display_name, password_hash, role, branch_id, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, hash, u.Role, u.BranchID, true, micros(u.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		u.ID = id
		return tx.audit(ctx, a, "user.create", "user", id, nil, userSnapshot(u))
	})
}

// UpdateUser changes a user's name, role, branch and whether they may log
// in. Deactivating ends their sessions and their API tokens stop working.
func (db *DB) UpdateUser(ctx context.Context, a audit.Actor, u *auth.User) error {
	if err := validateUser(u); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		before, err := scanUser(tx.queryRow(ctx, userSelect+" WHERE id = ?", u.ID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE users SET display_name = ?, role = ?, branch_id = ?, active = ? WHERE id = ?",
			u.DisplayName, u.Role, u.BranchID, u.Active, u.ID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if !u.Active {
			if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
				return err
			}
		}
		u.Username = before.Username
		return tx.audit(ctx, a, "user.update", "user", u.ID, userSnapshot(before), userSnapshot(u))
	})
}

// SetPassword replaces a user's password and ends their sessions.
func (db *DB) SetPassword(ctx context.Context, a audit.Actor, userID int64, password string) error {
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		u, err := scanUser(tx.queryRow(ctx, userSelect+" WHERE id = ?", userID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, userID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM login_failures WHERE username = ?", u.Username); err != nil {
			return err
		}
		return tx.audit(ctx, a, "user.passwd", "user", userID, nil, map[string]any{"username": u.Username, "password": "changed"})
	})
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (*auth.User, error) {
	return scanUser(db.queryRow(ctx, userSelect+" WHERE id = ?", id))
}

// UserByName returns a user by username.
func (db *DB) UserByName(ctx context.Context, username string) (*auth.User, error) {
	return scanUser(db.queryRow(ctx, userSelect+" WHERE username = ?", strings.ToLower(strings.TrimSpace(username))))
}

// Users lists every account.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := db.query(ctx, userSelect+" ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// ErrBadLogin is the one answer to a failed login, whatever failed.
var ErrBadLogin = boai.Errorf(boai.EUNAUTHORIZED, "用户名或密码错误 / wrong username or password")

// LoginState says how many recent failures a username has and until when
// it is locked.
func (db *DB) LoginState(ctx context.Context, username string) (failures int, lockedUntil time.Time, err error) {
	var until int64
	err = db.queryRow(ctx, "SELECT failures, locked_until FROM login_failures WHERE username = ?",
		strings.ToLower(strings.TrimSpace(username))).Scan(&failures, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return failures, fromMicros(until), err
}

// Authenticate checks a username and password. The attempt is counted
// before the password is checked, in one statement, so parallel guesses
// (even on several boai processes) cannot slip past the lockout; a correct
// password clears the count. Unknown names are counted too, so they lock
// the same way and tell nothing.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*auth.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	now := db.Now()
	var failures int
	var until int64
	err := db.Write(ctx, func(tx *Tx) error {
		const next = `CASE WHEN login_failures.last_at < ? OR (login_failures.locked_until <> 0 AND login_failures.locked_until <= ?)
			THEN 1 ELSE login_failures.failures + 1 END`
		forgive, nowUS, lockEnd := micros(now.Add(-auth.LockFor)), micros(now), micros(now.Add(auth.LockFor))
		return tx.queryRow(ctx, `INSERT INTO login_failures (username, failures, last_at, locked_until) VALUES (?, 1, ?, 0)
			ON CONFLICT (username) DO UPDATE SET
				failures = `+next+`,
				locked_until = CASE WHEN `+next+` >= ?
					THEN CASE WHEN login_failures.locked_until > ? THEN login_failures.locked_until ELSE ? END
					ELSE 0 END,
				last_at = ?
			RETURNING failures, locked_until`,
			username, nowUS, forgive, nowUS, forgive, nowUS, auth.LockAfter, nowUS, lockEnd, nowUS).Scan(&failures, &until)
	})
	if err != nil {
		return nil, fmt.Errorf("count login attempt: %w", err)
	}
	if failures > auth.LockAfter && now.Before(fromMicros(until)) {
		return nil, boai.Errorf(boai.ETOOMANY, "登录失败次数过多，请 %d 分钟后再试 / too many failed logins, try again later",
			int(fromMicros(until).Sub(now).Minutes())+1)
	}
	var hash string
	u, err := scanUser(db.queryRow(ctx, "SELECT id, username, display_name, role, branch_id, active, created_at, password_hash FROM users WHERE username = ?", username), &hash)
	ok := false
	if err == nil && u.Active {
		if ok, err = auth.CheckPassword(hash, password); err != nil {
			return nil, err
		}
	} else {
		// Spend the same time as a real check, so timing does not tell
		// which usernames exist.
		_, _ = auth.CheckPassword(dummyHash, password)
	}
	if !ok {
		return nil, ErrBadLogin
	}
	if err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM login_failures WHERE username = ?", username)
		return err
	}); err != nil {
		return nil, err
	}
	return u, nil
}

var dummyHash, _ = auth.HashPassword("boai-dummy-password")

// SessionTTL is how long a login lasts without use.
const SessionTTL = 12 * time.Hour

// CreateSession starts a session for u and returns the cookie value. Only
// its hash is stored, so a copy of the database does not log anyone in.
func (db *DB) CreateSession(ctx context.Context, a audit.Actor, u *auth.User) (string, error) {
	secret := auth.NewSecret("s_")
	now := db.Now()
	err := db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			auth.HashSecret(secret), u.ID, micros(now), micros(now.Add(SessionTTL))); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return tx.audit(ctx, a, "user.login", "user", u.ID, nil, nil)
	})
	return secret, err
}

// SessionUser returns the user a live session belongs to.
func (db *DB) SessionUser(ctx context.Context, secret string) (*auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.branch_id, u.active, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active`,
		auth.HashSecret(secret), micros(db.Now())))
	if boai.ErrorCode(err) == boai.ENOTFOUND {
		return nil, boai.Errorf(boai.EUNAUTHORIZED, "请登录 / please log in")
	}
	return u, err
}

// DeleteSession logs a session out.
func (db *DB) DeleteSession(ctx context.Context, a audit.Actor, secret string) error {
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", auth.HashSecret(secret)); err != nil {
			return err
		}
		return tx.audit(ctx, a, "user.logout", "user", a.UserID, nil, nil)
	})
}

// PurgeExpired removes expired sessions and stale login failures; the
// scheduler runs it.
func (db *DB) PurgeExpired(ctx context.Context) (int64, error) {
	now := db.Now()
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", micros(now))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err = tx.exec(ctx, "DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?",
			micros(now.Add(-auth.LockFor)), micros(now)); err != nil {
			return err
		}
		// A week of job claims is plenty to see what ran where.
		_, err = tx.exec(ctx, "DELETE FROM job_runs WHERE started_at < ?", micros(now.AddDate(0, 0, -7)))
		return err
	})
	return n, err
}

// Token is an API token's public description; the secret is shown once.
type Token struct {
	ID        int64
	UserID    int64
	Username  string
	Name      string
	Prefix    string
	CreatedAt time.Time
	RevokedAt time.Time
}

// CreateToken issues an API token for a user and returns its secret.
func (db *DB) CreateToken(ctx context.Context, a audit.Actor, userID int64, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "api"
	}
	secret := auth.NewSecret("boai_")
	err := db.Write(ctx, func(tx *Tx) error {
		if _, err := scanUser(tx.queryRow(ctx, userSelect+" WHERE id = ?", userID)); err != nil {
			return err
		}
		id, err := tx.insert(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
			userID, name, auth.HashSecret(secret), secret[:9], micros(db.Now()))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return tx.audit(ctx, a, "token.create", "api_token", id, nil, map[string]any{"user_id": userID, "name": name, "prefix": secret[:9]})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeToken stops a token from working.
func (db *DB) RevokeToken(ctx context.Context, a audit.Actor, id int64) error {
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", micros(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return boai.Errorf(boai.ENOTFOUND, "令牌不存在或已撤销 / token not found or already revoked")
		}
		return tx.audit(ctx, a, "token.revoke", "api_token", id, nil, nil)
	})
}

// TokenUser returns the active user an unrevoked token belongs to.
func (db *DB) TokenUser(ctx context.Context, secret string) (*auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.branch_id, u.active, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active`,
		auth.HashSecret(secret)))
	if boai.ErrorCode(err) == boai.ENOTFOUND {
		return nil, boai.Errorf(boai.EUNAUTHORIZED, "API 令牌无效或已撤销 / invalid or revoked API token")
	}
	return u, err
}

// Tokens lists API tokens, newest first.
func (db *DB) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := db.query(ctx, `SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Username, &t.Name, &t.Prefix, &created, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.RevokedAt = fromMicros(created), nullMicros(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}
