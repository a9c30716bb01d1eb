package extract

// turn is the speaker of one sentence of a transcript.
type turn struct {
	speaker   string
	moderator bool
}

// speakerTurns finds transcript turns: lines that open with a speaker label
// in capitals and a colon ("TRUMP: …", "LESTER HOLT: …"). It moves each
// labelled span's start past its label, so no candidate holds the label,
// and returns the speaker of every span: the last label at or before it.
// A text needs two labelled lines to count as a transcript, so that a
// dateline such as "NEW DELHI: The government…" is not read as a speaker.
func speakerTurns(text string, spans []span) []turn {
	labelled := 0
	for _, s := range spans {
		if _, end := speakerLabel(text, s); end > 0 {
			labelled++
		}
	}
	if labelled < 2 {
		return nil
	}
	out := make([]turn, len(spans))
	var cur turn
	for i := range spans {
		if name, end := speakerLabel(text, spans[i]); end > 0 {
			cur = turn{speaker: name, moderator: moderatorLabels[name]}
			if end < spans[i].end {
				spans[i].start = end
			}
		}
		out[i] = cur
	}
	return out
}

// speakerLabel returns the label that opens s at the start of a line and
// the first byte after it and the spaces that follow, or 0.
func speakerLabel(text string, s span) (string, int) {
	if s.start > 0 && text[s.start-1] != '\n' {
		// Only a span that starts a line can open with a label; the
		// splitter trims spaces, so look back over them.
		k := s.start - 1
		for k >= 0 && (text[k] == ' ' || text[k] == '\t') {
			k--
		}
		if k >= 0 && text[k] != '\n' {
			return "", 0
		}
	}
	caps := 0
	i := s.start
	for i < s.end && i-s.start <= 40 {
		c := text[i]
		switch {
		case c >= 'A' && c <= 'Z':
			caps++
		case c == ' ' || c == '.' || c == '\'' || c == '-':
		case c == ':':
			if caps < 2 || i+1 >= s.end || text[i+1] != ' ' || text[i-1] == ' ' {
				return "", 0
			}
			name := text[s.start:i]
			j := i + 1
			for j < s.end && text[j] == ' ' {
				j++
			}
			return name, j
		default:
			return "", 0
		}
		i++
	}
	return "", 0
}

// moderatorLabels are the labels transcripts give to the people who ask
// rather than claim.
var moderatorLabels = set("MODERATOR", "MODERATORS", "QUESTION", "Q", "AUDIENCE", "AUDIENCE MEMBER",
	"INTERVIEWER", "HOST", "ANCHOR", "PANELIST", "REPORTER", "UNIDENTIFIED", "CROWD")
