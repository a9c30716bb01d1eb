package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestWebListSortsFiltersAndPages(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	var ids []int64
	for i := 0; i < 55; i++ {
		ids = append(ids, env.Claim(t, checker, "Claim number "+itoa(int64(i))+" about bridges.").ID)
	}
	assigned := env.ClaimIn(t, models.StateVerified, checker, editor, "Tram ridership doubled.")

	b := webSignIn(t, env, checker)
	first := b.get("/claims").status(t, http.StatusOK).has(t, "<h1>Claims</h1>", `data-keynav`, `form="bulk-form"`,
		"Select all 56 matching", "Proposed: True", "by checker 1", `aria-sort="descending"`, "list.js")
	next := regexp.MustCompile(`href="(/claims\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(first.Body)
	if next == nil {
		t.Fatalf("first page has no next link:\n%s", first.Body)
	}
	second := b.get(strings.ReplaceAll(next[1], "&amp;", "&")).status(t, http.StatusOK).has(t, "First page", "Claim number 0 about")
	if strings.Count(second.Body, `<tr data-claim-id=`) != 6 {
		t.Errorf("second page has %d rows, want 6", strings.Count(second.Body, `<tr data-claim-id=`))
	}

	// Sorted by id ascending, the oldest claim comes first.
	asc := b.get("/claims?sort=id&dir=asc").status(t, http.StatusOK).has(t, `aria-sort="ascending"`)
	if i, j := strings.Index(asc.Body, `data-claim-id="`+itoa(ids[0])+`"`), strings.Index(asc.Body, `data-claim-id="`+itoa(ids[1])+`"`); i < 0 || j < i {
		t.Errorf("ascending id sort does not start with #%d, #%d", ids[0], ids[1])
	}
	b.get("/claims?assignee=none&state=new").has(t, "Select all 55 matching").lacks(t, "Tram ridership")
	b.get("/claims?assignee="+itoa(checker.ID)).has(t, "Tram ridership", "Select all 1 matching").lacks(t, "Claim number")
	b.get("/claims?sort=colour").status(t, http.StatusUnprocessableEntity)
	b.get("/claims?cursor=nonsense").status(t, http.StatusUnprocessableEntity)
	_ = assigned
}

func TestWebBulk(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	a := env.Claim(t, checker, "Ferries carried 2 million people.")
	bc := env.Claim(t, checker, "The airport lost money.")
	closed := env.ClaimIn(t, models.StateRejected, checker, editor, "The moon is near.")

	eb := webSignIn(t, env, editor)
	eb.get("/board").status(t, http.StatusOK).has(t, `id="bulk-form"`, `value="assign"`, "Export CSV", `name="ids" value="`+itoa(a.ID)+`"`)
	res := eb.submit("/claims/bulk", url.Values{"ids": {itoa(a.ID), itoa(bc.ID), itoa(closed.ID)}, "action": {"assign"},
		"user_id": {itoa(checker.ID)}, "role": {"checker"}, "back": {"/board"}}).status(t, http.StatusOK)
	res.has(t, "Changed <span class=\"count\">2</span>", "Refused <span class=\"count\">1</span>", "is rejected; reopen or restore it", `href="/board"`)

	// A claim changed since the page showed it is refused, not overwritten.
	res = eb.submit("/claims/bulk", url.Values{"ids": {itoa(a.ID)}, "action": {"priority"}, "priority": {"urgent"},
		"versions": {itoa(a.ID) + ":7"}}).status(t, http.StatusOK)
	res.has(t, "changed since you read it")

	// All matching: the filter travels with the form.
	eb.submit("/claims/bulk", url.Values{"all": {"1"}, "filters": {"assignee=" + itoa(checker.ID)}, "action": {"tag"}, "tag": {"transport"}}).
		status(t, http.StatusOK).has(t, "Changed <span class=\"count\">2</span>")
	eb.get("/claims?tag=transport").has(t, "Ferries carried", "The airport lost").lacks(t, "The moon is near")

	eb.submit("/claims/bulk", url.Values{"ids": {itoa(a.ID)}, "action": {"reject"}}).status(t, http.StatusUnprocessableEntity).has(t, "say why")
	eb.post("/claims/bulk", url.Values{"ids": {itoa(a.ID)}, "action": {"tag"}, "tag": {"x"}}).status(t, http.StatusForbidden)

	// A viewer sees no bulk actions and may not take them.
	vb := webSignIn(t, env, env.User(t, models.RoleViewer))
	vb.get("/claims").status(t, http.StatusOK).lacks(t, `value="assign"`)
	vb.submit("/claims/bulk", url.Values{"ids": {itoa(a.ID)}, "action": {"tag"}, "tag": {"x"}}).status(t, http.StatusForbidden)

	// Exports: the filters in the URL, or the selection posted.
	csvPage := eb.get("/claims/export?format=csv&tag=transport").status(t, http.StatusOK)
	rows, err := csv.NewReader(bytes.NewReader([]byte(csvPage.Body))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "id" {
		t.Errorf("export of tag=transport = %v (%v)", rows, err)
	}
	all := eb.submit("/claims/export", url.Values{"all": {"1"}, "filters": {"tag=transport"}, "format": {"csv"}}).status(t, http.StatusOK)
	if rows, _ := csv.NewReader(strings.NewReader(all.Body)).ReadAll(); len(rows) != 3 {
		t.Errorf("export of all matching = %v", rows)
	}
	sel := eb.submit("/claims/export", url.Values{"ids": {itoa(closed.ID)}, "format": {"csv"}}).status(t, http.StatusOK)
	if rows, _ := csv.NewReader(strings.NewReader(sel.Body)).ReadAll(); len(rows) != 2 || rows[1][0] != itoa(closed.ID) {
		t.Errorf("export of the selection = %v", rows)
	}
}

func TestWebBoardColumnLoadsMore(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	for i := 0; i < 30; i++ {
		env.Claim(t, checker, "Board claim "+itoa(int64(i))+" on fares.")
	}
	b := webSignIn(t, env, checker)
	board := b.get("/board").status(t, http.StatusOK).has(t, "Load more (5 left)")
	more := regexp.MustCompile(`hx-get="(/board/column\?[^"]+)"`).FindStringSubmatch(board.Body)
	if more == nil {
		t.Fatal("no load-more URL on the board")
	}
	frag := b.get(strings.ReplaceAll(more[1], "&amp;", "&")).status(t, http.StatusOK)
	if n := strings.Count(frag.Body, `class="selectable"`); n != 5 {
		t.Errorf("load more gave %d cards, want 5:\n%s", n, frag.Body)
	}
	frag.has(t, "Board claim 0 on fares.").lacks(t, "Load more")
	b.get("/board?assignee=none").status(t, http.StatusOK).has(t, `value="none" selected`, "Board claim 29")
}

func TestWebFavicon(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	res := newWebBrowser(t, env).get("/favicon.ico").status(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") || !strings.Contains(res.Body, "<svg") {
		t.Errorf("/favicon.ico = %q, %q", ct, res.Body)
	}
}
