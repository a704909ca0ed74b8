package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"boai/internal/bankstmt"
	"boai/internal/donation"
	"boai/internal/importer"
	"boai/internal/store"
)

// importCmd imports a bank statement: the same verdicts as the web
// preview, then one all-or-nothing commit.
func importCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "donations" {
		return errors.New("usage: boai import donations FILE [--branch CODE] [--designation D] [--dry-run]")
	}
	fs := flag.NewFlagSet("import donations", flag.ContinueOnError)
	cfg.flags(fs)
	branch := fs.String("branch", "", "receiving branch code (default: the city society)")
	des := fs.String("designation", "", `designation for every row: "" (undesignated), or e.g. "institution:浙大一院"`)
	dry := fs.Bool("dry-run", false, "show the verdicts, record nothing")
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: boai import donations FILE [--branch CODE] [--designation D] [--dry-run]")
	}
	file := pos[0]
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	loc, _ := cfg.location()
	bid, err := branchID(ctx, db, *branch)
	if err != nil {
		return err
	}
	st, err := bankstmt.Parse(bytes.NewReader(content), nil, loc)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	plan, err := importer.Build(ctx, st, importer.Options{BranchID: bid, Designation: donation.ParseDesignation(*des), Now: db.Now()}, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s, %s, header on row %d, %d rows\n", file, st.Format, st.Encoding, st.HeaderRow, len(st.Rows))
	for _, l := range plan.Lines {
		if l.Verdict != bankstmt.Accept && l.Verdict != importer.Imported {
			fmt.Fprintf(stdout, "  line %d: %s: %s\n", l.Line, l.Verdict, l.Reason)
		}
	}
	for v, n := range plan.Counts {
		fmt.Fprintf(stdout, "  %-10s %d\n", v, n)
	}
	fmt.Fprintf(stdout, "  to import: %d donations, %s\n", plan.Counts[bankstmt.Accept], plan.AcceptFen.Yuan())
	if *dry || plan.Counts[bankstmt.Accept] == 0 {
		return nil
	}
	imp := &store.Import{Filename: filepath.Base(file), Content: content, Mapping: "{}", BranchID: bid, Designation: "{}"}
	if err := db.CreateImport(ctx, cliActor, imp); err != nil {
		return err
	}
	if err := db.StartImportCommit(ctx, cliActor, imp.ID); err != nil {
		return err
	}
	ds := plan.Donations()
	for _, d := range ds {
		d.ImportID = imp.ID
	}
	added, skipped, total, err := db.CommitImport(ctx, cliActor, imp.ID, ds, len(plan.Lines), func(n int) {
		fmt.Fprintf(stdout, "\r  committing… %d", n)
	})
	if err != nil {
		_ = db.FailImport(ctx, cliActor, imp.ID, err.Error())
		return err
	}
	fmt.Fprintf(stdout, "\rimported %d donations (%s); %d already there\n", added, total.Yuan(), skipped)
	return nil
}
