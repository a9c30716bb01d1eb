package models

import "slices"

// UserKind tells people from machine accounts.
type UserKind string

const (
	// KindPerson is someone who signs in with an email and a password.
	KindPerson UserKind = "person"
	// KindService is a machine account: an integration such as a CMS or a
	// newsroom bot. It has a role like a person but no password; it calls
	// the API only with integration tokens an admin issues for it, each
	// limited to its scopes.
	KindService UserKind = "service"
)

// IsService reports whether u is a machine account.
func (u *User) IsService() bool { return u.Kind == KindService }

// Scope is a part of the API an integration token may call. Every API
// route needs one (handlers/api/scopes.go); a token reaches a route only
// when it holds the route's scope and its account's role passes the
// workflow's rules there, so a scope narrows a role and never widens it.
type Scope string

const (
	// ScopeClaimsRead reads claims, their history, evidence, captures,
	// comments, similar claims, articles and the source alerts.
	ScopeClaimsRead Scope = "claims:read"
	// ScopeClaimsWrite files and edits claims, assigns, takes from the
	// queue, applies workflow actions, bulk changes and comments.
	ScopeClaimsWrite Scope = "claims:write"
	// ScopeEvidenceWrite adds, corrects, retracts and re-checks evidence.
	ScopeEvidenceWrite Scope = "evidence:write"
	// ScopeArticlesWrite imports articles and files their claims, and
	// imports other outlets' fact-checks into the archive.
	ScopeArticlesWrite Scope = "articles:write"
	// ScopeExportRead streams the claim export (CSV or JSON Lines).
	ScopeExportRead Scope = "export:read"
	// ScopeSourcesRead reads the source registry.
	ScopeSourcesRead Scope = "sources:read"
	// ScopeSourcesWrite changes the source registry.
	ScopeSourcesWrite Scope = "sources:write"
	// ScopeUsersRead lists the desk's users and members.
	ScopeUsersRead Scope = "users:read"
	// ScopeUsersAdmin creates and changes users.
	ScopeUsersAdmin Scope = "users:admin"
	// ScopeSettingsRead reads the desk settings.
	ScopeSettingsRead Scope = "settings:read"
	// ScopeSettingsAdmin changes the desk settings.
	ScopeSettingsAdmin Scope = "settings:admin"
	// ScopeWebhooksAdmin manages webhook endpoints and their deliveries.
	ScopeWebhooksAdmin Scope = "webhooks:admin"
	// ScopeNotifications reads and marks the account's own notifications,
	// its preferences and follows.
	ScopeNotifications Scope = "notifications"
)

// Scopes lists every scope an integration token may be given.
var Scopes = []Scope{ScopeClaimsRead, ScopeClaimsWrite, ScopeEvidenceWrite, ScopeArticlesWrite, ScopeExportRead,
	ScopeSourcesRead, ScopeSourcesWrite, ScopeUsersRead, ScopeUsersAdmin, ScopeSettingsRead, ScopeSettingsAdmin,
	ScopeWebhooksAdmin, ScopeNotifications}

// Valid reports whether s is a scope a token may hold.
func (s Scope) Valid() bool { return slices.Contains(Scopes, s) }
