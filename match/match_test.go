package match

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

type pair struct {
	want Relation
	a, b string
}

func loadPairs(tb testing.TB) []pair {
	tb.Helper()
	f, err := os.Open("testdata/pairs.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 3 {
			tb.Fatalf("bad line %q", line)
		}
		out = append(out, pair{Relation(parts[0]), parts[1], parts[2]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestPairs(t *testing.T) {
	t.Parallel()
	pairs := loadPairs(t)
	var tp, fp, fn int
	confusion := map[[2]Relation]int{}
	for _, p := range pairs {
		score, got := Compare(p.a, p.b)
		confusion[[2]Relation{p.want, got}]++
		switch {
		case got == Duplicate && p.want == Duplicate:
			tp++
		case got == Duplicate:
			fp++
		case p.want == Duplicate:
			fn++
		}
		if got != p.want && testing.Verbose() {
			t.Logf("Compare(%q, %q) = %.3f %s, want %s (reasons %q)", p.a, p.b, score, got, p.want,
				Normalize(p.a).Compare(Normalize(p.b)).Reasons)
		}
		if p.want == Conflicting && got == Duplicate {
			t.Errorf("Compare(%q, %q) = duplicate for a contradictory pair", p.a, p.b)
		}
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("pairs=%d duplicate: P=%.3f R=%.3f F1=%.3f", len(pairs), precision, recall, 2*precision*recall/max(precision+recall, 1e-9))
	var rows []string
	for _, want := range []Relation{Duplicate, Conflicting, Related, Unrelated} {
		row := fmt.Sprintf("%-11s ->", want)
		for _, got := range []Relation{Duplicate, Conflicting, Related, Unrelated} {
			row += fmt.Sprintf(" %s=%d", got, confusion[[2]Relation{want, got}])
		}
		rows = append(rows, row)
	}
	t.Logf("confusion (label -> predicted):\n%s", strings.Join(rows, "\n"))
	if precision < 0.95 || recall < 0.80 {
		t.Errorf("duplicate P=%.3f R=%.3f, want P >= 0.95 and R >= 0.80", precision, recall)
	}
}

func TestNeverDuplicate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b string
		want       Relation
	}{
		{"opposite change and figure", "Unemployment rose to 5.3%", "Unemployment fell to 3.5%", Conflicting},
		{"figure changed", "The budget is $48.6 million.", "The budget is $46.8 million.", Conflicting},
		{"negation added", "The minister attended the meeting.", "The minister never attended the meeting.", Conflicting},
		{"denial", "Police confirmed the arrests.", "Police denied the arrests.", Conflicting},
		{"contraction", "The council approved the plan.", "The council didn't approve the plan.", Conflicting},
		{"antonym verb", "Imports increased in 2022.", "Imports decreased in 2022.", Conflicting},
		{"entity swapped", "A Polish minister attended the talks in New Delhi.", "A German minister attended the talks in New Delhi.", Related},
		{"year changed", "The treaty was signed in 1998.", "The treaty was signed in 1989.", Conflicting},
		{"name opening the sentence swapped", "Macy's is giving every shopper a $200 gift card.", "Nordstrom is giving every shopper a $200 gift card.", Related},
		{"negation in a side clause", "The mayor signed the water bill, which critics say will not lower prices.", "The mayor signed the water bill.", Related},
		{"negation of a word only one side has", "Sales did not rise in March.", "Sales rose in March.", Conflicting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			score, got := Compare(tt.a, tt.b)
			if got != tt.want {
				t.Errorf("Compare(%q, %q) = %.3f %s, want %s", tt.a, tt.b, score, got, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		numbers []string
	}{
		{"Inflation was 3.5 percent.", []string{"3.5%"}},
		{"Inflation was 3.5%.", []string{"3.5%"}},
		{"Inflation was 3.5 per cent.", []string{"3.5%"}},
		{"Five people died.", []string{"5"}},
		{"Twenty-five people died.", []string{"25"}},
		{"It cost 1,000 rupees.", []string{"1000₹"}},
		{"A fine of $3m.", []string{"3000000$"}},
		{"A fine of 3 million dollars.", []string{"3000000$"}},
		{"Profit was $3.5bn.", []string{"3500000000$"}},
		{"Spending of Rs 50,000.", []string{"50000"}},
		{"The vote is on March 3.", []string{"3", "month:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Normalize(tt.in).Numbers; !reflect.DeepEqual(got, tt.numbers) {
				t.Errorf("Normalize(%q).Numbers = %q, want %q", tt.in, got, tt.numbers)
			}
		})
	}
}

func TestNormalizeEntitiesAndNegation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		entities []string
		negated  bool
	}{
		{"A Polish minister met Indian officials.", []string{"india", "poland"}, false},
		{"U.S. officials did not attend.", []string{"usa"}, true},
		{"Defence Minister Rajnath Singh denied it.", []string{"rajnath", "singh"}, true},
		{"Nobody denied the report.", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			n := Normalize(tt.in)
			if !reflect.DeepEqual(n.Entities, tt.entities) || n.Negated != tt.negated {
				t.Errorf("Normalize(%q) entities %q negated %v, want %q %v", tt.in, n.Entities, n.Negated, tt.entities, tt.negated)
			}
		})
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	cs := []Candidate{
		{ID: "1", Text: "The stadium holds 1,000 spectators."},
		{ID: "2", Text: "Unemployment fell to 3.5%."},
		{ID: "3", Text: "In March, unemployment increased to 5.3 percent."},
	}
	got := Rank("Unemployment rose to 5.3% in March.", cs)
	if len(got) != 2 || got[0].ID != "3" || got[0].Relation != Duplicate || got[1].ID != "2" || got[1].Relation == Duplicate {
		t.Errorf("Rank = %+v, want 3 (duplicate) then 2 (not duplicate), 1 dropped", got)
	}
}

func rankFixture(tb testing.TB) (string, []Candidate) {
	pairs := loadPairs(tb)
	var cs []Candidate
	for i := 0; len(cs) < 50; i++ {
		// Two fixture sentences per candidate: about 20 words, the length
		// of a typical stored claim.
		p := pairs[i%len(pairs)]
		cs = append(cs, Candidate{ID: fmt.Sprint(i), Text: p.a + " " + p.b})
	}
	return "Unemployment rose to 5.3% in March, the statistics office said on Tuesday.", cs
}

func BenchmarkRank(b *testing.B) {
	q, cs := rankFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		Rank(q, cs)
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("Unemployment rose to 5.3%", "Unemployment fell to 3.5 per cent")
	f.Add("$3m U.S. didn't twenty-five 1,000.5bn", "₹ % per")
	f.Add("\xff$", "Rs 5 crore lifted the ban")
	f.Fuzz(func(t *testing.T, a, b string) {
		score, rel := Compare(a, b)
		if score < 0 || score > 1.0000001 || rel == "" {
			t.Fatalf("Compare(%q, %q) = %v %q", a, b, score, rel)
		}
	})
}

// FuzzNormalize checks that normalising is a function of the text alone and
// that its parts agree: Text is the tokens joined, the figure and name lists
// are sorted sets drawn from the tokens, and a claim is a duplicate of
// itself.
func FuzzNormalize(f *testing.F) {
	f.Add("Unemployment rose to 5.3% in March, the minister said.")
	f.Add("The Polish government didn't lift the ban on Tuesday.")
	f.Add("$3m U.S. twenty-five 1,000.5bn ₹ Rs 5 crore")
	f.Add("\xff\x00 n’t NOT never")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		n := Normalize(text)
		if again := Normalize(text); !reflect.DeepEqual(n, again) {
			t.Fatalf("Normalize(%q) gave %+v, then %+v", text, n, again)
		}
		if n.Text != strings.Join(n.Tokens, " ") {
			t.Fatalf("Normalize(%q).Text = %q, want the tokens %q joined", text, n.Text, n.Tokens)
		}
		tokens := map[string]bool{}
		for _, tok := range n.Tokens {
			tokens[tok] = true
		}
		for name, list := range map[string][]string{"Numbers": n.Numbers, "Entities": n.Entities} {
			if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
				t.Fatalf("Normalize(%q).%s = %q, want a sorted set", text, name, list)
			}
			for _, v := range list {
				if !tokens[v] {
					t.Fatalf("Normalize(%q).%s holds %q, which is not a token of %q", text, name, v, n.Tokens)
				}
			}
		}
		if n.Text == "" {
			return
		}
		if r := n.Compare(n); r.Relation != Duplicate || r.Score < 0.9999999 {
			t.Fatalf("Normalize(%q) compared with itself = %v %q %v, want a duplicate scoring 1", text, r.Score, r.Relation, r.Reasons)
		}
	})
}

// TestRankedNearMatchIsNeverDuplicate: however the re-ranker orders them,
// a candidate that changes a figure, swaps a name or adds a negation is
// never labelled duplicate, even when the ranked source scores it first
// and its words are all but the query's; the true rewording is.
func TestRankedNearMatchIsNeverDuplicate(t *testing.T) {
	t.Parallel()
	query := "Joe Biden said 300,000 migrants crossed the border in March."
	hard := map[string]string{
		"number":   "Joe Biden said 30,000 migrants crossed the border in March.",
		"name":     "Bernie Sanders said 300,000 migrants crossed the border in March.",
		"negation": "Joe Biden said no migrants crossed the border in March.",
		"month":    "Joe Biden said 300,000 migrants crossed the border in May.",
	}
	cs := []Candidate{{ID: "same", Text: "In March 300,000 migrants crossed the border, Joe Biden said.", Rank: 1}}
	for id, text := range hard {
		cs = append(cs, Candidate{ID: id, Text: text, Rank: 9})
	}
	got := RankAbout(query, "Joe Biden", cs)
	if len(got) != len(cs) {
		t.Fatalf("RankAbout kept %d of %d candidates: %+v", len(got), len(cs), got)
	}
	for _, r := range got {
		switch {
		case r.ID == "same" && r.Relation != Duplicate:
			t.Errorf("rewording %q = %s %v, want duplicate", r.Text, r.Relation, r.Reasons)
		case r.ID != "same" && r.Relation == Duplicate:
			t.Errorf("%s changed: %q = duplicate at score %.3f, want never duplicate", r.ID, r.Text, r.Score)
		}
	}
}

// TestRankQuotesAlike: a claim entered twice, once in single quotes and once
// in double, gets one score, and the candidates' order (the original first)
// settles the tie.
func TestRankQuotesAlike(t *testing.T) {
	t.Parallel()
	cs := []Candidate{
		{ID: "original", Text: `The Band of the Grenadier Guards played the "Imperial March" for Trump.`, Rank: 4},
		{ID: "copy", Text: `The Band of the Grenadier Guards played the 'Imperial March' for Trump.`, Rank: 4},
	}
	query := "Her Majesty's Guard plays Imperial March as President Trump inspects the guard"
	f := RankFeatures(query, "", cs)
	if f[0] != f[1] {
		t.Fatalf("features differ:\n%v\n%v", f[0], f[1])
	}
	if got := Rank(query, cs); len(got) != 2 || got[0].ID != "original" {
		t.Errorf("Rank = %+v, want the original first", got)
	}
}

// TestAlignReadsMeaning: a claim told in other words ("immigrants invaded
// a beach" for "migrants run ashore, surprising sunbathers") is aligned
// with the query well above a claim on another subject, though neither
// shares a word with it. Without the closeAt floor the gap is small (every
// pair of words has some cosine), which is why both forms are features.
func TestAlignReadsMeaning(t *testing.T) {
	t.Parallel()
	q := meaningOf("Dozens of migrants run off after their boat reaches shore, surprising sunbathers")
	alignTo := func(q, about, c meaning) alignment {
		return align(q, about, c, make([]float64, len(q.words)))
	}
	near := alignTo(q, meaning{}, meaningOf("Immigrants invaded a beach, leaving beachgoers shocked."))
	far := alignTo(q, meaning{}, meaningOf("The senator voted against the farm bill."))
	if near.claimIDF < far.claimIDF+0.2 || near.claimSIF <= far.claimSIF || near.claimExact != 0 {
		t.Errorf("align: near %+v, far %+v; want near clearly above, with no word in common", near, far)
	}
	about := alignTo(meaningOf("Thank you, Alabama"), meaningOf("Donald Trump"), meaningOf("Donald Trump altered a hurricane map of Alabama."))
	if about.aboutIDF <= about.claimIDF {
		t.Errorf("align with the poster's name: %+v, want aboutIDF above claimIDF", about)
	}
}

// TestRankConcurrently: lookups share the process's word entries
// (knownEntries, merged while others read them); run at once, from an
// empty table on, each ranks as a lookup alone does. Run it with -race.
func TestRankConcurrently(t *testing.T) {
	t.Parallel()
	pairs := loadPairs(t)
	rank := func(p pair) []Result {
		return Rank(p.a, []Candidate{{ID: "b", Text: p.b}, {ID: "a", Text: p.a + " " + p.b}})
	}
	const workers = 4
	got := make([][][]Result, workers)
	var wg sync.WaitGroup
	for g := range workers {
		got[g] = make([][]Result, len(pairs))
		wg.Go(func() {
			for i := range pairs {
				// Each starts at another place, so that they meet new
				// words at once.
				j := (i + g*len(pairs)/workers) % len(pairs)
				got[g][j] = rank(pairs[j])
			}
		})
	}
	wg.Wait()
	for i, p := range pairs {
		want := rank(p)
		for g := range workers {
			if !reflect.DeepEqual(got[g][i], want) {
				t.Fatalf("Rank(%q) = %+v at once with others, %+v alone", p.a, got[g][i], want)
			}
		}
	}
}

// TestSortTrigrams: the bucket sort orders the trigrams of texts short and
// long as slices.Sort does.
func TestSortTrigrams(t *testing.T) {
	t.Parallel()
	texts := []string{"", "aaaa", " x1 x2 x3 x4 x5 x6 x7 x8 x9 y1 y2 y3 y4 y5 y6 y7 y8 y9 z1 z2 z3"}
	for _, p := range loadPairs(t) {
		texts = append(texts, p.a, p.a+" "+p.b+" "+p.a+" ünïcödé —", strings.Repeat(p.b+" ", 8))
	}
	for _, text := range texts {
		p := " " + text + " "
		var got []uint32
		for i := 0; i+3 <= len(p); i++ {
			got = append(got, uint32(p[i])<<16|uint32(p[i+1])<<8|uint32(p[i+2]))
		}
		want := slices.Clone(got)
		slices.Sort(want)
		sortTrigrams(got)
		if !slices.Equal(got, want) {
			t.Fatalf("sortTrigrams of %q = %v, want %v", text, got, want)
		}
	}
}
