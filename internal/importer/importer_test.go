package importer

import (
	"testing"

	"boai/internal/donation"
)

func TestDonorKindOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		want donation.DonorKind
	}{
		{"张小明", donation.Person},
		{"ZHANG XIAOMING", donation.Person},
		{"欧阳娜娜丽莎热依扎", donation.Person},
		{"买买提·艾力", donation.Person},
		{"王店生", donation.Person},
		{"杭州某某科技有限公司", donation.Organization},
		{"浙江省慈善商会", donation.Organization},
		{"Hangzhou Example Co., Ltd.", donation.Organization},
		{"西湖区文新街道办事处", donation.Organization},
	} {
		if got := DonorKindOf(tt.name); got != tt.want {
			t.Errorf("DonorKindOf(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}
