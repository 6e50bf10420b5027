package extensivtest

import "testing"

func TestRQLMatch(t *testing.T) {
	fields := map[string]any{"referencenum": "PO-000042", "ponum": "PO-000042", "readonly.status": 1, "readonly.receiverid": 1005}
	field := func(name string) any { return fields[name] }

	cases := []struct {
		rql  string
		want bool
	}{
		{"referenceNum==PO-000042", true},
		{"REFERENCENUM==po-000042", true},
		{"referenceNum==PO-*", true},
		{"referenceNum==*42", true},
		{"referenceNum==*00004*", true},
		{"referenceNum==PO-%2A", false},
		{"referenceNum!=PO-000042", false},
		{"readOnly.status==1;readOnly.receiverId=gt=1000", true},
		{"readOnly.status==0;readOnly.receiverId=gt=1000", false},
		{"readOnly.status==0,readOnly.receiverId=ge=1005", true},
		{"readOnly.receiverId=lt=1005", false},
		{"readOnly.receiverId=le=1005", true},
		{"readOnly.status=in=(0,1)", true},
		{"readOnly.status=out=(0,1)", false},
		{"(poNum=in=(PO-000001,PO-000042),referenceNum==X);readOnly.status==1", true},
		{"(poNum==PO-000001,referenceNum==X);readOnly.status==1", false},
		{"poNum=in=(PO%2D000042)", true},
	}
	for _, tc := range cases {
		node, err := parseRQL(tc.rql)
		if err != nil {
			t.Errorf("%s: %v", tc.rql, err)
			continue
		}
		if got := node.match(field); got != tc.want {
			t.Errorf("%s matched %v, want %v", tc.rql, got, tc.want)
		}
	}
}

func TestRQLRejectsBadSyntax(t *testing.T) {
	for _, rql := range []string{"(referenceNum==A", "referenceNum", "==A", "status=like=A", "ponum=in=A", "a==b)"} {
		if _, err := parseRQL(rql); err == nil {
			t.Errorf("%q parsed without error", rql)
		}
	}
	node, err := parseRQL("colour==red")
	if err != nil {
		t.Fatal(err)
	}
	if err := node.check(receiverFields); err == nil {
		t.Error("unknown property colour passed the check")
	}
}
