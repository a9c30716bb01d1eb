package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/models"
)

// Unassigned as a filter's assignee matches the claims nobody is assigned
// to (?assignee=none).
const Unassigned int64 = -1

// ListSort is a column the claim list sorts by.
type ListSort string

const (
	// SortUpdated orders by the last change, the list's default.
	SortUpdated ListSort = "updated"
	// SortID orders by id, which is the order of creation.
	SortID ListSort = "id"
	// SortPriority orders by priority rank.
	SortPriority ListSort = "priority"
	// SortDue orders by due date; claims without one sort after every date.
	SortDue ListSort = "due"
	// SortState orders by the workflow's order of states.
	SortState ListSort = "state"
)

// ListSorts lists the sortable columns.
var ListSorts = []ListSort{SortUpdated, SortID, SortPriority, SortDue, SortState}

// ListFilter is one page of the claim list: the board's filters, an
// optional selection, a sort and a keyset cursor.
type ListFilter struct {
	State    models.State
	Assignee int64
	Verdict  models.Verdict
	Priority models.Priority
	Tag      string
	Query    string
	// IDs, when not nil, keeps only these claims.
	IDs    []int64
	Sort   ListSort
	Asc    bool
	Limit  int
	Cursor string
}

func (f ListFilter) match() claimMatch {
	return claimMatch{State: f.State, Assignee: f.Assignee, Verdict: f.Verdict, Priority: f.Priority, Tag: f.Tag, Query: f.Query, IDs: f.IDs}
}

// sortKey is the SQL expression a sort orders by, with claims.id breaking
// ties so the order is total and a keyset cursor can resume it. kind says
// how a cursor's value is passed back.
func (s ListSort) sortKey() (expr string, kind string) {
	switch s {
	case SortID:
		return "", ""
	case SortPriority:
		return "claims.priority_rank", "int"
	case SortDue:
		return "COALESCE(claims.due_at, 'infinity'::timestamptz)", "time"
	case SortState:
		return "array_position(" + stateArray + ", claims.state)", "int"
	}
	return "claims.updated_at", "time"
}

// stateArray is models.States as an SQL array literal, in workflow order.
var stateArray = "ARRAY" + "[" + sqlList(models.States)[1:len(sqlList(models.States))-1] + "]::text[]"

// listCursor is where a page ended: the sort it belongs to and the last
// row's key and id.
type listCursor struct {
	Sort ListSort `json:"s"`
	Asc  bool     `json:"a,omitempty"`
	Key  string   `json:"k,omitempty"`
	ID   int64    `json:"i"`
}

func (f ListFilter) keyOf(c *models.Claim) string {
	switch f.Sort {
	case SortPriority:
		return strconv.Itoa(c.PriorityRank)
	case SortDue:
		if c.DueAt == nil {
			return "infinity"
		}
		return c.DueAt.UTC().Format(time.RFC3339Nano)
	case SortState:
		return strconv.Itoa(slices.Index(models.States, c.State) + 1)
	case SortID:
		return ""
	}
	return c.UpdatedAt.UTC().Format(time.RFC3339Nano)
}

func badListCursor() error {
	return models.Invalid("cursor is not valid", models.FieldError{Field: "cursor", Message: "use the next link of the previous page with the same sort"})
}

// ClaimList lists one page of claims in the filter's sort, resuming after
// the cursor. Each page is one index-friendly keyset query, so page 1000
// costs what page 1 does.
func (q queries) ClaimList(ctx context.Context, f ListFilter) (items []models.Claim, next string, err error) {
	if !slices.Contains(ListSorts, f.Sort) {
		f.Sort = SortUpdated
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = 50
	}
	where, args := f.match().where()
	expr, kind := f.Sort.sortKey()
	dir, cmp := "DESC", "<"
	if f.Asc {
		dir, cmp = "ASC", ">"
	}
	order := "claims.id " + dir
	if expr != "" {
		order = expr + " " + dir + ", " + order
	}
	if f.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		var cur listCursor
		if err != nil || json.Unmarshal(raw, &cur) != nil || cur.Sort != f.Sort || cur.Asc != f.Asc || cur.ID <= 0 {
			return nil, "", badListCursor()
		}
		switch kind {
		case "":
			where += " AND claims.id " + cmp + " ?"
			args = append(args, cur.ID)
		case "int":
			n, err := strconv.ParseInt(cur.Key, 10, 64)
			if err != nil {
				return nil, "", badListCursor()
			}
			where += " AND (" + expr + ", claims.id) " + cmp + " (?::bigint, ?)"
			args = append(args, n, cur.ID)
		case "time":
			if _, err := time.Parse(time.RFC3339Nano, cur.Key); err != nil && cur.Key != "infinity" {
				return nil, "", badListCursor()
			}
			where += " AND (" + expr + ", claims.id) " + cmp + " (?::timestamptz, ?)"
			args = append(args, cur.Key, cur.ID)
		}
	}
	args = append(args, limit+1)
	err = q.db.WithContext(ctx).Raw(`SELECT `+claimListColumns+` FROM claims WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...).Scan(&items).Error
	if err != nil {
		return nil, "", fmt.Errorf("store: claim list: %w", err)
	}
	if len(items) > limit {
		items = items[:limit]
		last := &items[limit-1]
		raw, _ := json.Marshal(listCursor{Sort: f.Sort, Asc: f.Asc, Key: f.keyOf(last), ID: last.ID})
		next = base64.RawURLEncoding.EncodeToString(raw)
	}
	return items, next, q.attachAssignees(ctx, items)
}

// CountClaims counts the claims matching f, stopping at max+1 so a broad
// filter on a large desk stays cheap; capped says there are more than max.
func (q queries) CountClaims(ctx context.Context, f ListFilter, max int) (n int64, capped bool, err error) {
	where, args := f.match().where()
	args = append(args, max+1)
	err = q.db.WithContext(ctx).Raw(`SELECT count(*) FROM (SELECT 1 FROM claims WHERE `+where+` LIMIT ?) m`, args...).Scan(&n).Error
	if err != nil {
		return 0, false, fmt.Errorf("store: count claims: %w", err)
	}
	return min(n, int64(max)), n > int64(max), nil
}

// MatchingIDs returns the ids of up to max claims matching f, newest first:
// what "select all matching" selects.
func (q queries) MatchingIDs(ctx context.Context, f ListFilter, max int) ([]int64, error) {
	where, args := f.match().where()
	args = append(args, max)
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`SELECT claims.id FROM claims WHERE `+where+` ORDER BY claims.id DESC LIMIT ?`, args...).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: matching claims: %w", err)
	}
	return ids, nil
}

// ClaimTexts returns the text of each of ids that exists, for naming
// claims in a result without loading them whole.
func (q queries) ClaimTexts(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Text string
	}
	if err := q.db.WithContext(ctx).Raw(`SELECT id, text FROM claims WHERE id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: claim texts: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Text
	}
	return out, nil
}

// ListCursorAfter is the cursor of a page of ClaimList in sort that ended
// at c, for a page whose first part came from elsewhere (a board column
// continuing in the same order).
func ListCursorAfter(sort ListSort, asc bool, c *models.Claim) string {
	f := ListFilter{Sort: sort, Asc: asc}
	raw, _ := json.Marshal(listCursor{Sort: sort, Asc: asc, Key: f.keyOf(c), ID: c.ID})
	return base64.RawURLEncoding.EncodeToString(raw)
}

// Proposers returns, for each of ids whose newest transition proposed a
// verdict (verify or dispute), who proposed it: what a card in the review
// columns names. One index scan per claim on the transitions index.
func (q queries) Proposers(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ClaimID int64
		ActorID int64
	}
	err := q.db.WithContext(ctx).Raw(`SELECT c.id AS claim_id, h.actor_id FROM unnest(?::bigint[]) AS c(id)
		CROSS JOIN LATERAL (SELECT actor_id, action FROM claim_history
			WHERE claim_id = c.id AND kind = 'transitioned' ORDER BY seq DESC LIMIT 1) h
		WHERE h.action IN ('verify', 'dispute') AND h.actor_id IS NOT NULL`, models.Int64Array(ids)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: proposers: %w", err)
	}
	for _, r := range rows {
		out[r.ClaimID] = r.ActorID
	}
	return out, nil
}
