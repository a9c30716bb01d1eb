package e2e_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/handlers/export"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// desktop sets the viewport the screenshots are reviewed at.
func (p *person) desktop() {
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
}

// shiftClick clicks sel with Shift held, the way a person ticks a range.
func (p *person) shiftClick(sel string) {
	p.t.Helper()
	nodes := get(p, "find "+sel, chromedp.Nodes(chromedp.CSS(sel)))
	p.do("shift-click "+sel, chromedp.MouseClickNode(nodes[0], chromedp.ButtonModifiers(chromedp.ModifierShift)))
}

func row(id int64) string { return fmt.Sprintf(`tr[data-claim-id="%d"]`, id) }

// TestBulkAssignFromTheList: an editor ticks one claim, shift-clicks a
// third to take the range, assigns the three to a checker, and reads the
// result; each claim has its own history entry.
func TestBulkAssignFromTheList(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	var ids []int64
	for i := range 4 {
		ids = append(ids, env.Claim(t, editor, fmt.Sprintf("Claim %d: the harbour dredging cost %d million.", i+1, (i+1)*7)).ID)
	}
	// The list is newest first: ids[3], ids[2], ids[1], ids[0].
	p := open(t, env)
	p.desktop()
	p.signIn(editor)
	p.visit("/claims", row(ids[3]))
	p.do("tick the first claim", chromedp.Click(chromedp.CSS(row(ids[3])+` input.select`)))
	p.shiftClick(row(ids[1]) + ` input.select`)
	count := get(p, "read the count", chromedp.Text(chromedp.CSS(`[data-count-text]`)))
	if !strings.Contains(count, "3 selected") {
		t.Fatalf("after a shift-click range the bar says %q, want 3 selected", count)
	}
	if get(p, "look at the fourth", chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('%s input.select').checked`, row(ids[0])))) {
		t.Fatal("the claim outside the range is ticked")
	}
	p.do("choose assign",
		chromedp.SetValue(chromedp.ID("bulk-action"), "assign"),
		chromedp.SetValue(chromedp.ID("bulk-user"), fmt.Sprint(checker.ID)),
	)
	p.screenshot("list-selected")
	p.do("assign the three",
		chromedp.Click(chromedp.CSS(`#bulk-form button.primary[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("done-h")),
	)
	p.screenshot("bulk-result")
	done := get(p, "read the result", chromedp.Text(chromedp.ID("done-h")))
	if !strings.Contains(done, "3") {
		t.Errorf("result heading = %q, want 3 changed", done)
	}
	for _, id := range ids[1:] {
		c, err := env.App.Store.Claim(context.Background(), id)
		if err != nil || len(c.Assignees) != 1 || c.Assignees[0].UserID != checker.ID {
			t.Errorf("claim %d after the bulk assign = %+v, %v", id, c, err)
		}
		h, _ := env.App.Store.History(context.Background(), id)
		if len(h) != 2 || h[1].Kind != models.HistoryAssigned {
			t.Errorf("history of %d = %+v, want created then assigned", id, h)
		}
	}
	if c, _ := env.App.Store.Claim(context.Background(), ids[0]); len(c.Assignees) != 0 {
		t.Errorf("the unticked claim was assigned: %+v", c.Assignees)
	}
	p.phone()
	p.visit("/claims", row(ids[3]))
	p.screenshot("list-phone")
	p.visit("/board", ".board-columns")
	p.screenshot("board-phone")
}

// TestExportCSVFromTheBoard follows the board's export link in the
// signed-in browser and parses what it downloads.
func TestExportCSVFromTheBoard(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	confirmed := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Ferry crossings rose by a third.")
	tagged, err := env.App.Engine.CreateClaim(context.Background(), editor.User, workflow.NewClaim{Text: "Bus lanes, \"cut\" delays", Tags: []string{"transport"}})
	if err != nil {
		t.Fatal(err)
	}
	p := open(t, env)
	p.desktop()
	p.signIn(editor)
	p.visit("/board", ".board-columns")
	p.screenshot("board")
	href := get(p, "read the export link", chromedp.Evaluate[string](`document.querySelector('a[href^="/claims/export?format=csv"]').getAttribute('href')`))
	body := get(p, "download the export", chromedp.Evaluate[string](
		`fetch(`+"`"+href+"`"+`, {credentials: "same-origin"}).then(r => r.ok ? r.text() : Promise.reject(r.status))`, chromedp.EvalAwaitPromise))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, body)
	}
	if !slices.Equal(rows[0], export.Columns) || len(rows) != 3 {
		t.Fatalf("export = %v, want the header and two claims", rows)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	col := func(id int64, name string) string { return byID[fmt.Sprint(id)][slices.Index(export.Columns, name)] }
	if col(confirmed.ID, "state") != "confirmed" || col(confirmed.ID, "public_url") == "" || col(confirmed.ID, "confirmed_at") == "" {
		t.Errorf("confirmed row = %v", byID[fmt.Sprint(confirmed.ID)])
	}
	if col(tagged.ID, "text") != `Bus lanes, "cut" delays` || col(tagged.ID, "tags") != "transport" {
		t.Errorf("tagged row = %v", byID[fmt.Sprint(tagged.ID)])
	}
}

// TestListKeyboard moves through the list with j and k, ticks with x,
// opens the help with ? and a claim with Enter.
func TestListKeyboard(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	var ids []int64
	for i := range 3 {
		ids = append(ids, env.Claim(t, checker, fmt.Sprintf("Keyboard claim %d about rail fares.", i+1)).ID)
	}
	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit("/claims", row(ids[2]))
	p.do("move down twice and up once, then tick", chromedp.KeyEvent("jjkjx"))
	cursor := get(p, "find the cursor", chromedp.Evaluate[string](`document.querySelector('tr.is-cursor').dataset.claimId`))
	if cursor != fmt.Sprint(ids[1]) {
		t.Fatalf("cursor on claim %s, want %d (the second row)", cursor, ids[1])
	}
	if !get(p, "look at the tick", chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('%s input.select').checked`, row(ids[1])))) {
		t.Fatal("x did not tick the current row")
	}
	p.do("open the help", chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.ID("keys-help")))
	p.screenshot("list-help")
	p.do("close the help", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.ID("keys-help")))
	p.do("open the claim", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("claim-text")))
	if loc := get(p, "read the URL", chromedp.Location()); !strings.HasSuffix(loc, fmt.Sprintf("/claims/%d", ids[1])) {
		t.Errorf("Enter opened %s, want claim %d", loc, ids[1])
	}
}

// TestEditClaimInPlace edits a claim from its page and reads the edit in
// its history.
func TestEditClaimInPlace(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	c := env.Claim(t, checker, "The new stadium seats 40,000 people.")
	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-text")
	p.do("edit the claim",
		chromedp.Click(chromedp.CSS("#edit-claim summary")),
		chromedp.WaitVisible(chromedp.ID("edit-text")),
		chromedp.SetValue(chromedp.ID("edit-text"), "The new stadium seats 45,000 people."),
		chromedp.SetValue(chromedp.ID("edit-tags"), "sport, budget"),
		chromedp.SetValue(chromedp.ID("edit-priority"), "urgent"),
	)
	p.screenshot("claim-edit")
	p.do("save", chromedp.Click(chromedp.CSS("#edit-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".notice-ok")))
	text := get(p, "read the claim", chromedp.Text(chromedp.ID("claim-text")))
	history := get(p, "read the history", chromedp.Text(chromedp.CSS(".timeline")))
	if !strings.Contains(text, "45,000") || !strings.Contains(history, "edited the claim: priority, tags, text.") {
		t.Errorf("after the edit the claim reads %q and its history %q", text, history)
	}
	p.phone()
	p.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-text")
	p.do("open the edit form", chromedp.Click(chromedp.CSS("#edit-claim summary")), chromedp.WaitVisible(chromedp.ID("edit-text")))
	p.screenshot("claim-edit-phone")
}
