package extract

import (
	"unicode"
	"unicode/utf8"
)

// token is a word, number or punctuation mark inside one sentence.
type token struct {
	text       string // as written
	low        string // ASCII lower case
	start, end int    // byte offsets into the sentence
	word       bool   // letters or digits; false for punctuation
	digit      bool   // contains an ASCII digit
	upper      bool   // starts with an upper-case letter
}

// tokenize appends the tokens of s to dst. Words keep inner dots, commas,
// apostrophes and hyphens when a letter or digit follows ("3.5", "1,000",
// "U.S", "first-ever"), so numbers stay whole.
func tokenize(s string, dst []token) []token {
	for i := 0; i < len(s); {
		c := s[i]
		if isSpaceByte(c) {
			i++
			continue
		}
		r, n := rune(c), 1
		if c >= 0x80 {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !isAlnum(r) {
			if r == unicode.ReplacementChar && n == 1 || unicode.IsSpace(r) {
				i += n
				continue
			}
			dst = append(dst, token{text: s[i : i+n], low: s[i : i+n], start: i, end: i + n})
			i += n
			continue
		}
		j := i
		digit := false
		for j < len(s) {
			c := s[j]
			if c < 0x80 {
				if c >= '0' && c <= '9' {
					digit = true
					j++
					continue
				}
				if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
					j++
					continue
				}
				if (c == '.' || c == ',' || c == '\'' || c == '-') && j+1 < len(s) && isAlnumByte(s[j+1]) {
					// Commas only join digits: "1,000" but not "Delhi,India".
					if c == ',' && !(s[j-1] >= '0' && s[j-1] <= '9' && s[j+1] >= '0' && s[j+1] <= '9') {
						break
					}
					j++
					continue
				}
				break
			}
			r, m := utf8.DecodeRuneInString(s[j:])
			if isAlnum(r) {
				j += m
				continue
			}
			if r == '’' && j+m < len(s) && isAlnumByte(s[j+m]) {
				j += m
				continue
			}
			break
		}
		// Keep the full stop of a title or an initial with its word, so
		// "Mr. Sharma" and "Lloyd J. Austin" stay one name.
		if j < len(s) && s[j] == '.' && j+1 < len(s) && s[j+1] == ' ' &&
			(titleAbbrevs[lower(s[i:j])] || j-i == 1 && s[i] >= 'A' && s[i] <= 'Z') {
			j++
		}
		w := s[i:j]
		dst = append(dst, token{
			text:  w,
			low:   lower(w),
			start: i,
			end:   j,
			word:  true,
			digit: digit,
			upper: unicode.IsUpper(r),
		})
		i = j
	}
	return dst
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
