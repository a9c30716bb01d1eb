// Package bench holds factdesk's load benchmarks. They run against a real
// server and database, so they live apart from the unit tests:
//
//	go test -run '^$' -bench . -benchtime 4000x ./bench
//
// BenchmarkClaimWrites drives PATCH and transitions over HTTP with 32
// concurrent clients (in a child process, so the peak RSS it reports is the
// server's), then the same SQL writes straight through pgx with 32
// connections, and reports both and their ratio. BenchmarkPublicPages
// does the same for a public page and the JSON Feed against nginx serving
// the same bytes as files.
package bench
