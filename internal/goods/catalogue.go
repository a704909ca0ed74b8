package goods

// SeedCategories and SeedItems are the catalogue a new society starts
// with; admins edit it afterwards. Similar protective equipment is listed
// item by item, each with the standard it meets.
var SeedCategories = []Category{
	{Code: "MED", Name: "医用防护物资", NameEn: "Medical protection"},
	{Code: "LIVE", Name: "生活物资", NameEn: "Living supplies"},
}

// SeedItems refer to their category by position in SeedCategories
// (CategoryID 1 or 2).
var SeedItems = []Item{
	{CategoryID: 1, Code: "MASK-N95", Name: "N95 医用防护口罩", NameEn: "N95 medical respirator", Spec: "GB 19083-2010", Unit: "只", PackUnit: "箱", PackSize: 20, MedicalGrade: true},
	{CategoryID: 1, Code: "MASK-KN95", Name: "KN95 防护口罩", NameEn: "KN95 respirator", Spec: "GB 2626-2019（非医用）", Unit: "只", PackUnit: "箱", PackSize: 20},
	{CategoryID: 1, Code: "MASK-SURG", Name: "医用外科口罩", NameEn: "Medical surgical mask", Spec: "YY 0469-2011", Unit: "只", PackUnit: "箱", PackSize: 50, MedicalGrade: true},
	{CategoryID: 1, Code: "MASK-DISP", Name: "一次性使用医用口罩", NameEn: "Disposable medical mask", Spec: "YY/T 0969-2013", Unit: "只", PackUnit: "箱", PackSize: 50, MedicalGrade: true},
	{CategoryID: 1, Code: "SUIT-PROT", Name: "医用一次性防护服", NameEn: "Medical protective suit", Spec: "GB 19082-2009", Unit: "件", PackUnit: "箱", PackSize: 10, MedicalGrade: true},
	{CategoryID: 1, Code: "GOWN-ISO", Name: "一次性隔离衣", NameEn: "Isolation gown", Spec: "YY/T 1499-2016", Unit: "件", PackUnit: "箱", PackSize: 20, MedicalGrade: true},
	{CategoryID: 1, Code: "GOGGLES", Name: "医用护目镜", NameEn: "Medical goggles", Unit: "副", PackUnit: "箱", PackSize: 20, MedicalGrade: true},
	{CategoryID: 1, Code: "FACESHIELD", Name: "医用防护面屏", NameEn: "Face shield", Unit: "个", PackUnit: "箱", PackSize: 50, MedicalGrade: true},
	{CategoryID: 1, Code: "GLOVES-NIT", Name: "一次性医用检查手套", NameEn: "Medical examination gloves", Spec: "丁腈", Unit: "副", PackUnit: "盒", PackSize: 50, MedicalGrade: true},
	{CategoryID: 1, Code: "DISINF-84", Name: "84 消毒液", NameEn: "84 disinfectant", Spec: "500 ml", Unit: "瓶", PackUnit: "箱", PackSize: 24},
	{CategoryID: 1, Code: "THERMO-IR", Name: "红外额温枪", NameEn: "Infrared thermometer", Unit: "支", PackUnit: "箱", PackSize: 10, MedicalGrade: true},
	{CategoryID: 2, Code: "RICE-10", Name: "大米", NameEn: "Rice", Spec: "10 kg", Unit: "袋"},
	{CategoryID: 2, Code: "OIL-5", Name: "食用油", NameEn: "Cooking oil", Spec: "5 L", Unit: "桶", PackUnit: "箱", PackSize: 4},
	{CategoryID: 2, Code: "QUILT", Name: "棉被", NameEn: "Quilt", Unit: "条"},
	{CategoryID: 2, Code: "FAN", Name: "电风扇", NameEn: "Electric fan", Unit: "台"},
	{CategoryID: 2, Code: "COAT-WINTER", Name: "冬衣", NameEn: "Winter clothing", Unit: "件", PackUnit: "包", PackSize: 10},
}
