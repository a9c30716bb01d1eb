package store_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"
)

// My queue takes its overdue claims and the others from two index walks,
// each cut at the page's 200; together they must give the first 200 of
// the user's open claims in the queue's order, split as the page splits
// them, whichever half the cut falls in.
func TestMyQueueOrderPastTheCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t, "A seed claim.")
	db := st.SQL()
	var user int64
	if err := db.QueryRowContext(ctx, `SELECT created_by FROM claims WHERE id = $1`, ids[0]).Scan(&user); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	// 600 claims in every state and priority; a third overdue (150 of them
	// open and assigned, so the overdue half alone does not fill the page),
	// a third due later, a third without a due time; ties on priority and
	// due time are broken by age, and ties on age by id.
	_, err := db.ExecContext(ctx, `INSERT INTO claims (text, claimant, state, priority, priority_rank, due_at, created_by, created_at, updated_at)
		SELECT 'Queue claim ' || g, '', (ARRAY['new','verifying','verified','disputed','confirmed','rejected'])[1 + g % 6],
		       (ARRAY['low','normal','high','urgent'])[1 + (g / 7) % 4], (g / 7) % 4,
		       CASE g % 3 WHEN 0 THEN $2::timestamptz - ((g % 5) || ' hours')::interval
		                  WHEN 1 THEN $2::timestamptz + ((g % 5) || ' hours')::interval END,
		       $1, $2::timestamptz - ((g % 40) || ' minutes')::interval, $2
		FROM generate_series(1, 600) AS g`, user, now)
	if err != nil {
		t.Fatal(err)
	}
	// Nearly every claim is the user's, one in nine as its reviewer (which
	// keeps a proposed verdict in To do).
	_, err = db.ExecContext(ctx, `INSERT INTO claim_assignments (claim_id, user_id, role, assigned_by)
		SELECT id, $1, CASE WHEN id % 9 = 0 THEN 'reviewer' ELSE 'checker' END, $1 FROM claims WHERE id % 10 <> 0`, user)
	if err != nil {
		t.Fatal(err)
	}

	type row struct {
		id        int64
		state     string
		rank      int
		due       *time.Time
		created   time.Time
		reviewing bool
	}
	rs, err := db.QueryContext(ctx, `SELECT c.id, c.state, c.priority_rank, c.due_at, c.created_at,
			EXISTS (SELECT 1 FROM claim_assignments r WHERE r.claim_id = c.id AND r.user_id = $1 AND r.role = 'reviewer')
		FROM claims c WHERE EXISTS (SELECT 1 FROM claim_assignments a WHERE a.claim_id = c.id AND a.user_id = $1)`, user)
	if err != nil {
		t.Fatal(err)
	}
	var open []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.state, &r.rank, &r.due, &r.created, &r.reviewing); err != nil {
			t.Fatal(err)
		}
		if r.state != "confirmed" && r.state != "rejected" {
			open = append(open, r)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	overdue := func(r row) bool { return r.due != nil && r.due.Before(now) }
	slices.SortFunc(open, func(a, b row) int {
		byDue := 0
		switch {
		case a.due == nil && b.due != nil:
			byDue = 1
		case a.due != nil && b.due == nil:
			byDue = -1
		case a.due != nil:
			byDue = a.due.Compare(*b.due)
		}
		return cmp.Or(-boolCompare(overdue(a), overdue(b)), cmp.Compare(b.rank, a.rank), byDue,
			a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	var nOverdue int
	for _, r := range open {
		if overdue(r) {
			nOverdue++
		}
	}
	if len(open) <= 200 || nOverdue == 0 || nOverdue >= 200 {
		t.Fatalf("setup: %d open claims, %d overdue; want over 200, the overdue fewer than 200", len(open), nOverdue)
	}
	var wantToDo, wantWaiting []int64
	for _, r := range open[:200] {
		if (r.state == "verified" || r.state == "disputed") && !r.reviewing {
			wantWaiting = append(wantWaiting, r.id)
		} else {
			wantToDo = append(wantToDo, r.id)
		}
	}

	todo, waiting, err := st.MyQueue(ctx, user, now)
	if err != nil {
		t.Fatal(err)
	}
	var gotToDo, gotWaiting []int64
	for _, c := range todo {
		gotToDo = append(gotToDo, c.ID)
	}
	for _, c := range waiting {
		gotWaiting = append(gotWaiting, c.ID)
	}
	if !slices.Equal(gotToDo, wantToDo) {
		t.Errorf("to do:\n got %v\nwant %v", gotToDo, wantToDo)
	}
	if !slices.Equal(gotWaiting, wantWaiting) {
		t.Errorf("waiting:\n got %v\nwant %v", gotWaiting, wantWaiting)
	}
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
