package app

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/webhooks"
)

// NotifyConfig tunes notifications (notify/). The zero value is production's.
type NotifyConfig struct {
	// Mail is the SMTP server and sender (FACTDESK_SMTP_URL,
	// FACTDESK_MAIL_FROM); when not Enabled no email is sent and the inbox
	// still works.
	Mail mail.Config
	// InstantDelay, DigestEvery and OverdueEvery default to notify's
	// defaults; tests shorten them.
	InstantDelay time.Duration
	DigestEvery  time.Duration
	OverdueEvery time.Duration
	// Now is the clock of the mail and sweep jobs (default time.Now).
	Now func() time.Time
}

// wireNotify registers the notification hook on the engine, the live
// badge channel on the hub, and the notify queue on the job client, with
// the mail service when SMTP is configured.
func (a *App) wireNotify(ctx context.Context, publicURL string) error {
	cfg := a.Config.Notify
	key, err := webhooks.DeriveKey(ctx, a.Store, a.Config.Webhooks.SecretKey, "notify unsubscribe")
	if err != nil {
		return fmt.Errorf("cannot derive the unsubscribe key: %w", err)
	}
	a.UnsubscribeKey = key
	a.Notifier = &notify.Notifier{InstantDelay: cfg.InstantDelay}
	if cfg.Mail.Enabled() {
		a.Notify = notify.NewService(a.Store, mail.NewSender(cfg.Mail), notify.Config{
			DashboardURL: publicURL, UnsubscribeKey: key, Name: a.Config.PublisherName, Now: cfg.Now, Log: a.Log,
		})
		a.Log.Info("notification email is on", "mail", cfg.Mail.String())
	}
	// Each notify job holds one store connection while it sends; leave
	// the rest of the pool to requests.
	workers := 4
	if a.Config.DBMaxConns > 0 {
		workers = max(1, min(workers, a.Config.DBMaxConns/3))
	}
	if err := notify.Register(a.Jobs, notify.Jobs{
		Store: a.Store, Notifier: a.Notifier, Mail: a.Notify, Workers: workers,
		DigestEvery: cfg.DigestEvery, OverdueEvery: cfg.OverdueEvery, Now: cfg.Now, Log: a.Log,
	}); err != nil {
		return err
	}
	a.Engine.OnChange(a.Notifier.Hook)
	a.Live.ListenUsers(notify.Channel)
	return nil
}
