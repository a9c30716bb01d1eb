package extract

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldSentence is one labelled sentence of a fixture article.
type goldSentence struct {
	span
	checkworthy bool
	typ         Type
}

// article is a fixture rebuilt into the text a user would paste.
type article struct {
	name      string
	text      string
	sentences []goldSentence
	skipped   []span // datelines: no candidate may cover them
}

// loadArticles reads testdata/articles; see testdata/README.md.
func loadArticles(tb testing.TB) []article {
	tb.Helper()
	paths, err := filepath.Glob("testdata/articles/*.txt")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no fixtures: %v", err)
	}
	var out []article
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		a := article{name: filepath.Base(p)}
		var b strings.Builder
		newPara, first := true, true
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "#"):
				continue
			case strings.TrimSpace(line) == "":
				newPara = true
				continue
			}
			label, text, ok := strings.Cut(line, " ")
			if !ok {
				tb.Fatalf("%s: bad line %q", p, line)
			}
			switch {
			case first:
			case newPara:
				b.WriteString("\n\n")
			default:
				b.WriteString(" ")
			}
			first, newPara = false, false
			s := span{b.Len(), b.Len() + len(text)}
			b.WriteString(text)
			switch label {
			case "=":
				a.skipped = append(a.skipped, s)
			case "-":
				a.sentences = append(a.sentences, goldSentence{span: s})
			default:
				a.sentences = append(a.sentences, goldSentence{span: s, checkworthy: true, typ: Type(label)})
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
		a.text = b.String()
		out = append(out, a)
	}
	return out
}

// prf holds confusion counts for the check-worthy class.
type prf struct{ tp, fp, fn int }

func (c *prf) add(pred, gold bool) {
	switch {
	case pred && gold:
		c.tp++
	case pred:
		c.fp++
	case gold:
		c.fn++
	}
}

func (c prf) scores() (p, r, f1 float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	}
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1
}

// covering returns the candidate that overlaps s the most, or nil.
func covering(cs []Candidate, s span) *Candidate {
	var best *Candidate
	bestN := 0
	for i := range cs {
		n := min(cs[i].End, s.end) - max(cs[i].Start, s.start)
		if n > bestN {
			best, bestN = &cs[i], n
		}
	}
	return best
}

// TestQuality measures check-worthiness against the labelled fixtures and
// compares it with the "has a number" baseline.
func TestQuality(t *testing.T) {
	t.Parallel()
	var ours, baseline prf
	sentences, exact, typed, typeHits := 0, 0, 0, 0
	for _, a := range loadArticles(t) {
		cs := Candidates(a.text)
		for _, g := range a.sentences {
			sentences++
			c := covering(cs, g.span)
			if c == nil {
				t.Errorf("%s: no candidate for %q", a.name, a.text[g.start:g.end])
				continue
			}
			if c.Start == g.start && c.End == g.end {
				exact++
			} else {
				t.Errorf("%s: split %q, want %q", a.name, c.Text, a.text[g.start:g.end])
			}
			ours.add(c.Checkworthy, g.checkworthy)
			baseline.add(strings.ContainsAny(a.text[g.start:g.end], "0123456789"), g.checkworthy)
			if g.checkworthy {
				typed++
				if c.Type == g.typ {
					typeHits++
				} else if testing.Verbose() {
					t.Logf("%s: type %s, want %s: %q", a.name, c.Type, g.typ, c.Text)
				}
			}
			if testing.Verbose() && c.Checkworthy != g.checkworthy {
				t.Logf("%s: checkworthy=%v score=%.2f want %v: %q %v", a.name, c.Checkworthy, c.Score, g.checkworthy, c.Text, c.Cues)
			}
		}
		for _, s := range a.skipped {
			for _, c := range cs {
				if c.Start < s.end && c.End > s.start {
					t.Errorf("%s: candidate %q covers dateline %q", a.name, c.Text, a.text[s.start:s.end])
				}
			}
		}
	}
	p, r, f1 := ours.scores()
	bp, br, bf1 := baseline.scores()
	t.Logf("sentences=%d exact splits=%d check-worthy=%d", sentences, exact, ours.tp+ours.fn)
	t.Logf("ours:     P=%.3f R=%.3f F1=%.3f", p, r, f1)
	t.Logf("baseline: P=%.3f R=%.3f F1=%.3f (has a number)", bp, br, bf1)
	t.Logf("type accuracy on check-worthy sentences: %d/%d = %.3f", typeHits, typed, float64(typeHits)/float64(typed))
	if r < 0.85 || p < 0.70 {
		t.Errorf("P=%.3f R=%.3f, want P >= 0.70 and R >= 0.85", p, r)
	}
	if acc := float64(typeHits) / float64(typed); acc < 0.70 {
		t.Errorf("type accuracy %.3f, want >= 0.70", acc)
	}
}
