package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"boai/internal/audit"
	"boai/internal/auth"
	"boai/internal/store"
)

var cliActor = audit.Actor{Username: "cli", Role: "admin", Via: "cli"}

// userCmd manages accounts from the shell: the first admin is made here.
func userCmd(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New("usage: boai user add|passwd|token NAME [flags]")
	}
	sub, name := args[0], args[1]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	cfg.flags(fs)
	role := fs.String("role", "", "role: "+rolesList())
	branch := fs.String("branch", "", "branch code (default: the city society, the tree's root)")
	display := fs.String("display-name", "", "name shown in the UI")
	label := fs.String("label", "cli", "what the token is for")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		r := auth.Role(*role)
		if !r.Valid() {
			return fmt.Errorf("--role must be one of: %s", rolesList())
		}
		bid, err := branchID(ctx, db, *branch)
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		u := &auth.User{Username: name, DisplayName: *display, Role: r, BranchID: bid}
		if err := db.CreateUser(ctx, cliActor, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s created (%s)\n", u.Username, u.Role)
	case "passwd":
		u, err := db.UserByName(ctx, name)
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, cliActor, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed\n", u.Username)
	case "token":
		u, err := db.UserByName(ctx, name)
		if err != nil {
			return err
		}
		secret, err := db.CreateToken(ctx, cliActor, u.ID, *label)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
	default:
		return fmt.Errorf("unknown user command %q (add, passwd, token)", sub)
	}
	return nil
}

func rolesList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// readPassword reads one line; boai never takes a password as an argument,
// where it would sit in the shell history and the process list.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("password expected on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// branchID resolves a branch code, or the root of the tree when code is empty.
func branchID(ctx context.Context, db *store.DB, code string) (int64, error) {
	if code != "" {
		b, err := db.BranchByCode(ctx, strings.ToUpper(code))
		if err != nil {
			return 0, fmt.Errorf("branch %s: %w", code, err)
		}
		return b.ID, nil
	}
	bs, err := db.Branches(ctx)
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		if b.ParentID == 0 {
			return b.ID, nil
		}
	}
	return 0, errors.New("no branch yet: create the society first (boai serve --demo does)")
}
