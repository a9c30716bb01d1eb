package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// bulkForm is what the bulk bar offers the signed-in user: only actions
// their role may take at all, and the people they may assign.
type bulkForm struct {
	Actions []bulkChoice
	People  []models.User
	Max     int
}

type bulkChoice struct {
	Action workflow.BulkAction
	Label  string
}

var bulkLabels = map[workflow.BulkAction]string{
	workflow.BulkAssign: "Assign", workflow.BulkUnassign: "Unassign", workflow.BulkTag: "Add tag",
	workflow.BulkUntag: "Remove tag", workflow.BulkPriority: "Set priority", workflow.BulkDue: "Set due date",
	workflow.BulkReject: "Reject", workflow.BulkRestore: "Restore",
}

func (s *Server) bulkFormFor(u *models.User, ppl people) bulkForm {
	f := bulkForm{Max: workflow.MaxBulk}
	for _, a := range workflow.BulkActions {
		if workflow.CanBulk(u, a) {
			f.Actions = append(f.Actions, bulkChoice{Action: a, Label: bulkLabels[a]})
		}
	}
	for _, p := range ppl {
		if workflow.Assignable(&p, models.AssignChecker) {
			f.People = append(f.People, p)
		}
	}
	sortUsers(f.People)
	return f
}

// bulkLine is one claim's line in the result.
type bulkLine struct {
	ID     int64
	Text   string
	Reason string
	// Details are the field messages of a refusal.
	Details []string
}

type bulkResultView struct {
	Action   string
	Done     []bulkLine
	Same     []bulkLine
	Refused  []bulkLine
	Back     string
	Selected int
}

// selection reads the claims a dashboard form selected: the ticked ids, or
// with all=1 every claim matching the filter the form carries (up to the
// bulk cap, which CountClaims told the page).
func (s *Server) selection(c *gin.Context) ([]int64, error) {
	if c.PostForm("all") == "1" {
		filters, err := url.ParseQuery(c.PostForm("filters"))
		if err != nil {
			return nil, models.Errorf(models.EBadRequest, "the filter of the selection is not valid")
		}
		f, err := param.ListFilterFrom(filters, actor(c))
		if err != nil {
			return nil, err
		}
		n, capped, err := s.store.CountClaims(c.Request.Context(), f, workflow.MaxBulk)
		if err != nil {
			return nil, err
		}
		if capped {
			return nil, models.Invalid("too many claims match", models.FieldError{Field: "ids",
				Message: "more than " + strconv.Itoa(int(n)) + " claims match the filters; narrow them, or change at most " + strconv.Itoa(workflow.MaxBulk) + " at a time"})
		}
		return s.store.MatchingIDs(c.Request.Context(), f, workflow.MaxBulk)
	}
	ids, err := param.IDList(c.PostFormArray("ids"))
	if err != nil {
		return nil, models.Invalid("the selection is not valid", models.FieldError{Field: "ids", Message: err.Error()})
	}
	return ids, nil
}

// bulkRequest builds the engine's request from the bulk bar's fields.
func bulkRequest(c *gin.Context, ids []int64) (workflow.BulkRequest, error) {
	r := workflow.BulkRequest{IDs: ids, Action: workflow.BulkAction(c.PostForm("action")),
		Role: models.AssignmentRole(c.PostForm("role")), Tag: c.PostForm("tag"),
		Priority: models.Priority(c.PostForm("priority")), Comment: c.PostForm("comment")}
	if raw := strings.TrimSpace(c.PostForm("user_id")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return r, models.Invalid("choose someone", models.FieldError{Field: "user_id", Message: "choose a person from the list"})
		}
		r.UserID = id
	}
	if r.Action == workflow.BulkDue {
		due := strings.TrimSpace(c.PostForm("due_at"))
		if due == "" {
			r.DueAt = models.Optional[time.Time]{Set: true, Null: true}
		} else {
			t, err := time.ParseInLocation(dueLayout, due, zone(c))
			if err != nil {
				return r, models.Invalid("the due date is not valid", models.FieldError{Field: "due_at", Message: "use the date picker, or write 2026-12-01T17:00"})
			}
			r.DueAt = models.Some(t.UTC())
		}
	}
	// The versions the page showed: a claim changed since is refused rather
	// than changed blind.
	if raw := c.PostForm("versions"); raw != "" {
		r.Versions = map[int64]int{}
		for _, pair := range strings.Split(raw, ",") {
			id, v, ok := strings.Cut(pair, ":")
			cid, err1 := strconv.ParseInt(id, 10, 64)
			ver, err2 := strconv.Atoi(v)
			if ok && err1 == nil && err2 == nil {
				r.Versions[cid] = ver
			}
		}
	}
	return r, nil
}

// webBulk applies one action to the selected claims, each in its own
// transaction, and shows what was changed and what was refused and why.
// The result is rendered, not redirected to: it exists only for this
// request, and sending the form again refuses what is already done.
func (s *Server) webBulk(c *gin.Context) {
	back := safeNext(c.PostForm("back"))
	ids, err := s.selection(c)
	if err == nil {
		var req workflow.BulkRequest
		if req, err = bulkRequest(c, ids); err == nil {
			var results []workflow.BulkResult
			if results, err = s.engine.Bulk(c.Request.Context(), actor(c), req); err == nil {
				s.renderBulkResult(c, req, results, back)
				return
			}
		}
	}
	p := &page{Title: "Bulk change", Nav: "list", Data: &bulkResultView{Back: back, Action: c.PostForm("action")}}
	status := s.withProblem(c, p, err)
	s.render(c, status, "bulk", p)
}

func (s *Server) renderBulkResult(c *gin.Context, req workflow.BulkRequest, results []workflow.BulkResult, back string) {
	v := &bulkResultView{Action: bulkLabels[req.Action], Back: back, Selected: len(results)}
	texts, err := s.store.ClaimTexts(c.Request.Context(), req.IDs)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for _, r := range results {
		line := bulkLine{ID: r.ID, Text: texts[r.ID]}
		switch {
		case r.Err == nil && r.Unchanged:
			v.Same = append(v.Same, line)
		case r.Err == nil:
			v.Done = append(v.Done, line)
		default:
			prob := s.problemFor(c, r.Err)
			line.Reason = prob.Detail
			for _, f := range prob.Errors {
				line.Details = append(line.Details, f.Message)
			}
			v.Refused = append(v.Refused, line)
		}
	}
	p := &page{Title: "Bulk change", Nav: "list", Data: v}
	switch {
	case len(v.Refused) == 0:
		p.Notice, p.NoticeKind = v.Action+": done for every selected claim.", "ok"
	case len(v.Done)+len(v.Same) == 0:
		p.Notice, p.NoticeKind = v.Action+": refused for every selected claim; the reasons are below.", "error"
	default:
		p.Notice, p.NoticeKind = v.Action+": done for some claims, refused for others; the reasons are below.", "warning"
	}
	s.render(c, http.StatusOK, "bulk", p)
}

// webExport downloads the claims matching the filters in the URL (GET,
// from the board and the list) or the selection of a bulk form (POST).
func (s *Server) webExport(c *gin.Context) {
	var f store.ListFilter
	var err error
	switch {
	case c.Request.Method == http.MethodPost && c.PostForm("all") == "1":
		// An export has no cap: "all matching" exports the filter itself.
		var filters url.Values
		if filters, err = url.ParseQuery(c.PostForm("filters")); err == nil {
			f, err = param.ListFilterFrom(filters, actor(c))
		} else {
			err = models.Errorf(models.EBadRequest, "the filter of the selection is not valid")
		}
	case c.Request.Method == http.MethodPost:
		var ids []int64
		if ids, err = s.selection(c); err == nil {
			f.IDs = ids
		}
	default:
		f, err = param.ListFilter(c, actor(c))
	}
	format, ferr := exportFormat(c)
	if err == nil {
		err = ferr
	}
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.exporter.Write(c.Request.Context(), c.Writer, format, f); err != nil && c.Request.Context().Err() == nil {
		s.log.ErrorContext(c.Request.Context(), "claim export ended early", "error", err)
	}
}
