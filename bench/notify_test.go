package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/internal/smtptest"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// queued collects, per engine call, the notifications whose instant email
// the call queued; the caller hands them to the mail workers once the
// call has committed, as River's InsertTx would.
type queuedKey struct{}

// BenchmarkNotifyFanOut measures notifications end to end:
//   - b.N assignments through the engine, each to a different checker, so
//     none coalesce: every one writes a notification and queues an instant
//     email; the same assignments through an engine without the notify hook
//     are the reference (both engines carry the events and live hooks, as
//     the app does);
//   - b.N more with the hook while mail workers send what they queue to a
//     loopback SMTP server through Service.SendInstant; queue latency is
//     from the assignment's commit to the server accepting the message;
//   - one transition of a claim with b.N followers: one transaction that
//     writes b.N notifications.
//
// Run it with
//
//	go test -run '^$' -bench NotifyFanOut -benchtime 1000x ./bench
func BenchmarkNotifyFanOut(b *testing.B) {
	const assigners, mailers = 8, 8
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(b), store.Options{MaxConns: assigners + mailers + 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	n := b.N
	editor := &models.User{Email: "editor@bench.test", Name: "Bench Editor", Role: models.RoleEditor, Active: true}
	// A second editor makes the mailed assignments: the first one's would
	// merge into the notifications of the quiet run (coalescing is per actor).
	editor2 := &models.User{Email: "editor2@bench.test", Name: "Bench Editor 2", Role: models.RoleEditor, Active: true}
	checkers := make([]*models.User, n)
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, editor); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, editor2); err != nil {
			return err
		}
		for i := range checkers {
			checkers[i] = &models.User{Email: fmt.Sprintf("checker%d@bench.test", i), Name: fmt.Sprintf("Checker %d", i), Role: models.RoleChecker, Active: true}
			if err := tx.CreateUser(ctx, checkers[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	baseHooks := func(e *workflow.Engine) {
		e.OnChange(func(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
			return events.ClaimChanged(ctx, tx, ch.Claim, ch.Entry, ch.Evidence, ch.Actor)
		})
		e.OnChange(live.Notify)
	}
	plain := workflow.NewEngine(st)
	baseHooks(plain)
	withNotify := workflow.NewEngine(st)
	baseHooks(withNotify)
	notifier := &notify.Notifier{EnqueueInstant: func(ctx context.Context, _ *store.Tx, id int64, _ time.Time) error {
		q := ctx.Value(queuedKey{}).(*[]int64)
		*q = append(*q, id)
		return nil
	}}
	withNotify.OnChange(notifier.Hook)

	newClaims := func() []*models.Claim {
		ins := make([]workflow.NewClaim, n)
		for i := range ins {
			ins[i] = workflow.NewClaim{Text: fmt.Sprintf("Bench claim %d: exports rose %d percent.", i, i%90)}
		}
		cs, err := withNotify.CreateClaims(ctx, editor, ins)
		if err != nil {
			b.Fatal(err)
		}
		return cs
	}
	refClaims, quietClaims, claims := newClaims(), newClaims(), newClaims()

	srv := smtptest.Start(b, smtptest.Options{})
	mc, err := mail.ParseConfig("smtp://"+srv.Addr()+"?tls=none", "Factdesk <desk@bench.test>")
	if err != nil {
		b.Fatal(err)
	}
	svc := notify.NewService(st, mail.NewSender(mc), notify.Config{DashboardURL: "https://desk.example.org", UnsubscribeKey: []byte("bench key")})

	b.ResetTimer()
	// The reference: the same assignments without notifications.
	refLat, refElapsed := runN(n, assigners, func(i int) error {
		_, err := plain.Assign(ctx, editor, refClaims[i].ID, workflow.AssignRequest{UserID: checkers[i].ID})
		return err
	})

	// The hook's own cost: notifications written, emails queued, none sent.
	quietLat, quietElapsed := runN(n, assigners, func(i int) error {
		var q []int64
		_, err := withNotify.Assign(context.WithValue(ctx, queuedKey{}, &q), editor, quietClaims[i].ID, workflow.AssignRequest{UserID: checkers[i].ID})
		return err
	})

	type job struct {
		id        int64
		committed time.Time
	}
	jobs := make(chan job, n)
	committed := make([]time.Time, n)
	var mailWG sync.WaitGroup
	var mailErr error
	var mailOnce sync.Once
	for range mailers {
		mailWG.Add(1)
		go func() {
			defer mailWG.Done()
			for j := range jobs {
				if err := svc.SendInstant(ctx, j.id); err != nil {
					mailOnce.Do(func() { mailErr = err })
				}
			}
		}()
	}
	start := time.Now()
	lat, elapsed := runN(n, assigners, func(i int) error {
		var q []int64
		_, err := withNotify.Assign(context.WithValue(ctx, queuedKey{}, &q), editor2, claims[i].ID, workflow.AssignRequest{UserID: checkers[i].ID})
		committed[i] = time.Now()
		for _, id := range q {
			jobs <- job{id, committed[i]}
		}
		if len(q) != 1 {
			return fmt.Errorf("assignment %d queued %d emails, want 1", i, len(q))
		}
		return err
	})
	close(jobs)
	mailWG.Wait()
	mailElapsed := time.Since(start)
	if mailErr != nil {
		b.Fatal(mailErr)
	}
	msgs := srv.Messages()
	if len(msgs) != n {
		b.Fatalf("SMTP server got %d messages, want %d", len(msgs), n)
	}
	index := make(map[string]int, n)
	for i, c := range checkers {
		index[c.Email] = i
	}
	queueLat := make([]time.Duration, len(msgs))
	for k, m := range msgs {
		queueLat[k] = m.At.Sub(committed[index[m.To[0]]])
	}

	// One change, n followers.
	big := claims[0]
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		ids := make([]int64, n)
		for i, c := range checkers {
			ids[i] = c.ID
		}
		return tx.Follow(ctx, big.ID, time.Now(), ids...)
	})
	if err != nil {
		b.Fatal(err)
	}
	big, _ = st.Claim(ctx, big.ID)
	t0 := time.Now()
	var q []int64
	if _, err := withNotify.Apply(context.WithValue(ctx, queuedKey{}, &q), editor, big.ID, workflow.Request{Action: models.ActionStart, Version: big.Version}); err != nil {
		b.Fatal(err)
	}
	fanOut := time.Since(t0)
	b.StopTimer()
	var written int64
	for _, c := range checkers[1:] {
		k, _ := st.UnreadNotifications(ctx, c.ID)
		written += k
	}
	if written != int64(3*(n-1)) {
		b.Fatalf("notifications written = %d, want %d (two assignments and a state change each)", written, 3*(n-1))
	}

	refRate, quietRate, rate := float64(n)/refElapsed.Seconds(), float64(n)/quietElapsed.Seconds(), float64(n)/elapsed.Seconds()
	b.ReportMetric(rate, "assign_ops/s")
	b.ReportMetric(ms(percentile(lat, 50)), "assign_p50_ms")
	b.ReportMetric(ms(percentile(lat, 99)), "assign_p99_ms")
	b.ReportMetric(refRate, "ref_assign_ops/s")
	b.ReportMetric(quietRate, "hook_assign_ops/s")
	b.ReportMetric(quietRate/refRate, "hook/ref")
	b.ReportMetric(float64(n)/mailElapsed.Seconds(), "emails/s")
	b.ReportMetric(ms(percentile(queueLat, 50)), "queue_p50_ms")
	b.ReportMetric(ms(percentile(queueLat, 99)), "queue_p99_ms")
	b.ReportMetric(ms(fanOut), "fanout_tx_ms")
	b.Logf("n=%d  assignments: without notify %.0f/s (p50 %.2f ms) | with the hook %.0f/s (p50 %.2f ms), ratio %.2f | "+
		"with the hook while mailing %.0f/s (p50 %.2f ms, p99 %.2f ms) | "+
		"%d emails delivered in %.2fs (%.0f/s), queue latency p50 %.1f ms p99 %.1f ms | one transition to %d followers: %.0f ms",
		n, refRate, ms(percentile(refLat, 50)), quietRate, ms(percentile(quietLat, 50)), quietRate/refRate,
		rate, ms(percentile(lat, 50)), ms(percentile(lat, 99)),
		len(msgs), mailElapsed.Seconds(), float64(n)/mailElapsed.Seconds(), ms(percentile(queueLat, 50)), ms(percentile(queueLat, 99)), n, ms(fanOut))
}

// runN runs op(0..n-1) on workers goroutines and returns each op's latency
// and the wall time.
func runN(n, workers int, op func(i int) error) ([]time.Duration, time.Duration) {
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				t0 := time.Now()
				if err := op(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		panic(firstErr)
	}
	return lat, time.Since(start)
}
