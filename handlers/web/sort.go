package web

import (
	"sort"
	"strings"

	"github.com/factdesk/factdesk/models"
)

// sortUsers orders people by name for pickers.
func sortUsers(us []models.User) {
	sort.Slice(us, func(i, j int) bool {
		a, b := strings.ToLower(us[i].Name), strings.ToLower(us[j].Name)
		if a != b {
			return a < b
		}
		return us[i].ID < us[j].ID
	})
}
