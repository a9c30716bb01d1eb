package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Article is a news story imported for claim extraction. Candidates holds
// the extractor's output as of the import (a JSON list of extract.Candidate),
// so the indexes a user chooses from stay stable.
type Article struct {
	ID          int64           `json:"id" gorm:"primaryKey"`
	Text        string          `json:"text"`
	URL         string          `json:"url"`
	Title       string          `json:"title"`
	Outlet      string          `json:"outlet"`
	PublishedAt *time.Time      `json:"published_at"`
	Candidates  json.RawMessage `json:"-" gorm:"type:jsonb"`
	CreatedBy   int64           `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	// URLKey and TextHash recognise the article when it is imported again
	// (see ArticleKeys); unique in the database.
	URLKey   *string `json:"-"`
	TextHash *string `json:"-"`
}

// Limits on an imported article: a long feature is ~100,000 characters.
const (
	MaxArticleText  = 200_000
	maxArticleShort = 500
)

// Validate checks the fields a client sends, naming each one at fault.
func (a *Article) Validate() error {
	var fields []FieldError
	switch n := utf8.RuneCountInString(a.Text); {
	case strings.TrimSpace(a.Text) == "":
		fields = append(fields, FieldError{Field: "text", Message: "paste the article's text"})
	case n > MaxArticleText:
		fields = append(fields, FieldError{Field: "text", Message: fmt.Sprintf("the text is %d characters; the limit is %d", n, MaxArticleText)})
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(a.URL) > 2048 {
			fields = append(fields, FieldError{Field: "url", Message: "must be an absolute http:// or https:// URL of at most 2048 characters"})
		}
	}
	if utf8.RuneCountInString(a.Title) > maxArticleShort {
		fields = append(fields, FieldError{Field: "title", Message: fmt.Sprintf("at most %d characters", maxArticleShort)})
	}
	if utf8.RuneCountInString(a.Outlet) > maxArticleShort {
		fields = append(fields, FieldError{Field: "outlet", Message: fmt.Sprintf("at most %d characters", maxArticleShort)})
	}
	if len(fields) > 0 {
		return Invalid("the article is not valid", fields...)
	}
	return nil
}

// ArticleKeys are what recognises an article imported again: its URL
// normalised (scheme and host lowercased, no fragment, no tracking
// parameters, no trailing slash) and the SHA-256 of its text normalised
// (case, and runs of white space, ignored). The URL key is nil for an
// article without a URL.
func ArticleKeys(rawURL, text string) (urlKey *string, textHash string) {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.Join(strings.Fields(text), " "))))
	textHash = hex.EncodeToString(sum[:])
	if k := normaliseArticleURL(rawURL); k != "" {
		urlKey = &k
	}
	return urlKey, textHash
}

func normaliseArticleURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "http" {
		// One story served over both schemes is one story.
		u.Scheme = "https"
	}
	u.Host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	u.Fragment, u.RawFragment, u.User = "", "", nil
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || k == "fbclid" || k == "gclid" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}
