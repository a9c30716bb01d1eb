package models

import "time"

// ViewPage is the dashboard page a saved view filters.
type ViewPage string

const (
	// ViewBoard is the board: one column per state.
	ViewBoard ViewPage = "board"
	// ViewList is the claim list at /claims.
	ViewList ViewPage = "list"
)

// ViewPages lists the pages a view may filter.
var ViewPages = []ViewPage{ViewBoard, ViewList}

// Valid reports whether p is a known page.
func (p ViewPage) Valid() bool { return p == ViewBoard || p == ViewList }

// Path is the dashboard path of the page.
func (p ViewPage) Path() string {
	if p == ViewList {
		return "/claims"
	}
	return "/board"
}

// SavedView is a named filter of the board or the list. Query is the
// filter as a canonical query string, so opening the view is following a
// plain URL. A shared view is listed for every member of the desk.
type SavedView struct {
	ID      int64    `json:"id" gorm:"primaryKey"`
	OwnerID int64    `json:"owner_id"`
	Name    string   `json:"name"`
	Page    ViewPage `json:"page"`
	Query   string   `json:"query"`
	Shared  bool     `json:"shared"`
	// OwnerName is read with the view, for "shared by …".
	OwnerName string    `json:"owner_name" gorm:"->;-:migration"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// URL is the dashboard address the view opens.
func (v *SavedView) URL() string {
	if v.Query == "" {
		return v.Page.Path()
	}
	return v.Page.Path() + "?" + v.Query
}
