// Package webhooks delivers factdesk's events to the endpoints newsroom
// systems register: it manages the endpoints and their secrets, signs each
// delivery per the Standard Webhooks specification, sends it through
// safehttp, logs every attempt and retries on a schedule. Deliveries run as
// River jobs, one per attempt, so any number of factdesk processes can
// share the work without sending an attempt twice.
package webhooks
