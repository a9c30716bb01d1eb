package notify

// Job arguments for the queue the caller runs (River's JobArgs needs only
// Kind). Workers call the Service method named on each.

// InstantArgs asks for Service.SendInstant(NotificationID); queue it from
// Notifier.EnqueueInstant, inside the change's transaction, scheduled at
// the time it is given.
type InstantArgs struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind names the job.
func (InstantArgs) Kind() string { return "notify_instant_email" }

// DigestArgs asks for Service.SendDigests(now); schedule it at least
// hourly (a periodic job). Running it more often is harmless.
type DigestArgs struct{}

// Kind names the job.
func (DigestArgs) Kind() string { return "notify_digests" }

// OverdueArgs asks for SweepOverdue(now); schedule it every few minutes.
type OverdueArgs struct{}

// Kind names the job.
func (OverdueArgs) Kind() string { return "notify_overdue_sweep" }
