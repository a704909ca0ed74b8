package web

import "boai/internal/auth"

// RouteSpec is one line of the route table as the black-box tests in
// package web_test see it.
type RouteSpec struct {
	Pattern string      // e.g. "GET /donations/{id}"
	Action  auth.Action // "" for public routes
}

// RouteSpecs exposes the route table, so the role matrix test covers every
// route, including ones added later.
func (s *Server) RouteSpecs() []RouteSpec {
	rs := s.Routes()
	out := make([]RouteSpec, len(rs))
	for i, r := range rs {
		out[i] = RouteSpec{Pattern: r.pattern, Action: r.action}
	}
	return out
}
