package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// serve refuses a bad setting before it opens anything, each with its
// flag named.
func TestServeRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct{ args []string }{
		{[]string{"--wait-hours", "0"}},
		{[]string{"--receipt-days", "0"}},
		{[]string{"--disclosure-at", "13:00", "--disclosure-due", "12:00"}},
		{[]string{"--second-approval", "lots"}},
	} {
		data := t.TempDir()
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, tt.args...), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.args[len(tt.args)-2]) {
			t.Errorf("serve %v: %v; want an error naming %s", tt.args, err, tt.args[len(tt.args)-2])
		}
		if _, err := os.Stat(filepath.Join(data, "boai.db")); err == nil {
			t.Errorf("serve %v opened the database before refusing", tt.args)
		}
	}
}
