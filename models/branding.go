package models

import "time"

// Brand colours: hex #rrggbb; empty means the built-in colour.
type BrandColors struct {
	// Header is the background of the public pages' header band.
	Header string `json:"header_color"`
	// HeaderText is the text and logo-frame colour on that band.
	HeaderText string `json:"header_text_color"`
	// Link colours links on the white page.
	Link string `json:"link_color"`
}

// Logo is the desk's uploaded logo: bytes checked to be one of the
// accepted image types, stored in PostgreSQL (table desk_logo).
type Logo struct {
	ID          int16     `gorm:"primaryKey"`
	ContentType string    `gorm:"column:content_type"`
	Data        []byte    `gorm:"column:data"`
	SHA256      string    `gorm:"column:sha256"`
	UpdatedAt   time.Time `gorm:"column:updated_at"`
}

// TableName keeps the table name explicit rather than inflected.
func (Logo) TableName() string { return "desk_logo" }
