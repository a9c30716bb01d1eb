package notify

import (
	"context"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Handle is the name by which a user is @mentioned: the part of their email
// before the @, lowercased (ana.lima@desk.org is @ana.lima). Emails are
// unique on the desk, so a handle is unique unless two people share a
// local part at different domains; such a mention is refused as ambiguous.
func Handle(u models.User) string {
	local, _, _ := strings.Cut(u.Email, "@")
	return strings.ToLower(local)
}

// maxMentions bounds the people one comment can notify.
const maxMentions = 20

// Mention is one @handle found in a text, at byte offsets [Start, End) of
// the @ and the handle.
type Mention struct {
	Handle     string
	Start, End int
}

// ParseMentions finds the @handles in text. An @ counts only at the start
// or after a character that cannot be part of an email address, so
// "press@ministry.gov" mentions nobody; a handle's trailing dots are
// punctuation ("thanks @ana." mentions ana).
func ParseMentions(text string) []Mention {
	var out []Mention
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if handleRune(prev) || prev == '@' {
				continue
			}
		}
		j := i + 1
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !handleRune(r) {
				break
			}
			j += size
		}
		for j > i+1 && (text[j-1] == '.' || text[j-1] == '-') {
			j--
		}
		if j == i+1 {
			continue
		}
		out = append(out, Mention{Handle: strings.ToLower(text[i+1 : j]), Start: i, End: j})
		i = j - 1
	}
	return out
}

func handleRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-' || r == '+')
}

// directory maps handles to the desk's users, deactivated ones included so
// a mention of them is refused by name.
type directory map[string][]models.User

func loadDirectory(ctx context.Context, q interface {
	Users(context.Context) ([]models.User, error)
}) (directory, error) {
	us, err := q.Users(ctx)
	if err != nil {
		return nil, err
	}
	d := directory{}
	for _, u := range us {
		d[Handle(u)] = append(d[Handle(u)], u)
	}
	return d, nil
}

// resolveMentions turns a comment's mentions into the users to notify.
// Every active user sees every claim on this desk (viewers included), so a
// mention is refused only when nobody active holds the handle: unknown,
// deactivated, or ambiguous.
func resolveMentions(ctx context.Context, tx *store.Tx, body string) ([]models.User, error) {
	ms := ParseMentions(body)
	if len(ms) == 0 {
		return nil, nil
	}
	dir, err := loadDirectory(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []models.User
	var fields []models.FieldError
	seen := map[int64]bool{}
	for _, m := range ms {
		u, msg := dir.resolve(m.Handle)
		if msg != "" {
			fields = append(fields, models.FieldError{Field: "body", Message: msg})
			continue
		}
		if !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid("the comment mentions someone who cannot see this claim", fields...)
	}
	if len(out) > maxMentions {
		return nil, models.Invalid("too many mentions", models.FieldError{Field: "body", Message: fmt.Sprintf("mention at most %d people in one comment", maxMentions)})
	}
	return out, nil
}

// resolve finds the one active user with handle h, or says why not.
func (d directory) resolve(h string) (models.User, string) {
	var active []models.User
	for _, u := range d[h] {
		if u.Active {
			active = append(active, u)
		}
	}
	switch {
	case len(active) == 1:
		return active[0], ""
	case len(active) > 1:
		return models.User{}, fmt.Sprintf("@%s matches %d people; ask an admin to tell them apart", h, len(active))
	case len(d[h]) > 0:
		return models.User{}, fmt.Sprintf("@%s (%s) is deactivated and cannot see this claim", h, d[h][0].Name)
	}
	return models.User{}, fmt.Sprintf("nobody on the desk is called @%s: mention people by the part of their email before the @", h)
}

// Member is a desk member as mention autocomplete offers them.
type Member struct {
	ID     int64  `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// Members lists the active users whose handle or any word of whose name
// starts with prefix (case-insensitive), by handle, at most limit of them.
// It feeds the mention autocomplete.
func Members(ctx context.Context, st *store.Store, prefix string, limit int) ([]Member, error) {
	us, err := st.Users(ctx)
	if err != nil {
		return nil, err
	}
	prefix = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(prefix), "@"))
	out := []Member{}
	for _, u := range us {
		if !u.Active || !matchesPrefix(u, prefix) {
			continue
		}
		out = append(out, Member{ID: u.ID, Handle: Handle(u), Name: u.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Handle < out[j].Handle })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func matchesPrefix(u models.User, prefix string) bool {
	if prefix == "" || strings.HasPrefix(Handle(u), prefix) {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(u.Name)) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// Renderer turns comment text into HTML with each mention of a known,
// active user as a link. Build one per page (it holds the directory).
type Renderer struct {
	dir directory
	// Href is the link of a mentioned user; the default is the board
	// filtered to what they are assigned.
	Href func(u models.User) string
}

// NewRenderer loads the desk's users for rendering mentions.
func NewRenderer(ctx context.Context, st *store.Store) (*Renderer, error) {
	dir, err := loadDirectory(ctx, st)
	if err != nil {
		return nil, err
	}
	return &Renderer{dir: dir}, nil
}

// Render escapes text for HTML and links its mentions. Mentions that
// resolve to nobody stay plain text. Line breaks are kept as they are (the
// page styles comments with white-space: pre-wrap).
func (r *Renderer) Render(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range ParseMentions(text) {
		u, msg := r.dir.resolve(m.Handle)
		if msg != "" {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:m.Start]))
		href := "/board?assignee=" + strconv.FormatInt(u.ID, 10)
		if r.Href != nil {
			href = r.Href(u)
		}
		fmt.Fprintf(&b, `<a class="mention" href="%s" title="%s">%s</a>`, template.HTMLEscapeString(href),
			template.HTMLEscapeString(u.Name), template.HTMLEscapeString(text[m.Start:m.End]))
		last = m.End
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}
