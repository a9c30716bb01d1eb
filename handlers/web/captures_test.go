package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/archive/tsa"
	"github.com/factdesk/factdesk/archive/wacz"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestWebCapturesAndPacket(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	page := apptest.NewSourcePage(t, apptest.SourceArticle("Statement", `Minister's statement. We will build 400 homes by 2027, she said. <b id="raw">raw</b>`))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "400 homes by 2027.", page.URL(), "We will build 400 homes by 2027")
	env.WaitChecked(t, checker.Token, claimID, evID)
	b := webSignIn(t, env, checker)

	claim := b.get("/claims/" + itoa(claimID))
	if !strings.Contains(claim.Body, `href="/claims/`+itoa(claimID)+`/evidence-packet"`) ||
		!strings.Contains(claim.Body, `href="/claims/`+itoa(claimID)+`/evidence/`+itoa(evID)+`/captures"`) {
		t.Errorf("claim page lacks the packet button or the captures link")
	}
	viewer := b.get("/claims/" + itoa(claimID) + "/evidence/" + itoa(evID) + "/captures")
	if viewer.Status != http.StatusOK || !strings.Contains(viewer.Body, `<mark id="quote">We will build 400 homes by 2027</mark>`) {
		t.Fatalf("viewer = %d, want the quote marked:\n%s", viewer.Status, viewer.Body)
	}
	if strings.Contains(viewer.Body, `<b id="raw">`) || !strings.Contains(viewer.Body, string(tsa.StatusUnconfigured)) {
		t.Errorf("viewer renders captured HTML or hides that nothing is timestamped")
	}
	if res := b.get("/claims/" + itoa(claimID) + "/evidence/" + itoa(evID) + "/captures?capture=x"); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("capture=x = %d, want 422", res.Status)
	}
	other := env.ClaimIn(t, models.StateVerifying, checker, editor, "Another claim.")
	if res := b.get("/claims/" + itoa(other.ID) + "/evidence/" + itoa(evID) + "/captures"); res.Status != http.StatusNotFound {
		t.Errorf("evidence of another claim = %d, want 404", res.Status)
	}

	packet := b.get("/claims/" + itoa(claimID) + "/evidence-packet")
	if packet.Status != http.StatusOK || packet.Header.Get("Content-Type") != "application/wacz+zip" ||
		!strings.HasPrefix(packet.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("packet = %d %q %q", packet.Status, packet.Header.Get("Content-Type"), packet.Header.Get("Content-Disposition"))
	}
	rep, err := wacz.Verify([]byte(packet.Body), nil)
	if err != nil || rep.Captures != 1 || rep.Provenance.Evidence[0].Excerpt == nil {
		t.Errorf("packet: %+v, %v", rep, err)
	}
}
