package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"boai"
	"boai/internal/auth"
	"boai/internal/goodsimport"
	"boai/internal/org"
	"boai/internal/store"
)

// maxGoodsImport bounds an uploaded register. The file travels back with
// the commit form, so it stays well under the form limits; a register of
// 10,000 rows is about 1 MB.
const maxGoodsImport = 4 << 20

type goodsImportData struct {
	Kinds    []goodsimport.Kind
	Kind     goodsimport.Kind
	Branches []org.Branch
	Branch   int64

	// The preview.
	Sheet    *goodsimport.Sheet
	Counts   map[goodsimport.Verdict]int
	Verdicts []goodsimport.Verdict
	Records  int // groups to record
	Valid    int // groups to record or recorded before: what the commit expects
	Filename string
	Content  string // the file, base64 (URL alphabet, unpadded)
	SHA256   string

	// After committing.
	Result *store.GoodsImport
}

func (s *Server) goodsImportForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.goodsImportPage(r, goodsimport.Kind(r.URL.Query().Get("kind")), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "goodsimport.title")
	p.Data = d
	s.render(w, r, "goods_import", p)
}

// goodsImportPage is the upload form's data.
func (s *Server) goodsImportPage(r *http.Request, kind goodsimport.Kind, branch int64) (*goodsImportData, error) {
	branches, err := s.visibleBranches(r)
	if err != nil {
		return nil, err
	}
	u := userFrom(r.Context())
	if kind != goodsimport.Requests || !u.Can(auth.RequestGoods) {
		kind = goodsimport.InKind
	}
	if branch == 0 {
		branch = u.BranchID
	}
	d := &goodsImportData{Kind: kind, Branches: branches, Branch: branch, Verdicts: goodsimport.Verdicts}
	for _, k := range goodsimport.Kinds {
		if k == goodsimport.InKind || u.Can(auth.RequestGoods) {
			d.Kinds = append(d.Kinds, k)
		}
	}
	return d, nil
}

// goodsImportError shows the form again with what went wrong.
func (s *Server) goodsImportError(w http.ResponseWriter, r *http.Request, kind goodsimport.Kind, branch int64, err error) {
	code := boai.ErrorCode(err)
	if code != boai.EINVALID && code != boai.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	d, derr := s.goodsImportPage(r, kind, branch)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	p := s.page(r, "goodsimport.title")
	p.Data, p.Error = d, boai.ErrorMessage(err)
	s.renderStatus(w, r, status(code), "goods_import", p)
}

// goodsSheet reads a register for u: the kind must be u's work, an
// in-kind register goes to a branch u sees, and groups already recorded
// are marked.
func (s *Server) goodsSheet(r *http.Request, kind goodsimport.Kind, content []byte, branch int64) (*goodsimport.Sheet, error) {
	u := userFrom(r.Context())
	switch kind {
	case goodsimport.InKind:
		if scope := u.ScopeBranch(); scope != 0 {
			branch = scope
		}
		if !u.SeesBranch(branch) {
			return nil, boai.Errorf(boai.EFORBIDDEN, "只能为本机构登记物资 / you may only record goods for your own branch")
		}
	case goodsimport.Requests:
		if !u.Can(auth.RequestGoods) {
			return nil, boai.Errorf(boai.EFORBIDDEN, "无权导入调拨申请 / you may not import allocation requests")
		}
	default:
		return nil, boai.Errorf(boai.EINVALID, "请选择文件类型 / choose the kind of file")
	}
	items, err := s.db.CatalogueItems(r.Context())
	if err != nil {
		return nil, err
	}
	var recips goodsimport.Recipients
	if kind == goodsimport.Requests {
		rs, err := s.db.Recipients(r.Context())
		if err != nil {
			return nil, err
		}
		recips = goodsimport.NewRecipients(rs)
	}
	sh, err := goodsimport.Parse(kind, content, goodsimport.NewCatalogue(items), recips, s.cfg.Location)
	if err != nil {
		return nil, err
	}
	if kind == goodsimport.InKind {
		sh.SetBranch(branch)
	}
	have, err := s.db.ExistingImportRefs(r.Context(), sh.Refs())
	if err != nil {
		return nil, err
	}
	sh.MarkImported(have)
	return sh, nil
}

func (s *Server) goodsImportPreview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxGoodsImport+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.goodsImportError(w, r, "", 0, boai.Errorf(boai.EINVALID, "文件过大（上限 4 MB）或无法读取 / file too large (4 MB at most) or unreadable"))
		return
	}
	kind, branch := goodsimport.Kind(r.PostFormValue("kind")), formInt(r, "branch")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.goodsImportError(w, r, kind, branch, boai.Errorf(boai.EINVALID, "请选择要导入的文件 / choose a file to import"))
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, maxGoodsImport+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(content) > maxGoodsImport {
		s.goodsImportError(w, r, kind, branch, boai.Errorf(boai.EINVALID, "文件过大（上限 4 MB）/ file too large (4 MB at most)"))
		return
	}
	sh, err := s.goodsSheet(r, kind, content, branch)
	if err != nil {
		if boai.ErrorCode(err) == boai.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.goodsImportError(w, r, kind, branch, err)
		return
	}
	s.renderGoodsPreview(w, r, http.StatusOK, sh, branch, hdr.Filename, content, nil)
}

func (s *Server) renderGoodsPreview(w http.ResponseWriter, r *http.Request, st int, sh *goodsimport.Sheet, branch int64, filename string, content []byte, err error) {
	d, derr := s.goodsImportPage(r, sh.Kind, branch)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	sum := sha256.Sum256(content)
	d.Sheet, d.Counts, d.Records, d.Valid = sh, sh.Counts(), len(sh.Ready()), validGroups(sh)
	d.Filename, d.Content, d.SHA256 = filename, base64.RawURLEncoding.EncodeToString(content), hex.EncodeToString(sum[:])
	p := s.page(r, "goodsimport.preview_title")
	p.Data = d
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	s.renderStatus(w, r, st, "goods_import_preview", p)
}

func (s *Server) goodsImportCommit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxGoodsImport)
	if err := r.ParseForm(); err != nil {
		s.goodsImportError(w, r, "", 0, boai.Errorf(boai.EINVALID, "表单过大或无法读取 / form too large or unreadable"))
		return
	}
	kind, branch := goodsimport.Kind(r.PostFormValue("kind")), formInt(r, "branch")
	content, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("content"))
	sum := sha256.Sum256(content)
	if err != nil || len(content) == 0 || hex.EncodeToString(sum[:]) != r.PostFormValue("sha256") {
		s.goodsImportError(w, r, kind, branch, boai.Errorf(boai.EINVALID, "文件内容不完整，请重新上传 / the file did not come back whole; upload it again"))
		return
	}
	filename := r.PostFormValue("filename")
	sh, err := s.goodsSheet(r, kind, content, branch)
	if err != nil {
		if boai.ErrorCode(err) == boai.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.goodsImportError(w, r, kind, branch, err)
		return
	}
	// What the user confirmed must be what is committed: the same groups
	// valid (the catalogue or the recipients may have changed meanwhile).
	// Groups recorded since, by a second click or another clerk, are
	// skipped and counted as recorded before.
	if got := strconv.Itoa(validGroups(sh)); r.PostFormValue("expect") != got {
		s.renderGoodsPreview(w, r, http.StatusConflict, sh, branch, filename, content,
			boai.Errorf(boai.ECONFLICT, "预览后数据已变化，请重新核对 / the preview changed; check it again"))
		return
	}
	before := validGroups(sh) - len(sh.Ready())
	res, err := s.db.ImportGoods(r.Context(), actor(r), sh, filename)
	if err != nil {
		if c := boai.ErrorCode(err); c == boai.EINVALID || c == boai.ECONFLICT {
			s.renderGoodsPreview(w, r, status(c), sh, branch, filename, content, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	d, err := s.goodsImportPage(r, kind, branch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res.Existing += before
	d.Sheet, d.Filename, d.Result = sh, filename, &res
	p := s.page(r, "goodsimport.preview_title")
	p.Data = d
	s.render(w, r, "goods_import_preview", p)
}

// goodsImportTemplate sends an empty register to fill in.
func (s *Server) goodsImportTemplate(w http.ResponseWriter, r *http.Request) {
	kind := goodsimport.Kind(r.URL.Query().Get("kind"))
	if kind == "" {
		kind = goodsimport.InKind
	}
	b, err := goodsimport.Template(kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := map[goodsimport.Kind]string{goodsimport.InKind: "物资捐赠登记表", goodsimport.Requests: "调拨申请清单"}[kind]
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-template.xlsx"; filename*=UTF-8''%s`,
		kind, url.PathEscape(name+"模板.xlsx")))
	_, _ = w.Write(b)
}

// validGroups counts the groups to record or recorded before.
func validGroups(sh *goodsimport.Sheet) int {
	n := 0
	for _, g := range sh.Groups {
		if g.Verdict == goodsimport.OK || g.Verdict == goodsimport.Imported {
			n++
		}
	}
	return n
}
