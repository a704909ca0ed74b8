// Package org is the city society and its district/county branches.
package org

import (
	"regexp"
	"strings"

	"boai"
)

// Branch is a node of the society tree. The city society is the root
// (ParentID 0); district and county branches hang under it.
type Branch struct {
	ID       int64
	ParentID int64
	Code     string // short stable code, e.g. "HZ", "HZ-XH"
	Name     string // 杭州市西湖区红十字会
	NameEn   string
}

var codeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,31}$`)

// Validate checks a branch before it is stored.
func (b *Branch) Validate() error {
	b.Code = strings.ToUpper(strings.TrimSpace(b.Code))
	b.Name = strings.TrimSpace(b.Name)
	b.NameEn = strings.TrimSpace(b.NameEn)
	if !codeRE.MatchString(b.Code) {
		return boai.Errorf(boai.EINVALID, "机构代码只能包含大写字母、数字和连字符 / branch code: A-Z, 0-9 and '-' only")
	}
	if b.Name == "" {
		return boai.Errorf(boai.EINVALID, "请填写机构名称 / branch name is required")
	}
	return nil
}

// Tree orders branches depth-first from the roots, with their depth, for
// display as an indented tree.
func Tree(bs []Branch) []Node {
	children := map[int64][]Branch{}
	for _, b := range bs {
		children[b.ParentID] = append(children[b.ParentID], b)
	}
	var out []Node
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, b := range children[parent] {
			out = append(out, Node{Branch: b, Depth: depth})
			walk(b.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

// Node is a branch with its depth in the tree.
type Node struct {
	Branch
	Depth int
}
