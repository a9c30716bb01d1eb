package extract

import (
	"reflect"
	"testing"
)

func TestTranscript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		texts     []string
		claimants []string
	}{
		{
			name:      "turns give the claimant and the label is left out",
			in:        "HOLT: Good evening.\nTRUMP: We have lost 70,000 factories. Our jobs are leaving.\nMODERATOR: Thank you.",
			texts:     []string{"Good evening.", "We have lost 70,000 factories.", "Our jobs are leaving.", "Thank you."},
			claimants: []string{"HOLT", "TRUMP", "TRUMP", "MODERATOR"},
		},
		{
			name:      "reported speech keeps its own claimant",
			in:        "LESTER HOLT: Welcome.\nCLINTON: The senator said the plan costs $2 trillion.",
			texts:     []string{"Welcome.", "The senator said the plan costs $2 trillion."},
			claimants: []string{"LESTER HOLT", "The senator"},
		},
		{
			name:      "one dateline with a colon is not a transcript",
			in:        "NEW DELHI: The government cut fuel prices by 5% on Monday.",
			texts:     []string{"NEW DELHI: The government cut fuel prices by 5% on Monday."},
			claimants: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cs := Candidates(tt.in)
			got := make([]string, len(cs))
			for i, c := range cs {
				got[i] = c.Claimant
				if tt.in[c.Start:c.End] != c.Text {
					t.Errorf("offsets [%d:%d] give %q, want %q", c.Start, c.End, tt.in[c.Start:c.End], c.Text)
				}
			}
			if !reflect.DeepEqual(texts(cs), tt.texts) || !reflect.DeepEqual(got, tt.claimants) {
				t.Errorf("Candidates(%q) = %q claimants %q, want %q claimants %q", tt.in, texts(cs), got, tt.texts, tt.claimants)
			}
		})
	}
	// A moderator's line says so.
	cs := Candidates("MODERATOR: Thank you.\nTRUMP: Taxes rose 10% last year.")
	if len(cs) != 2 || !contains(cs[0].Cues, "moderator") || contains(cs[1].Cues, "moderator") {
		t.Errorf("moderator cue on %+v", cs)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Language is told per sentence: in a mixed text only the English
// sentences are scored, and the others say why they are not.
func TestOtherLanguagesAreNotScored(t *testing.T) {
	t.Parallel()
	cs := Candidates("सरकार ने बजट में 5% की कटौती की। Imports rose 12% last year, the ministry said. " +
		"El gobierno dijo que las exportaciones subieron un 12% en 2023. 政府说出口增长了12%。")
	if len(cs) != 4 {
		t.Fatalf("Candidates = %q, want four sentences", texts(cs))
	}
	for _, c := range []struct {
		i          int
		lang, name string
	}{{0, "hi", "Hindi"}, {2, "es", "Spanish"}, {3, "zh", "Chinese"}} {
		got := cs[c.i]
		if got.Language != c.lang || got.Score != 0 || got.Checkworthy || !contains(got.Cues, "not scored: no check-worthiness model for "+c.name+" ("+c.lang+")") {
			t.Errorf("sentence %d: language %q score %.3f checkworthy %v cues %q, want %s, 0, false and the not-scored cue", c.i, got.Language, got.Score, got.Checkworthy, got.Cues, c.lang)
		}
	}
	if cs[1].Language != "en" || !cs[1].Checkworthy {
		t.Errorf("English sentence: language %q score %.3f, want en and check-worthy", cs[1].Language, cs[1].Score)
	}
}
