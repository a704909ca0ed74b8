package main

import (
	"reflect"
	"testing"
)

func TestApprovalStepsAndIntakeRoles(t *testing.T) {
	c := defaultConfig()
	steps, roles, err := c.approvalSteps()
	if err != nil || !reflect.DeepEqual(steps, []string{"taskforce", "leadership"}) ||
		!reflect.DeepEqual(roles["leadership"], []string{"approver", "admin"}) {
		t.Fatalf("default steps %v %v %v", steps, roles, err)
	}
	for _, bad := range []string{"", "taskforce", "taskforce=clerk,taskforce=admin", "a=nobody", "=clerk"} {
		c.ApprovalSteps = bad
		if _, _, err := c.approvalSteps(); err == nil {
			t.Errorf("--approval-steps %q accepted", bad)
		}
	}
	c.ApprovalSteps = "专班=clerk, 分管领导=approver+admin, 会长=admin"
	if steps, roles, err := c.approvalSteps(); err != nil || len(steps) != 3 || steps[2] != "会长" || len(roles["分管领导"]) != 2 {
		t.Errorf("three steps: %v %v %v", steps, roles, err)
	}
	if r, err := c.intakeRoles(); err != nil || !reflect.DeepEqual(r, []string{"unloading", "sorting", "counting"}) {
		t.Errorf("default intake roles %v %v", r, err)
	}
	for _, bad := range []string{"", ",", "unloading,guessing"} {
		c.IntakeRoles = bad
		if _, err := c.intakeRoles(); err == nil {
			t.Errorf("--intake-roles %q accepted", bad)
		}
	}
}
