package live

import "strconv"

// ListenUsers has the hub also listen on channel, whose payloads are user
// ids ("this person has news", such as notify.Channel): each is published
// as an Event with only UserID set, for the streams of that person. Call
// it before Start.
func (h *Hub) ListenUsers(channel string) {
	h.userChannels = append(h.userChannels, channel)
}

func (h *Hub) publishUser(channel, payload string) {
	id, err := strconv.ParseInt(payload, 10, 64)
	if err != nil || id <= 0 {
		h.log.Warn("live: bad user payload", "channel", channel, "payload", payload)
		return
	}
	h.publish(Event{UserID: id})
}

// ListenFunc has the hub also listen on channel and call fn with each of
// its payloads, on the listener's goroutine (so fn must be quick). After
// the listener reconnects fn is called with "", since notifications sent
// while it was away are lost: treat "" as "anything may have changed".
// Call it before Start.
func (h *Hub) ListenFunc(channel string, fn func(payload string)) {
	if h.funcs == nil {
		h.funcs = map[string]func(string){}
	}
	h.funcs[channel] = fn
}
