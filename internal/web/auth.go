package web

import (
	"net/http"
	"time"

	"boai"
	"boai/internal/auth"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next"), "/dashboard"), http.StatusSeeOther)
		return
	}
	p := s.page(r, "login.title")
	p.Data = map[string]string{"Next": r.URL.Query().Get("next")}
	s.render(w, r, "public_login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"), "/dashboard")
	// Slow down guessing before the lockout: each failure past the first
	// few makes the next answer wait longer.
	failures, _, err := s.db.LoginState(r.Context(), username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d := auth.LoginDelay(failures); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	u, err := s.db.Authenticate(r.Context(), username, password)
	if err != nil {
		code := boai.ErrorCode(err)
		if code != boai.EUNAUTHORIZED && code != boai.ETOOMANY {
			s.fail(w, r, err)
			return
		}
		p := s.page(r, "login.title")
		p.Error = boai.ErrorMessage(err)
		p.Data = map[string]string{"Next": next, "Username": username}
		s.renderStatus(w, r, status(code), "public_login", p)
		return
	}
	a := actor(r)
	a.UserID, a.Username, a.Role = u.ID, u.Username, string(u.Role)
	secret, err := s.db.CreateSession(r.Context(), a, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, r, secret, int(12*time.Hour/time.Second))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && userFrom(r.Context()) != nil {
		if err := s.db.DeleteSession(r.Context(), actor(r), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login?flash=logged_out", http.StatusSeeOther)
}
