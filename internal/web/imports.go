package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"boai"
	"boai/internal/bankstmt"
	"boai/internal/donation"
	"boai/internal/importer"
	"boai/internal/org"
	"boai/internal/store"
)

// maxUpload bounds an uploaded statement (a 100,000-row CSV is ~15 MB).
const maxUpload = 64 << 20

type importForm struct {
	Branches []org.Branch
	Fields   []bankstmt.Field
	Mappings map[string]string
	Kinds    []donation.DesignationKind
	Mapping  bankstmt.Mapping
	Values   map[string]string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.renderImportForm(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderImportForm(w http.ResponseWriter, r *http.Request, st int, m bankstmt.Mapping, err error) {
	branches, berr := s.visibleBranches(r)
	if berr != nil {
		s.fail(w, r, berr)
		return
	}
	saved, merr := s.db.Mappings(r.Context())
	if merr != nil {
		s.fail(w, r, merr)
		return
	}
	if name := r.FormValue("saved"); m == nil && name != "" {
		_ = json.Unmarshal([]byte(saved[name]), &m)
	}
	p := s.page(r, "import.title")
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	p.Data = importForm{Branches: branches, Fields: importer.Fields, Mappings: saved, Kinds: donation.DesignationKinds, Mapping: m,
		Values: map[string]string{"branch": strconv.FormatInt(userFrom(r.Context()).BranchID, 10)}}
	s.renderStatus(w, r, st, "import", p)
}

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.renderImportForm(w, r, http.StatusBadRequest, nil, boai.Errorf(boai.EINVALID, "文件过大（上限 64 MB）或无法读取 / file too large (64 MB max) or unreadable"))
		return
	}
	m := bankstmt.Mapping{}
	for _, f := range importer.Fields {
		if v := r.PostFormValue("map_" + string(f)); v != "" {
			m[f] = v
		}
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderImportForm(w, r, http.StatusBadRequest, m, boai.Errorf(boai.EINVALID, "请选择要导入的文件 / choose a file to import"))
		return
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	branch := formInt(r, "branch")
	if !userFrom(r.Context()).SeesBranch(branch) {
		s.fail(w, r, boai.Errorf(boai.EFORBIDDEN, "只能导入本机构的捐赠 / you may only import your own branch's donations"))
		return
	}
	des := donation.Designation{Kind: donation.DesignationKind(r.PostFormValue("designation_kind")), Target: strings.TrimSpace(r.PostFormValue("designation_target"))}
	if des.Designated() && des.Target == "" {
		s.renderImportForm(w, r, http.StatusBadRequest, m, boai.Errorf(boai.EINVALID, "定向导入须写明定向对象 / a designated import needs its target"))
		return
	}
	// Parse now, so a file without a recognisable header is sent back at
	// once with the reason, rather than stored.
	if _, err := bankstmt.Parse(bytes.NewReader(content), m, s.cfg.Location); err != nil {
		s.renderImportForm(w, r, http.StatusBadRequest, m, err)
		return
	}
	mj, _ := json.Marshal(m)
	if name := r.PostFormValue("save_as"); name != "" {
		if err := s.db.SaveMapping(r.Context(), actor(r), name, string(mj)); err != nil {
			s.renderImportForm(w, r, http.StatusBadRequest, m, err)
			return
		}
	}
	desJSON, _ := json.Marshal(des)
	imp := &store.Import{Filename: hdr.Filename, Content: content, Mapping: string(mj), BranchID: branch, Designation: string(desJSON)}
	if err := s.db.CreateImport(r.Context(), actor(r), imp); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d", imp.ID), http.StatusSeeOther)
}

// plan re-reads an import's file and classifies every row.
func (s *Server) plan(ctx context.Context, imp *store.Import) (*importer.Plan, error) {
	var m bankstmt.Mapping
	_ = json.Unmarshal([]byte(imp.Mapping), &m)
	var des donation.Designation
	_ = json.Unmarshal([]byte(imp.Designation), &des)
	st, err := bankstmt.Parse(bytes.NewReader(imp.Content), m, s.cfg.Location)
	if err != nil {
		return nil, err
	}
	return importer.Build(ctx, st, importer.Options{BranchID: imp.BranchID, Designation: des, ImportID: imp.ID, Now: s.db.Now()}, s.db)
}

func (s *Server) visibleImport(r *http.Request) (*store.Import, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	imp, err := s.db.Import(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !userFrom(r.Context()).SeesBranch(imp.BranchID) {
		return nil, boai.Errorf(boai.ENOTFOUND, "导入记录不存在 / import not found")
	}
	return imp, nil
}

const previewPage = 500

type previewData struct {
	Import   *store.Import
	Plan     *importer.Plan
	Lines    []importer.Line
	Verdict  string
	Page     int
	Pages    int
	Progress *progress
	Verdicts []bankstmt.Verdict
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	imp, err := s.visibleImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := previewData{Import: imp, Progress: s.imports.get(imp.ID),
		Verdicts: []bankstmt.Verdict{bankstmt.Accept, importer.Imported, bankstmt.Invalid, bankstmt.Debit, bankstmt.Total, bankstmt.Duplicate}}
	if imp.Stale(s.db.Now()) {
		imp.Status = store.ImportPreview // its process died; it may be committed again
	}
	if imp.Status == store.ImportPreview {
		pl, err := s.plan(r.Context(), imp)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Plan = pl
		d.Verdict = r.URL.Query().Get("verdict")
		var lines []importer.Line
		for _, l := range pl.Lines {
			if d.Verdict == "" || string(l.Verdict) == d.Verdict {
				lines = append(lines, l)
			}
		}
		d.Page = 1
		if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
			d.Page = n
		}
		d.Pages = (len(lines) + previewPage - 1) / previewPage
		lo := min((d.Page-1)*previewPage, len(lines))
		d.Lines = lines[lo:min(lo+previewPage, len(lines))]
	}
	p := s.page(r, "import_preview.title")
	p.Data = d
	s.render(w, r, "import_preview", p)
}

func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	imp, err := s.visibleImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pl, err := s.plan(r.Context(), imp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// What the user confirmed must be what is committed: the preview's
	// counts travel with the form.
	if got := strconv.Itoa(pl.Counts[bankstmt.Accept]); r.PostFormValue("expect") != got {
		s.fail(w, r, boai.Errorf(boai.ECONFLICT, "预览后数据已变化（可导入 %s 行），请重新核对 / the preview changed; check it again", got))
		return
	}
	if err := s.db.StartImportCommit(r.Context(), actor(r), imp.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	ds := pl.Donations()
	a := actor(r)
	pr := s.imports.start(imp.ID, len(ds))
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), store.ImportTimeout)
		defer cancel()
		n, _, _, err := s.db.CommitImport(ctx, a, imp.ID, ds, len(pl.Lines), pr.set)
		if err != nil {
			s.log.Error("import commit", "import", imp.ID, "err", err)
			_ = s.db.FailImport(context.Background(), a, imp.ID, boai.ErrorMessage(err))
			pr.finish(err)
			return
		}
		s.metrics.Recorded(donation.SourceImport, n)
		pr.finish(nil)
	}()
	http.Redirect(w, r, fmt.Sprintf("/imports/%d", imp.ID), http.StatusSeeOther)
}

func (s *Server) importProgressFragment(w http.ResponseWriter, r *http.Request) {
	imp, err := s.visibleImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "import_preview.title")
	p.Data = previewData{Import: imp, Progress: s.imports.get(imp.ID)}
	if imp.Status != store.ImportCommitting {
		// Done: tell htmx to reload the whole page with the result.
		w.Header().Set("HX-Refresh", "true")
	}
	s.render(w, r, "import_progress", p)
}

// importProgress tracks commits running in this process, for the progress
// bar. Another process shows "committing" without the count.
type importProgress struct {
	mu sync.Mutex
	m  map[int64]*progress
}

type progress struct {
	mu    sync.Mutex
	Done  int
	Total int
	Err   string
}

func newImportProgress() *importProgress { return &importProgress{m: map[int64]*progress{}} }

func (ip *importProgress) start(id int64, total int) *progress {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	p := &progress{Total: total}
	ip.m[id] = p
	return p
}

func (ip *importProgress) get(id int64) *progress {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.m[id]
}

func (p *progress) set(n int) {
	p.mu.Lock()
	p.Done = n
	p.mu.Unlock()
}

func (p *progress) finish(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.Err = boai.ErrorMessage(err)
		return
	}
	p.Done = p.Total
}

// Percent is the share done, for the progress bar.
func (p *progress) Percent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Total == 0 {
		return 100
	}
	return p.Done * 100 / p.Total
}
