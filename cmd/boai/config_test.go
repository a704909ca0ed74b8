package main

import (
	"flag"
	"reflect"
	"testing"
	"time"
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

func TestAlertRules(t *testing.T) {
	c := defaultConfig()
	r, err := c.alertRules()
	if err != nil || r.GoodsWait != 24*time.Hour || r.ReceiptWait != 7*24*time.Hour {
		t.Fatalf("default alert rules %+v %v", r, err)
	}
	t.Setenv("BOAI_RECEIPT_DAYS", "3")
	c = defaultConfig()
	c.env()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.serveFlags(fs)
	if err := fs.Parse([]string{"--wait-hours", "6"}); err != nil {
		t.Fatal(err)
	}
	if r, err := c.alertRules(); err != nil || r.GoodsWait != 6*time.Hour || r.ReceiptWait != 3*24*time.Hour {
		t.Errorf("flag and environment: %+v %v", r, err)
	}
	for _, bad := range []Config{{WaitHours: 0, ReceiptDays: 7}, {WaitHours: 24, ReceiptDays: 0}, {WaitHours: -5, ReceiptDays: -1}} {
		if _, err := bad.alertRules(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
