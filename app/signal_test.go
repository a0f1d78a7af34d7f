//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles this command the way the Dockerfile does (static,
// -trimpath, version/commit injected with -X) into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go") // go test puts $GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("go tool not found: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "app")
	cmd := exec.Command(gobin, "build", "-trimpath",
		"-ldflags", "-s -w -X main.version=v1.2.3-test -X main.commit=c0ffee",
		"-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type event struct {
	Msg     string `json:"msg"`
	Addr    string `json:"addr"`
	Version string `json:"version"`
	Reason  string `json:"reason"`
}

var httpc = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}

func fetch(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := httpc.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestSignalDrainsThenExitsZero runs the real binary, sends it a real signal
// and checks the drain contract: /ready flips to 503 at once, / keeps
// answering during DRAIN_SECONDS, and the process exits 0 within the bound.
func TestSignalDrainsThenExitsZero(t *testing.T) {
	bin := buildBinary(t)
	for name, sig := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testSignal(t, bin, sig)
		})
	}
}

func testSignal(t *testing.T, bin string, sig syscall.Signal) {
	const (
		drain           = 1 * time.Second
		shutdownTimeout = 2 * time.Second
	)
	cmd := exec.Command(bin)
	cmd.Env = []string{ // clean env: no APP_VERSION leaking in from the host
		"LISTEN_HOST=127.0.0.1", "PORT=0",
		"STARTUP_DELAY=1s", "DRAIN_SECONDS=1", "SHUTDOWN_TIMEOUT=2s",
	}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // no-op if it already exited
	})

	// Every stdout line must be one JSON object (one per lifecycle event).
	events := make(chan event, 32)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var e event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				e = event{Msg: "not JSON: " + sc.Text()}
			}
			events <- e
		}
		close(events)
		exited <- cmd.Wait() // Wait only after stdout is fully read
	}()
	next := func(want string) event {
		t.Helper()
		for {
			select {
			case e, ok := <-events:
				if !ok {
					t.Fatalf("stdout closed before %q event", want)
				}
				if e.Version != "v1.2.3-test" { // also catches non-JSON lines
					t.Errorf("stdout line %q: version = %q, want JSON with the ldflags version", e.Msg, e.Version)
				}
				if e.Msg == want {
					return e
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no %q event", want)
			}
		}
	}
	base := "http://" + next("listening").Addr

	// Start-up: /ready is 503 until STARTUP_DELAY has passed; liveness is fine.
	if code, _, body := fetch(t, base+"/ready"); code != http.StatusServiceUnavailable {
		t.Fatalf("/ready during startup = %d %q, want 503", code, body)
	}
	if code, _, _ := fetch(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz during startup = %d, want 200", code)
	}
	next("ready")
	if code, _, _ := fetch(t, base+"/ready"); code != http.StatusOK {
		t.Fatalf("/ready after startup = %d, want 200", code)
	}
	code, _, body := fetch(t, base+"/version")
	var v map[string]string
	if err := json.Unmarshal([]byte(body), &v); code != http.StatusOK || err != nil ||
		v["version"] != "v1.2.3-test" || v["commit"] != "c0ffee" {
		t.Fatalf("/version = %d %q, want ldflags-injected version and commit", code, body)
	}

	signaled := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if e := next("draining"); e.Reason == "" {
		t.Errorf("draining event has no reason")
	}
	if code, _, body := fetch(t, base+"/ready"); code != http.StatusServiceUnavailable {
		t.Fatalf("/ready while draining = %d %q, want 503", code, body)
	}
	code, hdr, body := fetch(t, base+"/")
	if code != http.StatusOK || body != "OK" || hdr.Get("X-App-Version") != "v1.2.3-test" {
		t.Fatalf("/ while draining = %d %q (X-App-Version %q), want 200 OK", code, body, hdr.Get("X-App-Version"))
	}
	if code, _, _ := fetch(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200 (liveness must not fail)", code)
	}
	if time.Since(signaled) >= drain {
		t.Fatalf("drain checks took %v, longer than DRAIN_SECONDS; results are meaningless", time.Since(signaled))
	}

	next("shutting_down")
	next("stopped")
	select {
	case err := <-exited:
		elapsed := time.Since(signaled)
		if err != nil {
			t.Fatalf("process exit: %v, want exit status 0", err)
		}
		if elapsed < drain {
			t.Errorf("exited %v after the signal, before DRAIN_SECONDS elapsed", elapsed)
		}
		t.Logf("%v: exited 0 after %v", sig, elapsed.Round(time.Millisecond))
	case <-time.After(drain + shutdownTimeout + time.Second):
		t.Fatalf("process still running %v after %v", time.Since(signaled), sig)
	}
}
