// Package anchor pins a quote to the readable text of one capture with the
// two W3C Web Annotation selectors that survive edits differently: a
// TextQuoteSelector (the exact words and a little context either side) and a
// TextPositionSelector (where they were). When the page is captured again,
// Reanchor finds the quote in the new text and, if the words around or
// inside it changed, says what changed as a small word diff.
//
// Positions count Unicode code points, as the Web Annotation data model
// requires (not bytes, not UTF-16 units); ByteRange converts back for Go
// strings.
package anchor

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ContextRunes is how much text a quote selector keeps either side of the
// exact quote: enough to tell two occurrences of a common phrase apart, and
// a few words to show in a diff.
const ContextRunes = 32

// TextQuoteSelector is the W3C selector of the same name.
type TextQuoteSelector struct {
	Type   string `json:"type"` // "TextQuoteSelector"
	Exact  string `json:"exact"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
}

// TextPositionSelector is the W3C selector of the same name: [Start, End)
// in code points.
type TextPositionSelector struct {
	Type  string `json:"type"` // "TextPositionSelector"
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Anchor is a quote located in one text.
type Anchor struct {
	Quote    TextQuoteSelector    `json:"quote"`
	Position TextPositionSelector `json:"position"`
}

// New anchors text[start:end] (byte offsets, as a string search returns
// them) in text.
func New(text string, start, end int) (Anchor, error) {
	if start < 0 || end > len(text) || start >= end {
		return Anchor{}, fmt.Errorf("anchor: byte range [%d,%d) outside text of %d bytes", start, end, len(text))
	}
	if !utf8.RuneStart(text[start]) || (end < len(text) && !utf8.RuneStart(text[end])) {
		return Anchor{}, fmt.Errorf("anchor: byte range [%d,%d) splits a character", start, end)
	}
	return fromRunes([]rune(text), utf8.RuneCountInString(text[:start]), utf8.RuneCountInString(text[:end])), nil
}

func fromRunes(r []rune, s, e int) Anchor {
	ps := max(0, s-ContextRunes)
	se := min(len(r), e+ContextRunes)
	return Anchor{
		Quote: TextQuoteSelector{
			Type:   "TextQuoteSelector",
			Exact:  string(r[s:e]),
			Prefix: string(r[ps:s]),
			Suffix: string(r[e:se]),
		},
		Position: TextPositionSelector{Type: "TextPositionSelector", Start: s, End: e},
	}
}

// ByteRange is the anchor's position as byte offsets into text, the text it
// was made from; an error when the position does not fit text.
func (a Anchor) ByteRange(text string) (start, end int, err error) {
	n := 0
	start, end = -1, -1
	for i := range text {
		if n == a.Position.Start {
			start = i
		}
		if n == a.Position.End {
			end = i
		}
		n++
	}
	if a.Position.End == n {
		end = len(text)
	}
	if start < 0 || end < 0 || start > end {
		return 0, 0, errors.New("anchor: position outside text")
	}
	return start, end, nil
}

// Status is what Reanchor found.
type Status string

const (
	// Intact means the exact quote is in the new text with the same words
	// around it. Its position may have moved (Result.Moved).
	Intact Status = "intact"
	// ContextChanged means the exact quote is there but the words around it
	// changed; the diff shows how.
	ContextChanged Status = "context_changed"
	// QuoteChanged means the quote's own words changed; the diff shows the
	// old and the new wording.
	QuoteChanged Status = "quote_changed"
	// Missing means nothing recognisable of the quote or its context is
	// left.
	Missing Status = "missing"
)

// Op is one kind of diff step.
type Op string

const (
	// Equal words are in both texts.
	Equal Op = "equal"
	// Delete words were only in the old text.
	Delete Op = "delete"
	// Insert words are only in the new text.
	Insert Op = "insert"
)

// Edit is a run of words with one Op.
type Edit struct {
	Op   Op     `json:"op"`
	Text string `json:"text"`
}

// Result is the outcome of Reanchor.
type Result struct {
	Status Status `json:"status"`
	// Anchor locates the quote in the new text (for QuoteChanged: the
	// passage that replaced it); zero when Missing.
	Anchor Anchor `json:"anchor"`
	Moved  bool   `json:"moved"`
	// Old and New are the compared passages: a few words either side of
	// the quote, and the quote.
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
	Diff []Edit `json:"diff,omitempty"`
}

// DiffWords is how many words of context either side of the quote a diff
// shows.
const DiffWords = 4

// Reanchor finds a's quote in newText. Matching forgives letter case, runs
// of whitespace, curly versus straight quotes and dash variants, as copied
// quotes need; it does not forgive changed words.
func Reanchor(a Anchor, newText string) Result {
	nr := []rune(newText)
	hay := foldRunes(nr)
	exact := foldString(a.Quote.Exact)
	if strings.TrimSpace(exact.s) == "" {
		return Result{Status: Missing}
	}

	if s, e, ok := bestOccurrence(hay, exact.s, a); ok {
		na := fromRunes(nr, s, e)
		res := Result{Anchor: na, Moved: s != a.Position.Start}
		if sameFold(na.Quote.Prefix, a.Quote.Prefix, true) && sameFold(na.Quote.Suffix, a.Quote.Suffix, false) {
			res.Status = Intact
			return res
		}
		res.Status = ContextChanged
		res.Old, res.New, res.Diff = diffAround(a, na)
		return res
	}

	s, e, ok := changedRegion(hay, a)
	if !ok {
		return Result{Status: Missing}
	}
	na := fromRunes(nr, s, e)
	res := Result{Status: QuoteChanged, Anchor: na, Moved: s != a.Position.Start}
	res.Old, res.New, res.Diff = diffAround(a, na)
	return res
}

// bestOccurrence picks, among the occurrences of the folded quote, the one
// whose context agrees best with the anchor's, then the one nearest the old
// position.
func bestOccurrence(hay folded, needle string, a Anchor) (start, end int, ok bool) {
	pre := foldString(a.Quote.Prefix).s
	suf := foldString(a.Quote.Suffix).s
	bestScore, bestDist := -1, 0
	for from := 0; ; {
		i := strings.Index(hay.s[from:], needle)
		if i < 0 {
			break
		}
		i += from
		s, e := hay.runeSpan(i, i+len(needle))
		score := commonSuffix(hay.s[:i], pre) + commonPrefix(hay.s[i+len(needle):], suf)
		dist := abs(s - a.Position.Start)
		if score > bestScore || (score == bestScore && dist < bestDist) {
			bestScore, bestDist, start, end, ok = score, dist, s, e, true
		}
		_, size := utf8.DecodeRuneInString(hay.s[i:])
		from = i + size
	}
	return start, end, ok
}

// changedRegion guesses where the quote went when its words changed: the
// text between its old prefix and its old suffix, or failing those, text of
// about the old length next to whichever of them is still there.
func changedRegion(hay folded, a Anchor) (start, end int, ok bool) {
	pre := strings.TrimSpace(foldString(a.Quote.Prefix).s)
	suf := strings.TrimSpace(foldString(a.Quote.Suffix).s)
	length := utf8.RuneCountInString(a.Quote.Exact)
	limit := 4*length + 200 // a rewritten quote rarely grows more than this

	preEnd := -1
	if pre != "" {
		if i := nearestIndex(hay, pre, a.Position.Start); i >= 0 {
			preEnd = i + len(pre)
		}
	}
	sufStart := -1
	if suf != "" {
		from := 0
		if preEnd >= 0 {
			from = preEnd
		}
		if i := strings.Index(hay.s[from:], suf); i >= 0 {
			sufStart = from + i
		}
	}
	switch {
	case preEnd >= 0 && sufStart >= 0 && utf8.RuneCountInString(hay.s[preEnd:sufStart]) <= limit:
		s, e := hay.runeSpan(preEnd, sufStart)
		return trimSpan(hay, s, e)
	case preEnd >= 0:
		s, _ := hay.runeSpan(preEnd, preEnd)
		return trimSpan(hay, s, min(s+length, len(hay.orig)))
	case sufStart >= 0:
		e, _ := hay.runeSpan(sufStart, sufStart)
		return trimSpan(hay, max(0, e-length), e)
	}
	return 0, 0, false
}

func trimSpan(hay folded, s, e int) (int, int, bool) {
	r := hay.src
	for s < e && unicode.IsSpace(r[s]) {
		s++
	}
	for e > s && unicode.IsSpace(r[e-1]) {
		e--
	}
	return s, e, true
}

// nearestIndex is the byte index in hay.s of the occurrence of needle whose
// end is nearest the rune position pos, or -1.
func nearestIndex(hay folded, needle string, pos int) int {
	best, bestDist := -1, 0
	for from := 0; ; {
		i := strings.Index(hay.s[from:], needle)
		if i < 0 {
			return best
		}
		i += from
		_, e := hay.runeSpan(i, i+len(needle))
		if d := abs(e - pos); best < 0 || d < bestDist {
			best, bestDist = i, d
		}
		_, size := utf8.DecodeRuneInString(hay.s[i:])
		from = i + size
	}
}

// diffAround compares the last DiffWords words of context before, the
// quote, and the first DiffWords words after, in the old and new anchors.
func diffAround(old, cur Anchor) (string, string, []Edit) {
	ow := window(old.Quote)
	nw := window(cur.Quote)
	return strings.Join(ow, " "), strings.Join(nw, " "), diffWords(ow, nw)
}

func window(q TextQuoteSelector) []string {
	// Words are taken from the joined text so a quote that starts or ends
	// inside a word ("“We", "2027,”") does not split it.
	all := []rune(q.Prefix + q.Exact + q.Suffix)
	qs := utf8.RuneCountInString(q.Prefix)
	qe := qs + utf8.RuneCountInString(q.Exact)
	type word struct{ s, e int }
	var words []word
	for i := 0; i < len(all); {
		if unicode.IsSpace(all[i]) {
			i++
			continue
		}
		j := i
		for j < len(all) && !unicode.IsSpace(all[j]) {
			j++
		}
		words = append(words, word{i, j})
		i = j
	}
	// The context was cut at a fixed length, so an outer word touching the
	// cut may be a fragment.
	if n := len(words); n > 0 && qs >= ContextRunes && words[0].s == 0 && words[0].e <= qs {
		words = words[1:]
	}
	if n := len(words); n > 0 && len(all)-qe >= ContextRunes && words[n-1].e == len(all) && words[n-1].s >= qe {
		words = words[:n-1]
	}
	var pre, mid, suf []string
	for _, w := range words {
		text := string(all[w.s:w.e])
		switch {
		case w.e <= qs:
			pre = append(pre, text)
		case w.s >= qe:
			suf = append(suf, text)
		default:
			mid = append(mid, text)
		}
	}
	pre = pre[max(0, len(pre)-DiffWords):]
	suf = suf[:min(len(suf), DiffWords)]
	out := append(pre, mid...)
	return append(out, suf...)
}

// diffWords is a longest-common-subsequence diff over words compared in
// folded form; the windows are a few dozen words, so the quadratic table is
// small.
func diffWords(a, b []string) []Edit {
	fa := make([]string, len(a))
	for i, w := range a {
		fa[i] = foldString(w).s
	}
	fb := make([]string, len(b))
	for i, w := range b {
		fb[i] = foldString(w).s
	}
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if fa[i] == fb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Edit
	add := func(op Op, w string) {
		if k := len(out); k > 0 && out[k-1].Op == op {
			out[k-1].Text += " " + w
			return
		}
		out = append(out, Edit{Op: op, Text: w})
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case fa[i] == fb[j]:
			add(Equal, b[j])
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			add(Delete, a[i])
			i++
		default:
			add(Insert, b[j])
			j++
		}
	}
	for ; i < n; i++ {
		add(Delete, a[i])
	}
	for ; j < m; j++ {
		add(Insert, b[j])
	}
	return out
}

// sameFold compares two context strings in folded form. Contexts are cut at
// a fixed length, so only the part next to the quote is compared: the end
// of a prefix, the start of a suffix.
func sameFold(a, b string, isPrefix bool) bool {
	fa, fb := foldString(a).s, foldString(b).s
	if isPrefix {
		n := commonSuffix(fa, fb)
		return n == len(fa) || n == len(fb)
	}
	n := commonPrefix(fa, fb)
	return n == len(fa) || n == len(fb)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// folded is text in comparison form with, for each byte, the code point of
// the source it came from.
type folded struct {
	s    string
	orig []int  // orig[i] is the source rune index of byte i of s
	src  []rune // the source text
}

// runeSpan maps the folded byte range [i, j) back to source code points.
func (f folded) runeSpan(i, j int) (int, int) {
	if i >= len(f.orig) {
		return len(f.src), len(f.src)
	}
	s := f.orig[i]
	if j <= i {
		return s, s
	}
	return s, f.orig[j-1] + 1
}

func foldString(s string) folded { return foldRunes([]rune(s)) }

func foldRunes(src []rune) folded {
	var b strings.Builder
	b.Grow(len(src))
	orig := make([]int, 0, len(src))
	space := false
	for i, r := range src {
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			space = true
			b.WriteByte(' ')
			orig = append(orig, i)
			continue
		}
		space = false
		n := b.Len()
		switch r {
		case '“', '”', '„', '«', '»':
			b.WriteByte('"')
		case '‘', '’', '‚', '‹', '›':
			b.WriteByte('\'')
		case '‐', '‑', '‒', '–', '—', '―', '−':
			b.WriteByte('-')
		case '…':
			b.WriteString("...")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		for range b.Len() - n {
			orig = append(orig, i)
		}
	}
	return folded{s: b.String(), orig: orig, src: src}
}
