package learn

import "testing"

func TestPorterStem(t *testing.T) {
	t.Parallel()
	// Porter's own examples, from the 1980 paper and his vocabulary list.
	for w, want := range map[string]string{
		"caresses": "caress", "ponies": "poni", "ties": "ti", "cats": "cat", "feed": "feed",
		"agreed": "agre", "plastered": "plaster", "motoring": "motor", "sing": "sing",
		"conflated": "conflat", "troubled": "troubl", "sized": "size", "hopping": "hop",
		"tanned": "tan", "falling": "fall", "hissing": "hiss", "fizzed": "fizz", "failing": "fail",
		"filing": "file", "happy": "happi", "sky": "sky", "relational": "relat", "conditional": "condit",
		"rational": "ration", "valenci": "valenc", "digitizer": "digit", "generalization": "gener",
		"triplicate": "triplic", "formative": "form", "hopeful": "hope", "goodness": "good",
		"revival": "reviv", "allowance": "allow", "adoption": "adopt", "controll": "control",
		"roll": "roll", "generate": "gener", "probate": "probat", "rate": "rate", "cease": "ceas",
		"president": "presid", "vaccines": "vaccin", "australian": "australian", "us": "us",
	} {
		if got := porterStem(w); got != want {
			t.Errorf("porterStem(%q) = %q, want %q", w, got, want)
		}
	}
}
