package models

import "time"

// WebhookFormat is how a delivery's body is written; the webhooks package
// names the values.
type WebhookFormat string

// WebhookTrigger says why a delivery attempt was made; the webhooks package
// names the values.
type WebhookTrigger string

// WebhookEndpoint is a registered webhook receiver. Secret is set only in
// the responses to creation and rotation; it is never shown again.
type WebhookEndpoint struct {
	ID                  int64         `json:"id" gorm:"primaryKey"`
	URL                 string        `json:"url"`
	Description         string        `json:"description"`
	Events              StringArray   `json:"events" gorm:"type:text[]"`
	Format              WebhookFormat `json:"format"`
	Active              bool          `json:"active"`
	DisabledAt          *time.Time    `json:"disabled_at"`
	DisabledReason      string        `json:"disabled_reason"`
	ConsecutiveFailures int           `json:"consecutive_failures"`
	FailingSince        *time.Time    `json:"failing_since"`
	// OldSecretExpiresAt is when the secret replaced by the last rotation
	// stops signing; null when only one secret signs.
	OldSecretExpiresAt *time.Time `json:"old_secret_expires_at"`
	CreatedBy          *int64     `json:"created_by"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`

	SecretSealed    []byte `json:"-"`
	OldSecretSealed []byte `json:"-"`
	Secret          string `json:"secret,omitempty" gorm:"-"`
}

// TableName keeps the table name explicit rather than inflected.
func (WebhookEndpoint) TableName() string { return "webhook_endpoints" }

// WebhookAttempt is one line of an endpoint's delivery log.
type WebhookAttempt struct {
	ID           int64          `json:"id"`
	EventID      string         `json:"event_id"`
	EventType    string         `json:"event_type"`
	Attempt      int            `json:"attempt"`
	Trigger      WebhookTrigger `json:"trigger"`
	Status       string         `json:"status" gorm:"-"`
	Succeeded    bool           `json:"-"`
	StartedAt    time.Time      `json:"started_at"`
	DurationMS   int            `json:"duration_ms" gorm:"column:duration_ms"`
	StatusCode   *int           `json:"status_code"`
	ErrorClass   *string        `json:"error_class"`
	Error        string         `json:"error"`
	ResponseBody string         `json:"response_body"`
	NextRetryAt  *time.Time     `json:"next_retry_at"`
}
