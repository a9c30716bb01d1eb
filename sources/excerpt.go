package sources

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ExcerptStatus says whether a quoted excerpt was found in a source page.
type ExcerptStatus string

const (
	// ExcerptFound means the excerpt occurs in the page; Start and End
	// locate its first occurrence.
	ExcerptFound ExcerptStatus = "found"
	// ExcerptNotFound means the page does not contain the excerpt, even
	// after normalisation. The page may have changed since it was quoted,
	// or the quote may be inaccurate.
	ExcerptNotFound ExcerptStatus = "not_found"
	// NoExcerpt means the excerpt was empty or only whitespace, so there
	// was nothing to look for.
	NoExcerpt ExcerptStatus = "no_excerpt"
)

// ExcerptResult is the outcome of FindExcerpt. Start and End are byte
// offsets into the page text, so pageText[Start:End] is the matched
// passage as the page wrote it; both are zero unless Status is
// ExcerptFound.
type ExcerptResult struct {
	Status     ExcerptStatus
	Start, End int
}

// FindExcerpt looks for excerpt in pageText, forgiving the differences that
// copying and pasting introduces: letter case, runs of whitespace and
// newlines, non-breaking and zero-width spaces, soft hyphens, curly versus
// straight quotes, dash variants, "…" versus "...", and composed versus
// decomposed accents (both sides are NFC-normalised). If the excerpt is
// wrapped in quotation marks that the page lacks, they are ignored.
//
// It does not forgive changed words or punctuation, or an ellipsis that
// stands for omitted text.
func FindExcerpt(pageText, excerpt string) ExcerptResult {
	needle, _ := fold(excerpt, false)
	needle = strings.TrimSpace(needle)
	if needle == "" {
		return ExcerptResult{Status: NoExcerpt}
	}
	hay, origin := fold(pageText, true)

	i := strings.Index(hay, needle)
	if i < 0 {
		if inner := strings.TrimSpace(strings.Trim(needle, `"'`)); inner != "" && inner != needle {
			needle = inner
			i = strings.Index(hay, needle)
		}
	}
	if i < 0 {
		return ExcerptResult{Status: ExcerptNotFound}
	}
	last := origin[i+len(needle)-1]
	return ExcerptResult{
		Status: ExcerptFound,
		Start:  int(origin[i].start),
		End:    int(last.end),
	}
}

// span is the range of the original text that one byte of folded text came
// from. int32 halves the memory of the map and is plenty for page text,
// which Readable caps well below 2 GiB.
type span struct{ start, end int32 }

// fold returns s in the comparison form FindExcerpt uses. When track is
// set it also returns, for each byte of the result, the span of s it came
// from.
func fold(s string, track bool) (string, []span) {
	f := folder{track: track, out: make([]byte, 0, len(s))}
	if track {
		f.origin = make([]span, 0, len(s))
	}
	// Almost all text is already NFC, and walking it rune by rune is several
	// times faster than the normalising iterator.
	if norm.NFC.IsNormalString(s) {
		for i := 0; i < len(s); {
			// The width comes from the input, not from r: an invalid byte
			// decodes to U+FFFD, whose encoding is three bytes long, but
			// it covers only the one byte of the page it came from.
			r, size := utf8.DecodeRuneInString(s[i:])
			f.add(r, span{int32(i), int32(i + size)})
			i += size
		}
		return string(f.out), f.origin
	}
	var it norm.Iter
	it.InitString(norm.NFC, s)
	for !it.Done() {
		// A segment is a starter and its combining marks; everything
		// folded from it maps back to the whole segment.
		from := span{start: int32(it.Pos())}
		seg := it.Next()
		from.end = int32(it.Pos())
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			f.add(r, from)
		}
	}
	return string(f.out), f.origin
}

type folder struct {
	out    []byte
	origin []span
	track  bool
	space  bool // inside a whitespace run, which folds to one space
}

func (f *folder) add(r rune, from span) {
	before := len(f.out)
	switch {
	case r < utf8.RuneSelf:
		c := byte(r)
		switch {
		case asciiSpace[c]:
			if f.space {
				return
			}
			f.space = true
			f.out = append(f.out, ' ')
			f.mark(before, from)
			return
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		f.out = append(f.out, c)
	case isInvisible(r):
		return
	case unicode.IsSpace(r):
		if f.space {
			return
		}
		f.space = true
		f.out = append(f.out, ' ')
		f.mark(before, from)
		return
	default:
		f.out = foldRune(f.out, r)
	}
	f.space = false
	f.mark(before, from)
}

// mark records that the bytes appended since before came from the span
// from.
func (f *folder) mark(before int, from span) {
	if !f.track {
		return
	}
	for range len(f.out) - before {
		f.origin = append(f.origin, from)
	}
}

// foldRune appends the comparison form of the non-ASCII rune r to b:
// typographic quotes, dashes and the ellipsis become their ASCII spelling,
// letters one case.
func foldRune(b []byte, r rune) []byte {
	switch r {
	case '“', '”', '„', '‟', '″', '«', '»', '＂':
		return append(b, '"')
	case '‘', '’', '‚', '‛', '′', '‹', '›', '＇':
		return append(b, '\'')
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return append(b, '-')
	case '…':
		return append(b, "..."...)
	}
	// Upper then lower maps every case variant, such as final sigma or
	// the Kelvin sign, to one form.
	return utf8.AppendRune(b, unicode.ToLower(unicode.ToUpper(r)))
}

// isInvisible reports characters that render as nothing and so are not
// reproduced when a reader retypes or copies a passage.
func isInvisible(r rune) bool {
	switch r {
	case '\u00AD', // soft hyphen
		'\u200B', '\u200C', '\u200D', // zero-width space, non-joiner, joiner
		'\u2060', '\uFEFF': // word joiner, byte-order mark
		return true
	}
	return false
}
