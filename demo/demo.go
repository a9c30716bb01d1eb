// Package demo loads a small, realistic desk for trying factdesk out: users
// of every role and claims in every state, all written through the workflow
// engine so their history is real.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Password is shared by every demo account. The demo is for a laptop, not
// for a server anyone else can reach.
const Password = "factdesk-demo"

// Login is a demo account to print.
type Login struct {
	Role     models.Role
	Email    string
	Password string
}

var people = []struct {
	key, email, name string
	role             models.Role
}{
	{"admin", "admin@demo.factdesk.test", "Asha Admin", models.RoleAdmin},
	{"editor", "editor@demo.factdesk.test", "Elena Editor", models.RoleEditor},
	{"editor2", "editor2@demo.factdesk.test", "Emeka Editor", models.RoleEditor},
	{"checker", "checker@demo.factdesk.test", "Chen Checker", models.RoleChecker},
	{"checker2", "checker2@demo.factdesk.test", "Carla Checker", models.RoleChecker},
	{"viewer", "viewer@demo.factdesk.test", "Victor Viewer", models.RoleViewer},
}

// The article the demo claims come from, written for this demo.
const article = "https://news.example.org/2026/11/nato-delegation-new-delhi"

type evidence struct {
	url, title, excerpt string
	stance              models.Stance
}

type claim struct {
	text, claimant string
	priority       models.Priority
	// path is the list of actions taken, in order, by the roles named.
	path []step
	ev   []evidence
}

type step struct {
	by      string
	action  models.Action
	verdict models.Verdict
	summary string
	comment string
	dupOf   int // index into claims, for reject as duplicate
}

var claims = []claim{
	{text: "The meeting in New Delhi was the first of its kind between a NATO delegation and Indian officials.", claimant: "a source familiar with the meeting", priority: models.PriorityUrgent},
	{text: "A minister from Poland attended the talks in person.", claimant: "a source familiar with the meeting", priority: models.PriorityHigh},
	{text: "India had never before received an official NATO delegation on its soil.", claimant: "opposition spokesperson", priority: models.PriorityNormal},
	{text: "A German political foundation facilitated the meeting.", claimant: "the foundation's regional office", priority: models.PriorityHigh,
		path: []step{{by: "checker", action: models.ActionStart}}},
	{text: "The delegation included officials from seven NATO member states.", claimant: "a diplomat in New Delhi", priority: models.PriorityNormal,
		path: []step{{by: "checker2", action: models.ActionStart}}},
	{text: "The talks in New Delhi lasted more than four hours.", claimant: "a source familiar with the meeting", priority: models.PriorityLow,
		path: []step{{by: "checker", action: models.ActionStart}}},
	{text: "The meeting took place at a hotel in central New Delhi.", claimant: "a source familiar with the meeting", priority: models.PriorityNormal,
		ev:   []evidence{{"https://news.example.org/2026/11/delhi-hotel-security", "Security tightened around central Delhi hotel", "police closed the road outside the hotel where the visiting delegation met", models.StanceSupports}},
		path: []step{{by: "checker", action: models.ActionStart}, {by: "checker", action: models.ActionVerify, verdict: models.VerdictTrue, summary: "Two local reports and a police notice place the meeting at the hotel."}}},
	{text: "India's foreign ministry issued no statement about the meeting.", claimant: "a foreign-policy analyst", priority: models.PriorityNormal,
		ev:   []evidence{{"https://mea.example.gov.in/press-releases/november", "Press releases, November", "", models.StanceSupports}},
		path: []step{{by: "checker2", action: models.ActionStart}, {by: "checker2", action: models.ActionVerify, verdict: models.VerdictMostlyTrue, summary: "No press release was issued; a spokesperson answered one question at a briefing."}}},
	{text: "The Polish minister signed a defence agreement with India during the visit.", claimant: "a social media post", priority: models.PriorityUrgent,
		ev:   []evidence{{"https://gov.example.pl/ministry/statements/delhi-visit", "Minister's statement on the Delhi visit", "no agreements were signed during the visit", models.StanceRefutes}},
		path: []step{{by: "checker", action: models.ActionStart}, {by: "checker", action: models.ActionDispute, verdict: models.VerdictFalse, summary: "The ministry's own statement says nothing was signed."}}},
	{text: "NATO has opened a liaison office in New Delhi.", claimant: "a television panelist", priority: models.PriorityHigh,
		ev:   []evidence{{"https://nato.example.int/news/partners-asia", "Partners in the Indo-Pacific", "NATO maintains no office in India", models.StanceRefutes}},
		path: []step{{by: "checker2", action: models.ActionStart}, {by: "checker2", action: models.ActionDispute, verdict: models.VerdictFalse, summary: "NATO lists no office in India; the meeting was a one-off visit."}}},
	{text: "The meeting was held behind closed doors with no press present.", claimant: "a source familiar with the meeting", priority: models.PriorityNormal,
		ev:   []evidence{{"https://news.example.org/2026/11/closed-door-talks", "Closed-door talks in Delhi", "reporters were kept outside the conference room", models.StanceSupports}},
		path: []step{{by: "checker", action: models.ActionStart}, {by: "checker", action: models.ActionVerify, verdict: models.VerdictTrue, summary: "Reporters present at the hotel confirm they were kept out."}, {by: "editor", action: models.ActionConfirm}}},
	{text: "The NATO delegation was led by the alliance's secretary general.", claimant: "a news aggregator", priority: models.PriorityHigh,
		ev:   []evidence{{"https://nato.example.int/news/secretary-general-schedule", "Secretary General's schedule", "the Secretary General was in Brussels all week", models.StanceRefutes}},
		path: []step{{by: "checker2", action: models.ActionStart}, {by: "checker2", action: models.ActionDispute, verdict: models.VerdictFalse, summary: "The Secretary General's public schedule places him in Brussels that week."}, {by: "editor2", action: models.ActionConfirm}}},
	{text: "This meeting will change security in Asia forever.", claimant: "a columnist", priority: models.PriorityLow,
		path: []step{{by: "editor", action: models.ActionReject, comment: "A prediction and an opinion; nothing to check."}}},
	{text: "It was the first such meeting ever held in India.", claimant: "a regional newspaper", priority: models.PriorityNormal,
		path: []step{{by: "editor", action: models.ActionReject, comment: "Same claim as the first one on the desk.", dupOf: 1}}},
}

// Load creates the demo desk unless it is already there, and returns the
// logins to print.
func Load(ctx context.Context, eng *workflow.Engine, accounts *auth.Service, st *store.Store) ([]Login, error) {
	logins := make([]Login, 0, len(people))
	for _, p := range people {
		logins = append(logins, Login{Role: p.role, Email: p.email, Password: Password})
	}
	if _, err := st.UserByEmail(ctx, people[0].email); err == nil {
		return logins, nil // loaded by an earlier start
	}
	users := map[string]*models.User{}
	for _, p := range people {
		u, err := accounts.CreateUser(ctx, nil, auth.NewUser{Email: p.email, Name: p.name, Role: p.role, Password: Password})
		if err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", p.email, err)
		}
		users[p.key] = u
	}
	ids := make([]int64, len(claims))
	for i, cl := range claims {
		due := time.Now().UTC().Add(time.Duration(i*6-20) * time.Hour).Truncate(time.Hour)
		c, err := eng.CreateClaim(ctx, users["checker"], workflow.NewClaim{
			Text: cl.text, Claimant: cl.claimant, SourceURL: article, Priority: cl.priority,
			DueAt: &due, Language: "en", Tags: []string{"nato", "india"},
		})
		if err != nil {
			return nil, fmt.Errorf("demo: claim %d: %w", i+1, err)
		}
		ids[i] = c.ID
		for _, s := range cl.path {
			if s.action == models.ActionStart {
				if c, err = eng.Assign(ctx, users["editor"], c.ID, workflow.AssignRequest{UserID: users[s.by].ID, Role: models.AssignChecker}); err != nil {
					return nil, fmt.Errorf("demo: assign claim %d: %w", i+1, err)
				}
				for _, e := range cl.ev {
					if _, err := eng.AddEvidence(ctx, users[s.by], c.ID, workflow.NewEvidence{URL: e.url, Title: e.title, Excerpt: e.excerpt, Stance: e.stance}); err != nil {
						return nil, fmt.Errorf("demo: evidence for claim %d: %w", i+1, err)
					}
				}
			}
			req := workflow.Request{Action: s.action, Version: c.Version, Verdict: s.verdict, Summary: s.summary, Comment: s.comment}
			if s.dupOf > 0 {
				req.DuplicateOf = &ids[s.dupOf-1]
			}
			if c, err = eng.Apply(ctx, users[s.by], c.ID, req); err != nil {
				return nil, fmt.Errorf("demo: %s claim %d: %w", s.action, i+1, err)
			}
		}
	}
	return logins, nil
}
