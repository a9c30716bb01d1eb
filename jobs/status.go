package jobs

// Status says whether the client is working its queues and, when it is,
// its River client id (the one river_leader names when this process is
// the leader). While the client is starting or stopping it reports not
// started rather than wait for the lock, so a probe never hangs on a
// shutdown's grace period.
func (c *Client) Status() (started bool, id string) {
	if !c.mu.TryLock() {
		return false, ""
	}
	defer c.mu.Unlock()
	if !c.started {
		return false, ""
	}
	return true, c.river.ID()
}
