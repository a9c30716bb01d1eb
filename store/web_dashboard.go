package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/factdesk/factdesk/models"
)

// claimListColumns are the claim columns the dashboard lists. The generated
// search vector is left out: it is large and no page shows it.
const claimListColumns = `claims.id, claims.text, claims.claimant, claims.source_url, claims.state, claims.verdict,
	claims.summary, claims.priority, claims.priority_rank, claims.due_at, claims.language, claims.tags,
	claims.version, claims.duplicate_of, claims.last_seq, claims.created_by, claims.created_at, claims.updated_at`

// attachAssignees loads the assignees of claims in one query.
func (q queries) attachAssignees(ctx context.Context, claims []models.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	ids := make([]int64, len(claims))
	byID := make(map[int64]*models.Claim, len(claims))
	for i := range claims {
		ids[i] = claims[i].ID
		claims[i].Assignees = []models.Assignment{}
		byID[claims[i].ID] = &claims[i]
	}
	var as []models.Assignment
	if err := q.db.WithContext(ctx).Where("claim_id IN ?", ids).Order("created_at, user_id").Find(&as).Error; err != nil {
		return fmt.Errorf("store: assignees: %w", err)
	}
	for _, a := range as {
		c := byID[a.ClaimID]
		c.Assignees = append(c.Assignees, a)
	}
	return nil
}

// awaitingEditor is true of a claim (in a query over claims) whose verdict
// is proposed and waits for an editor, unless the user (@user) is its
// reviewer, for whom the review is the work to do.
const awaitingEditor = `(claims.state IN ('verified', 'disputed') AND NOT EXISTS (
	SELECT 1 FROM claim_assignments r WHERE r.claim_id = claims.id AND r.user_id = @user AND r.role = 'reviewer'))`

// assignedOpen selects the open claims assigned to the user (@user) in any
// role.
var assignedOpen = `claims.state NOT IN ` + closedStates + ` AND EXISTS (
	SELECT 1 FROM claim_assignments a WHERE a.claim_id = claims.id AND a.user_id = @user)`

// QueueClaim is a claim of someone's queue, with the half it belongs to.
type QueueClaim struct {
	models.Claim
	// Waiting: its verdict is proposed and waits for an editor; otherwise
	// the claim is the user's to work on.
	Waiting bool
}

// MyQueue lists the open claims assigned to userID, split into what they
// must act on (todo) and what waits for an editor (waiting): overdue
// first, then by priority, then the soonest due, then the oldest.
//
// The overdue claims and the others are picked apart, each half at most
// the page's 200 in an order an index gives (migration 0049): the others
// walk claims_my_queue_idx in the queue's order, probing the user's
// assignments, and stop at 200; the overdue ones come from the covering
// claims_due_idx. Sorting the user's open claims whole instead read every
// open claim's row (30 to 100 ms for a checker holding 12,000 of 100,000).
// The 400 picked are put in order from the indexes' columns, and only
// the first 200 are read whole.
func (q queries) MyQueue(ctx context.Context, userID int64, now time.Time) (todo, waiting []models.Claim, err error) {
	var rows []QueueClaim
	err = q.db.WithContext(ctx).Raw(`WITH picked AS (
			(SELECT claims.id, true AS overdue, claims.priority_rank, claims.due_at, claims.created_at FROM claims
			 WHERE claims.due_at < @now AND `+assignedOpen+`
			 ORDER BY claims.priority_rank DESC, claims.due_at, claims.created_at, claims.id LIMIT 200)
			UNION ALL
			(SELECT claims.id, false, claims.priority_rank, claims.due_at, claims.created_at FROM claims
			 WHERE (claims.due_at IS NULL OR claims.due_at >= @now) AND `+assignedOpen+`
			 ORDER BY claims.priority_rank DESC, claims.due_at ASC NULLS LAST, claims.created_at, claims.id LIMIT 200)),
		top AS (SELECT id FROM picked
			ORDER BY overdue DESC, priority_rank DESC, due_at ASC NULLS LAST, created_at, id LIMIT 200)
		SELECT `+claimListColumns+`, `+awaitingEditor+` AS waiting
		FROM top JOIN claims ON claims.id = top.id
		ORDER BY (claims.due_at IS NOT NULL AND claims.due_at < @now) DESC, claims.priority_rank DESC,
		         claims.due_at ASC NULLS LAST, claims.created_at, claims.id`, sql.Named("user", userID), sql.Named("now", now)).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("store: queue of %d: %w", userID, err)
	}
	// Both halves' assignees in one query.
	claims := make([]models.Claim, len(rows))
	for i := range rows {
		claims[i] = rows[i].Claim
	}
	if err := q.attachAssignees(ctx, claims); err != nil {
		return nil, nil, err
	}
	todo, waiting = []models.Claim{}, []models.Claim{}
	for i, r := range rows {
		if r.Waiting {
			waiting = append(waiting, claims[i])
		} else {
			todo = append(todo, claims[i])
		}
	}
	return todo, waiting, nil
}

// QueueCounts are the numbers the navigation shows beside My queue and
// Review, each counted up to NavCountCap+1: a badge past that reads "99+".
type QueueCounts struct {
	// ToDo and Waiting split the user's open claims as MyQueue does.
	ToDo, Waiting int64
	// Review counts the claims waiting for an editor, desk-wide.
	Review int64
}

// NavCountCap is the largest count a navigation badge shows exactly.
const NavCountCap = 99

// QueueCounts counts userID's queue and the review queue in one query
// whose work is bounded whatever the desk's size: each count walks the
// user's assignments (claim_assignments_user_idx, one primary-key lookup
// of the claim each; OFFSET 0 keeps that a nested loop) or the partial
// review index, and stops at NavCountCap+1.
func (q queries) QueueCounts(ctx context.Context, userID int64) (QueueCounts, error) {
	var n QueueCounts
	mine := `FROM claim_assignments a CROSS JOIN LATERAL (SELECT c.state FROM claims c WHERE c.id = a.claim_id OFFSET 0) c
		WHERE a.user_id = ? AND c.state NOT IN ` + closedStates
	err := q.db.WithContext(ctx).Raw(`SELECT
		(SELECT count(DISTINCT t.claim_id) FROM (SELECT a.claim_id `+mine+`
			AND (c.state NOT IN ('verified', 'disputed') OR a.role = 'reviewer') LIMIT ?) t) AS to_do,
		(SELECT count(*) FROM (SELECT 1 `+mine+` AND a.role = 'checker' AND c.state IN ('verified', 'disputed')
			AND NOT EXISTS (SELECT 1 FROM claim_assignments r WHERE r.claim_id = a.claim_id AND r.user_id = a.user_id AND r.role = 'reviewer')
			LIMIT ?) w) AS waiting,
		(SELECT count(*) FROM (SELECT 1 FROM claims WHERE claims.state IN ('verified', 'disputed') LIMIT ?) r) AS review`,
		userID, NavCountCap+1, userID, NavCountCap+1, NavCountCap+1).Scan(&n).Error
	if err != nil {
		return n, fmt.Errorf("store: queue counts of %d: %w", userID, err)
	}
	return n, nil
}

// QueueWaiting counts new claims that nobody has taken yet: what "Take next
// claim" draws from.
func (q queries) QueueWaiting(ctx context.Context) (int64, error) {
	var n int64
	err := q.db.WithContext(ctx).Raw(`SELECT count(*) FROM claims c WHERE state = 'new'
		AND NOT EXISTS (SELECT 1 FROM claim_assignments a WHERE a.claim_id = c.id AND a.role = 'checker')`).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: queue waiting: %w", err)
	}
	return n, nil
}

// BoardFilter narrows the board. Zero fields do not filter.
type BoardFilter struct {
	Assignee int64
	Verdict  models.Verdict
	Priority models.Priority
	Tag      string
	Query    string
	// PerColumn caps the cards shown in each state's column.
	PerColumn int
}

// BoardColumn is one state's column: how many claims match, and the most
// urgent of them.
type BoardColumn struct {
	State models.State
	// Total counts the matching claims up to BoardCountCap; Capped says
	// there are more.
	Total  int64
	Capped bool
	Claims []models.Claim
}

// BoardCountCap bounds the per-column count. Past a few hundred the exact
// number helps nobody on a board (the overview has exact totals), and
// counting a 100,000-claim desk exactly on every board view would cost more
// than the rest of the page.
const BoardCountCap = 500

func (f BoardFilter) where() (string, []any) {
	return claimMatch{Assignee: f.Assignee, Verdict: f.Verdict, Priority: f.Priority, Tag: f.Tag, Query: f.Query}.where()
}

// boardCard is a card as the board's query returns it, with its column's
// count.
type boardCard struct {
	models.Claim
	ColState models.State
	ColN     int64
}

// Board returns one column per state in two queries whatever the size of
// the desk: the top cards of each state that has a match, each with its
// state's count, and the cards' assignees.
//
// Without a search, each state's count walks claims_board_idx (or
// claims_board_verdict_idx) and stops at the cap, index-only since the
// index carries every filtered column but the assignee, whose probe the
// planner may also turn into a merge with the assignee's assignments. The
// cards are then the first ids of the same walk in the board's order,
// index-only again, joined to their rows: asking for whole rows in that
// walk made the planner trade the board index for the primary key and
// filter thousands of rows per column (a priority and a tag), and a state
// without a match is skipped, since its walk would read the whole state
// looking for one.
//
// A search is answered by the GIN index instead: one bitmap scan of all
// matches, counted and ranked per state with window functions, costs less
// than walking every state until enough matches turn up (a word's matches
// are a few per thousand claims) or intersecting the bitmap with each
// state's.
func (q queries) Board(ctx context.Context, f BoardFilter) ([]BoardColumn, error) {
	if f.PerColumn <= 0 {
		f.PerColumn = 25
	}
	where, args := f.where()
	var rows []boardCard
	var err error
	if f.Query != "" {
		err = q.db.WithContext(ctx).Raw(`WITH m AS (
				SELECT claims.id, claims.state, count(*) OVER w AS n,
					row_number() OVER (w ORDER BY claims.priority_rank DESC, claims.id DESC) AS rank
				FROM claims WHERE `+where+` WINDOW w AS (PARTITION BY claims.state))
			SELECT m.state AS col_state, m.n AS col_n, `+claimListColumns+`
			FROM m JOIN claims ON claims.id = m.id WHERE m.rank <= ?`, append(args, f.PerColumn)...).Scan(&rows).Error
	} else {
		states := make([]string, len(models.States))
		for i, s := range models.States {
			states[i] = string(s)
		}
		all := append([]any{models.StringArray(states)}, args...)
		all = append(all, BoardCountCap+1)
		all = append(all, args...)
		all = append(all, f.PerColumn)
		err = q.db.WithContext(ctx).Raw(`WITH n AS MATERIALIZED (
				SELECT s.state, n.n FROM unnest(?::text[]) AS s(state)
				CROSS JOIN LATERAL (
					SELECT count(*) AS n FROM (SELECT 1 FROM claims WHERE claims.state = s.state AND `+where+` LIMIT ?) m
				) n)
			SELECT n.state AS col_state, n.n AS col_n, `+claimListColumns+` FROM n
			CROSS JOIN LATERAL (
				SELECT claims.id FROM claims WHERE n.n > 0 AND claims.state = n.state AND `+where+`
				ORDER BY claims.priority_rank DESC, claims.id DESC LIMIT ?
			) top JOIN claims ON claims.id = top.id`, all...).Scan(&rows).Error
	}
	if err != nil {
		return nil, fmt.Errorf("store: board: %w", err)
	}
	cards := make([]models.Claim, len(rows))
	for i := range rows {
		cards[i] = rows[i].Claim
	}
	if err := q.attachAssignees(ctx, cards); err != nil {
		return nil, err
	}
	cols := make([]BoardColumn, len(models.States))
	index := map[models.State]int{}
	for i, s := range models.States {
		cols[i] = BoardColumn{State: s, Claims: []models.Claim{}}
		index[s] = i
	}
	// The board's order; a claim that changed state between the count and
	// the cards shows in the column it is in now.
	slices.SortFunc(cards, func(a, b models.Claim) int {
		return cmp.Or(cmp.Compare(b.PriorityRank, a.PriorityRank), cmp.Compare(b.ID, a.ID))
	})
	for _, c := range cards {
		if i, ok := index[c.State]; ok {
			cols[i].Claims = append(cols[i].Claims, c)
		}
	}
	for _, r := range rows {
		if i, ok := index[r.ColState]; ok {
			cols[i].Total = min(r.ColN, BoardCountCap)
			cols[i].Capped = r.ColN > BoardCountCap
		}
	}
	return cols, nil
}

// ReviewQueue lists claims waiting for an editor's approval, the longest
// waiting first.
func (q queries) ReviewQueue(ctx context.Context, limit int) ([]models.Claim, error) {
	var out []models.Claim
	err := q.db.WithContext(ctx).Raw(`SELECT `+claimListColumns+` FROM claims
		WHERE claims.state IN ('verified', 'disputed')
		ORDER BY claims.updated_at, claims.id LIMIT ?`, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: review queue: %w", err)
	}
	return out, q.attachAssignees(ctx, out)
}

// StateCount is how many claims are in one state.
type StateCount struct {
	State models.State
	N     int64
}

// DayCount is how many claims something happened to on one day (in the
// zone the caller asked for).
type DayCount struct {
	Day time.Time
	N   int64
}

// UserCount is how many claims one user holds.
type UserCount struct {
	UserID int64
	Name   string
	N      int64
}

// Overview is what the overview page charts.
type Overview struct {
	ByState []StateCount
	// ConfirmedPerDay has one entry per day that saw a confirmation.
	ConfirmedPerDay []DayCount
	// MedianToConfirm is the median time from creation to the latest
	// confirmation of confirmed claims; nil when none is confirmed.
	MedianToConfirm *time.Duration
	OpenPerChecker  []UserCount
	OverdueTotal    int64
	Overdue         []models.Claim
}

// Overview gathers the desk's figures. since bounds the per-day series,
// whose days are those of zone loc.
func (q queries) Overview(ctx context.Context, now, since time.Time, loc *time.Location) (*Overview, error) {
	o := &Overview{}
	db := q.db.WithContext(ctx)
	if err := db.Raw(`SELECT state, count(*) AS n FROM claims GROUP BY state`).Scan(&o.ByState).Error; err != nil {
		return nil, fmt.Errorf("store: overview states: %w", err)
	}
	err := db.Raw(`SELECT date_trunc('day', at AT TIME ZONE ?) AS day, count(DISTINCT claim_id) AS n
		FROM claim_history WHERE action = 'confirm' AND at >= ? GROUP BY 1 ORDER BY 1`, loc.String(), since).Scan(&o.ConfirmedPerDay).Error
	if err != nil {
		return nil, fmt.Errorf("store: overview confirmations: %w", err)
	}
	for i := range o.ConfirmedPerDay {
		o.ConfirmedPerDay[i].Day = wallClock(o.ConfirmedPerDay[i].Day, loc)
	}
	var median sql.NullFloat64
	err = db.Raw(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - c.created_at))
		FROM claims c
		CROSS JOIN LATERAL (SELECT at FROM claim_history WHERE claim_id = c.id AND action = 'confirm' ORDER BY seq DESC LIMIT 1) h
		WHERE c.state = 'confirmed'`).Row().Scan(&median)
	if err != nil {
		return nil, fmt.Errorf("store: overview median: %w", err)
	}
	if median.Valid {
		d := time.Duration(median.Float64 * float64(time.Second))
		o.MedianToConfirm = &d
	}
	err = db.Raw(`SELECT u.id AS user_id, u.name, count(*) AS n FROM users u
		JOIN claim_assignments a ON a.user_id = u.id AND a.role = 'checker'
		JOIN claims c ON c.id = a.claim_id AND c.state NOT IN ` + closedStates + `
		GROUP BY u.id, u.name ORDER BY n DESC, u.name LIMIT 20`).Scan(&o.OpenPerChecker).Error
	if err != nil {
		return nil, fmt.Errorf("store: overview checkers: %w", err)
	}
	overdue := `claims.due_at IS NOT NULL AND claims.due_at < ? AND claims.state NOT IN ` + closedStates
	if err := db.Raw(`SELECT count(*) FROM claims WHERE `+overdue, now).Scan(&o.OverdueTotal).Error; err != nil {
		return nil, fmt.Errorf("store: overview overdue count: %w", err)
	}
	err = db.Raw(`SELECT `+claimListColumns+` FROM claims WHERE `+overdue+` ORDER BY claims.due_at, claims.id LIMIT 20`, now).Scan(&o.Overdue).Error
	if err != nil {
		return nil, fmt.Errorf("store: overview overdue: %w", err)
	}
	return o, q.attachAssignees(ctx, o.Overdue)
}

// WeekTimes is the time from filing to confirmation of the claims
// confirmed in one week.
type WeekTimes struct {
	// Week is the Monday the week starts on, in the zone asked for.
	Week time.Time
	N    int64
	// Median and P90 are in seconds.
	Median, P90 float64
}

// TimeToVerdict gives, for each week since since (in zone loc) that saw a
// confirmation, the median and 90th percentile of the time from a claim's
// filing to its confirmation; a claim confirmed twice counts each time.
// It reads the confirmations through claim_history_confirm_idx.
func (q queries) TimeToVerdict(ctx context.Context, since time.Time, loc *time.Location) ([]WeekTimes, error) {
	var out []WeekTimes
	err := q.db.WithContext(ctx).Raw(`SELECT date_trunc('week', h.at AT TIME ZONE ?) AS week, count(*) AS n,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - c.created_at)) AS median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - c.created_at)) AS p90
		FROM claim_history h JOIN claims c ON c.id = h.claim_id
		WHERE h.action = 'confirm' AND h.at >= ?
		GROUP BY 1 ORDER BY 1`, loc.String(), since).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: time to verdict: %w", err)
	}
	for i := range out {
		out[i].Week = wallClock(out[i].Week, loc)
	}
	return out, nil
}

// StateChange is the net change of one state's count in one week.
type StateChange struct {
	Week  time.Time
	State models.State
	N     int64
}

// StateChanges sums, per week since since (in zone loc) and state, the
// claims that entered the state minus those that left it, from the
// history's state changes (filing enters "new"). Today's counts minus the
// later weeks' changes give the count at the end of any week.
func (q queries) StateChanges(ctx context.Context, since time.Time, loc *time.Location) ([]StateChange, error) {
	var out []StateChange
	err := q.db.WithContext(ctx).Raw(`SELECT date_trunc('week', d.at AT TIME ZONE ?) AS week, d.state, sum(d.delta) AS n FROM (
			SELECT at, to_state AS state, 1 AS delta FROM claim_history
			WHERE to_state IS NOT NULL AND from_state IS DISTINCT FROM to_state AND at >= ?
			UNION ALL
			SELECT at, from_state, -1 FROM claim_history
			WHERE to_state IS NOT NULL AND from_state IS DISTINCT FROM to_state AND from_state IS NOT NULL AND at >= ?
		) d GROUP BY 1, 2 ORDER BY 1, 2`, loc.String(), since, since).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: state changes: %w", err)
	}
	for i := range out {
		out[i].Week = wallClock(out[i].Week, loc)
	}
	return out, nil
}

// wallClock reads a timestamp without zone (scanned as UTC) as the wall
// clock of loc.
func wallClock(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
}
