package models

import (
	"cmp"
	"encoding/json"
	"time"
)

// DefaultDeskName is what the desk is called when neither its settings nor
// the configured publisher name (FACTDESK_PUBLISHER_NAME) name it.
const DefaultDeskName = "factdesk"

// DeskSettings are the desk-wide choices an admin makes; there is one row.
type DeskSettings struct {
	ID int16 `json:"-" gorm:"primaryKey"`
	// Bylines names the checker and the confirming editor on public
	// pages; off by default, so nobody is named without the desk's choice.
	Bylines bool `json:"bylines"`
	// PrePublish maps a pre-publish check's name to "warn" or "block";
	// checks not listed take their default (workflow.DefaultPolicy).
	PrePublish json.RawMessage `json:"prepublish" gorm:"column:prepublish;type:jsonb"`
	UpdatedAt  time.Time       `json:"updated_at"`

	// BrandName names the desk on public pages; empty means the
	// configured publisher name.
	BrandName      string `json:"brand_name" gorm:"column:brand_name"`
	BrandColor     string `json:"header_color" gorm:"column:brand_color"`
	BrandTextColor string `json:"header_text_color" gorm:"column:brand_text_color"`
	LinkColor      string `json:"link_color" gorm:"column:link_color"`
	// LogoType and LogoSHA256 describe the uploaded logo (empty: none);
	// its bytes are in desk_logo.
	LogoType   string `json:"-" gorm:"column:logo_type"`
	LogoSHA256 string `json:"-" gorm:"column:logo_sha256"`
}

// DeskName is the name the desk goes by on public pages, in ClaimReview
// and in its emails: the brand name an admin set, else fallback (the
// configured publisher name), else DefaultDeskName.
func (s *DeskSettings) DeskName(fallback string) string {
	return cmp.Or(s.BrandName, fallback, DefaultDeskName)
}

// Colors returns the brand colours.
func (s *DeskSettings) Colors() BrandColors {
	return BrandColors{Header: s.BrandColor, HeaderText: s.BrandTextColor, Link: s.LinkColor}
}

// TableName keeps the table name explicit rather than inflected.
func (DeskSettings) TableName() string { return "desk_settings" }
