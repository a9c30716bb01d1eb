package models

import (
	"encoding/json"
	"time"
)

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
}

// TableName keeps the table name explicit rather than inflected.
func (DeskSettings) TableName() string { return "desk_settings" }
