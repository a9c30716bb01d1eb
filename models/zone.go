package models

import (
	"sync"
	"time"
)

// zones caches loaded locations: LoadLocation parses the zone file on
// every call.
var zones sync.Map

// Zone is the location named name, UTC when the name is empty or unknown
// (a stored zone is checked when it is set, so that means the zone
// database changed).
func Zone(name string) *time.Location {
	if name == "" || name == "UTC" {
		return time.UTC
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// Location is the zone the user reads times in (User.TimeZone).
func (u User) Location() *time.Location {
	return Zone(u.TimeZone)
}
