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

// OnNotify has the hub also listen on channel and call fn with each
// payload, on the hub's goroutine (fn must be quick). After the listener
// reconnects, when notifications may have been missed, fn is called with
// "". Call it before Start.
func (h *Hub) OnNotify(channel string, fn func(payload string)) {
	if h.handlers == nil {
		h.handlers = map[string]func(string){}
	}
	h.handlers[channel] = fn
}
