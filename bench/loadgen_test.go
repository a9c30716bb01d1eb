package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// loadEnv names the environment variable that turns the benchmark binary
// into BenchmarkClaimWrites' load generator: it holds the writeLoad.
const loadEnv = "FACTDESK_BENCH_LOAD"

// TestMain runs the load generator when the benchmark started this binary
// as one, and the tests and benchmarks otherwise.
func TestMain(m *testing.M) {
	if spec := os.Getenv(loadEnv); spec != "" {
		os.Exit(runLoad(spec))
	}
	os.Exit(m.Run())
}

// writeLoad is what the load generator is told: where the server is, who
// writes, and the claims, one per client.
type writeLoad struct {
	URL          string      `json:"url"`
	CheckerToken string      `json:"checker_token"`
	EditorToken  string      `json:"editor_token"`
	Claims       []loadClaim `json:"claims"`
	N            int         `json:"n"`
}

type loadClaim struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

// loadResult is what the load generator reports back on its stdout.
type loadResult struct {
	LatenciesNS []int64 `json:"latencies_ns"`
	ElapsedNS   int64   `json:"elapsed_ns"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	// CPUNS is the load generator's CPU time, filled in by generateLoad.
	CPUNS int64  `json:"-"`
	Err   string `json:"error,omitempty"`
}

func (r loadResult) latencies() []time.Duration {
	out := make([]time.Duration, len(r.LatenciesNS))
	for i, ns := range r.LatenciesNS {
		out[i] = time.Duration(ns)
	}
	return out
}

// generateLoad runs the load in a child process (this binary, see
// TestMain) and returns what it measured.
func generateLoad(load writeLoad) (loadResult, error) {
	spec, err := json.Marshal(load)
	if err != nil {
		return loadResult{}, err
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), loadEnv+"="+string(spec))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res loadResult
	if cmd.ProcessState != nil {
		res.CPUNS = int64(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return res, fmt.Errorf("load generator: %v; stdout %q, stderr %q", runErr, stdout.String(), stderr.String())
	}
	if res.Err != "" {
		return res, fmt.Errorf("load generator: %s", res.Err)
	}
	return res, runErr
}

// runLoad is the load generator: 32 clients, each cycling its claim
// through verify, send_back and an edit over HTTP.
func runLoad(spec string) int {
	var load writeLoad
	var res loadResult
	defer func() { json.NewEncoder(os.Stdout).Encode(res) }()
	if err := json.Unmarshal([]byte(spec), &load); err != nil {
		res.Err = err.Error()
		return 1
	}
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	lat, elapsed, err := runClientsErr(clients, load.N, func(worker, op int) error {
		c := &load.Claims[worker]
		var req *http.Request
		path := load.URL + "/api/v1/claims/" + strconv.FormatInt(c.ID, 10)
		token := load.CheckerToken
		switch op % 3 {
		case 0:
			req = jsonRequest("POST", path+"/transitions", map[string]any{"action": "verify", "version": c.Version, "verdict": "true", "summary": "Benchmark summary."})
		case 1:
			token = load.EditorToken
			req = jsonRequest("POST", path+"/transitions", map[string]any{"action": "send_back", "version": c.Version, "comment": "Once more."})
		case 2:
			req = jsonRequest("PATCH", path, map[string]any{"version": c.Version, "priority": []string{"low", "high"}[op%2]})
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("op %d on claim %d: %d %s", op%3, c.ID, res.StatusCode, body)
		}
		var got struct {
			Version int `json:"version"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return err
		}
		c.Version = got.Version
		return nil
	})
	res.ElapsedNS, res.PeakRSSMB = int64(elapsed), peakRSSMB()
	if err != nil {
		res.Err = err.Error()
		return 1
	}
	res.LatenciesNS = make([]int64, len(lat))
	for i, d := range lat {
		res.LatenciesNS[i] = int64(d)
	}
	return 0
}
