// Package readme holds the test that keeps the README true: its curl
// examples run against a fresh demo desk, and its API table lists every
// route of the API's route table.
package readme
