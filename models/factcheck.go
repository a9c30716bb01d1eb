package models

import "time"

// PriorCheck is a fact-check another outlet published, kept in the
// read-only archive the matcher searches: "already checked by Outlet X on
// 3 May 2024: False". Its URL identifies it.
type PriorCheck struct {
	ID         int64      `json:"id"`
	URL        string     `json:"url"`
	Outlet     string     `json:"outlet"`
	OutletSite string     `json:"outlet_site"`
	Rating     string     `json:"rating"`
	ReviewedOn *time.Time `json:"reviewed_on" gorm:"type:date"`
	Claim      string     `json:"claim"`
	Claimant   string     `json:"claimant"`
	ClaimedOn  *time.Time `json:"claimed_on" gorm:"type:date"`
	Language   string     `json:"language"`
	Title      string     `json:"title"`
	ImportedAt time.Time  `json:"imported_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName keeps GORM on the archive's table.
func (PriorCheck) TableName() string { return "factcheck_archive" }

// Summary is the line a checker reads: "already checked by Outlet X on
// 3 May 2024: False".
func (p PriorCheck) Summary() string {
	s := "already checked by " + p.Outlet
	if p.Outlet == "" {
		s = "already checked elsewhere"
	}
	if p.ReviewedOn != nil {
		s += " on " + p.ReviewedOn.Format("2 January 2006")
	}
	if p.Rating != "" {
		s += ": " + p.Rating
	}
	return s
}
