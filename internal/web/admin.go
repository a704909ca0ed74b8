package web

import (
	"net/http"
	"strconv"

	"boai"
	"boai/internal/auth"
	"boai/internal/org"
	"boai/internal/store"
)

type usersData struct {
	Users    []auth.User
	Branches []org.Branch
	Names    map[int64]string
	Roles    []auth.Role
	Tokens   []store.Token
	NewToken string // shown once, right after creation
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, st int, newToken string, err error) {
	users, uerr := s.db.Users(r.Context())
	if uerr != nil {
		s.fail(w, r, uerr)
		return
	}
	branches, berr := s.visibleBranches(r)
	if berr != nil {
		s.fail(w, r, berr)
		return
	}
	tokens, terr := s.db.Tokens(r.Context())
	if terr != nil {
		s.fail(w, r, terr)
		return
	}
	names := map[int64]string{}
	all, _ := s.db.Branches(r.Context())
	for _, b := range all {
		names[b.ID] = b.Name
	}
	p := s.page(r, "users.title")
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	p.Data = usersData{Users: users, Branches: branches, Names: names, Roles: auth.Roles, Tokens: tokens, NewToken: newToken}
	s.renderStatus(w, r, st, "users", p)
}

// formErr re-renders a form page on errors a user can fix, and fails
// otherwise.
func (s *Server) formErr(w http.ResponseWriter, r *http.Request, err error, rerender func(int, error)) {
	code := boai.ErrorCode(err)
	if code == boai.EINVALID || code == boai.ECONFLICT || code == boai.ENOTFOUND {
		rerender(status(code), err)
		return
	}
	s.fail(w, r, err)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, boai.Errorf(boai.ENOTFOUND, "记录不存在 / not found")
	}
	return id, nil
}

func formInt(r *http.Request, key string) int64 {
	n, _ := strconv.ParseInt(r.PostFormValue(key), 10, 64)
	return n
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	u := &auth.User{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: auth.Role(r.PostFormValue("role")), BranchID: formInt(r, "branch")}
	if err := s.db.CreateUser(r.Context(), actor(r), u, r.PostFormValue("password")); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderUsers(w, r, st, "", err) })
		return
	}
	http.Redirect(w, r, "/admin/users?flash=saved", http.StatusSeeOther)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.db.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.DisplayName = r.PostFormValue("display_name")
	u.Role = auth.Role(r.PostFormValue("role"))
	u.BranchID = formInt(r, "branch")
	u.Active = r.PostFormValue("active") != ""
	if u.ID == userFrom(r.Context()).ID && (!u.Active || u.Role != auth.Admin) {
		s.renderUsers(w, r, http.StatusBadRequest, "", boai.Errorf(boai.EINVALID, "不能停用自己或取消自己的管理员角色 / you cannot deactivate or demote yourself"))
		return
	}
	if err := s.db.UpdateUser(r.Context(), actor(r), u); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderUsers(w, r, st, "", err) })
		return
	}
	s.tokens.forget()
	http.Redirect(w, r, "/admin/users?flash=saved", http.StatusSeeOther)
}

func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.SetPassword(r.Context(), actor(r), id, r.PostFormValue("password")); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderUsers(w, r, st, "", err) })
		return
	}
	http.Redirect(w, r, "/admin/users?flash=saved", http.StatusSeeOther)
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret, err := s.db.CreateToken(r.Context(), actor(r), id, r.PostFormValue("name"))
	if err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderUsers(w, r, st, "", err) })
		return
	}
	// The secret is shown once, in this response, and never stored.
	w.Header().Set("Cache-Control", "no-store")
	s.renderUsers(w, r, http.StatusOK, secret, nil)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RevokeToken(r.Context(), actor(r), id); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderUsers(w, r, st, "", err) })
		return
	}
	s.tokens.forget()
	http.Redirect(w, r, "/admin/users?flash=revoked", http.StatusSeeOther)
}

type branchesData struct {
	Tree []org.Node
}

func (s *Server) branchList(w http.ResponseWriter, r *http.Request) {
	s.renderBranches(w, r, http.StatusOK, nil)
}

func (s *Server) renderBranches(w http.ResponseWriter, r *http.Request, st int, err error) {
	all, berr := s.db.Branches(r.Context())
	if berr != nil {
		s.fail(w, r, berr)
		return
	}
	p := s.page(r, "branches.title")
	if err != nil {
		p.Error = boai.ErrorMessage(err)
	}
	p.Data = branchesData{Tree: org.Tree(all)}
	s.renderStatus(w, r, st, "branches", p)
}

func (s *Server) branchCreate(w http.ResponseWriter, r *http.Request) {
	b := &org.Branch{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), NameEn: r.PostFormValue("name_en"), ParentID: formInt(r, "parent")}
	if err := s.db.CreateBranch(r.Context(), actor(r), b); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderBranches(w, r, st, err) })
		return
	}
	http.Redirect(w, r, "/admin/branches?flash=saved", http.StatusSeeOther)
}

func (s *Server) branchUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := &org.Branch{ID: id, Code: "X", Name: r.PostFormValue("name"), NameEn: r.PostFormValue("name_en")}
	if err := s.db.UpdateBranch(r.Context(), actor(r), b); err != nil {
		s.formErr(w, r, err, func(st int, err error) { s.renderBranches(w, r, st, err) })
		return
	}
	s.branchNames.Delete(id)
	http.Redirect(w, r, "/admin/branches?flash=saved", http.StatusSeeOther)
}
