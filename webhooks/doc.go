// Package webhooks delivers factdesk's events to the endpoints newsroom
// systems register: it manages the endpoints and their secrets, signs each
// delivery per the Standard Webhooks specification, sends it through
// safehttp, logs every attempt and retries on a schedule. Each delivery is
// one River job on the job client (package jobs) whose retries are River's
// own (NextRetry, snoozes for Retry-After), so any number of factdesk
// processes can share the work without sending an attempt twice.
package webhooks
