//go:build unix

package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The pipelines start the image they are about to push and run smoke.sh against
// it. With no container engine here, these tests start the binary built the way
// the Dockerfile builds it and run the same script against it, including the
// failures the script must report.

// startBinary runs the built binary on a free loopback port with env and
// returns its base URL; the process is killed at the end of the test.
func startBinary(t *testing.T, bin string, env ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{"LISTEN_HOST=127.0.0.1", "PORT=" + strconv.Itoa(port), "DRAIN_SECONDS=0"}, env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

func runSmoke(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("smoke.sh needs curl on PATH (the pipelines' runners and builders have it)")
	}
	cmd := exec.Command("bash", append([]string{"smoke.sh"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	} else if err != nil {
		t.Fatalf("bash smoke.sh: %v", err)
	}
	return 0, out.String()
}

func TestSmokePassesOnTheBuiltBinary(t *testing.T) {
	bin := buildBinary(t) // ldflags commit c0ffee, as the Dockerfile's COMMIT build arg
	// STARTUP_DELAY makes /ready answer 503 first: the script must wait, not fail.
	base := startBinary(t, bin, "STARTUP_DELAY=2s")
	code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=15"}, base, "c0ffee")
	if code != 0 {
		t.Fatalf("smoke.sh exit %d, want 0:\n%s", code, out)
	}
	if want := "smoke: ok " + base + " (/ready 200, / OK, /version commit c0ffee)"; !strings.Contains(out, want) {
		t.Fatalf("smoke.sh output %q does not contain %q", out, want)
	}
}

func TestSmokeFailsOnAnotherCommit(t *testing.T) {
	base := startBinary(t, buildBinary(t))
	code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=15"}, base, "c0ffef")
	if code != 1 {
		t.Fatalf("smoke.sh exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out, `smoke: FAIL /version: expected 200 with "commit":"c0ffef", got 200 {"version":"v1.2.3-test","commit":"c0ffee"}`) {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

func TestSmokeFailsWhenNeverReady(t *testing.T) {
	base := startBinary(t, buildBinary(t), "STARTUP_DELAY=1h")
	start := time.Now()
	code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=2"}, base, "c0ffee")
	if code != 1 {
		t.Fatalf("smoke.sh exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out, "smoke: FAIL /ready: expected 200 within 2s, last answer 503 starting") {
		t.Fatalf("unexpected output:\n%s", out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("smoke.sh took %v with SMOKE_TIMEOUT=2", d)
	}
}

func TestSmokeFailsWhenNothingListens(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=1"}, "http://"+addr, "c0ffee")
	if code != 1 || !strings.Contains(out, "smoke: FAIL /ready: expected 200 within 1s, last answer 000") {
		t.Fatalf("smoke.sh exit %d, want 1 naming 000:\n%s", code, out)
	}
}

func TestSmokeFailsWhenRootIsNotOK(t *testing.T) {
	// A server that is ready and has the right commit but answers / with something else.
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ready")) })
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"version":"x","commit":"c0ffee"}`))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("boom"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=5"}, "http://"+ln.Addr().String(), "c0ffee")
	if code != 1 || !strings.Contains(out, `smoke: FAIL /: expected 200 "OK", got 500 "boom"`) || strings.Contains(out, "FAIL /version") {
		t.Fatalf("smoke.sh exit %d, want 1 naming / only:\n%s", code, out)
	}
}

func TestSmokeUsage(t *testing.T) {
	if code, out := runSmoke(t, nil, "http://127.0.0.1:1"); code != 2 || !strings.Contains(out, "usage:") {
		t.Fatalf("one argument: exit %d, want 2 with usage:\n%s", code, out)
	}
	if code, out := runSmoke(t, []string{"SMOKE_TIMEOUT=0"}, "http://127.0.0.1:1", "c0ffee"); code != 2 || !strings.Contains(out, "SMOKE_TIMEOUT=0") {
		t.Fatalf("SMOKE_TIMEOUT=0: exit %d, want 2:\n%s", code, out)
	}
}
