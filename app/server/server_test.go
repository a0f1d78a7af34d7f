package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestRootAnswersOK(t *testing.T) {
	s := New(Config{Version: "1.2.3", Commit: "abc"})
	for _, path := range []string{"/", "/anything/else", "/favicon.ico"} {
		rec := get(t, s, path)
		if rec.Code != http.StatusOK || rec.Body.String() != "OK" {
			t.Errorf("GET %s = %d %q, want 200 \"OK\"", path, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("GET %s Content-Type = %q, want text/plain", path, ct)
		}
		if v := rec.Header().Get("X-App-Version"); v != "1.2.3" {
			t.Errorf("GET %s X-App-Version = %q, want 1.2.3", path, v)
		}
	}
	// Any method: okeydokey answers OK to every request.
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x")))
	if rec.Code != http.StatusOK || rec.Body.String() != "OK" {
		t.Errorf("POST / = %d %q, want 200 \"OK\"", rec.Code, rec.Body.String())
	}
}

func TestVersion(t *testing.T) {
	s := New(Config{Version: "1.2.3", Commit: "abc"})
	rec := get(t, s, "/version")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	if got["version"] != "1.2.3" || got["commit"] != "abc" || len(got) != 2 {
		t.Errorf("body = %v, want version=1.2.3 commit=abc", got)
	}
}

func TestReadinessStateMachine(t *testing.T) {
	s := New(Config{Version: "v"})
	check := func(wantState State, wantReady int) {
		t.Helper()
		if s.State() != wantState {
			t.Errorf("State() = %v, want %v", s.State(), wantState)
		}
		if rec := get(t, s, "/ready"); rec.Code != wantReady {
			t.Errorf("%v: /ready = %d, want %d", wantState, rec.Code, wantReady)
		}
		// Liveness and the main endpoint never depend on readiness.
		if rec := get(t, s, "/healthz"); rec.Code != http.StatusOK {
			t.Errorf("%v: /healthz = %d, want 200", wantState, rec.Code)
		}
		if rec := get(t, s, "/"); rec.Code != http.StatusOK {
			t.Errorf("%v: / = %d, want 200", wantState, rec.Code)
		}
	}

	check(Starting, http.StatusServiceUnavailable)
	if !s.MarkReady() {
		t.Fatal("MarkReady from Starting = false")
	}
	check(Ready, http.StatusOK)
	if s.MarkReady() {
		t.Error("second MarkReady = true")
	}
	if !s.StartDrain() {
		t.Fatal("StartDrain from Ready = false")
	}
	check(Draining, http.StatusServiceUnavailable)
	if s.MarkReady() || s.StartDrain() {
		t.Error("draining must be terminal for MarkReady/StartDrain")
	}
	check(Draining, http.StatusServiceUnavailable)
}

func TestDrainBeforeStartupFinished(t *testing.T) {
	s := New(Config{})
	if !s.StartDrain() {
		t.Fatal("StartDrain from Starting = false")
	}
	if s.MarkReady() {
		t.Fatal("MarkReady after drain = true")
	}
	if rec := get(t, s, "/ready"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/ready = %d, want 503", rec.Code)
	}
}

// --- Run: real listener on 127.0.0.1, cancelation stands in for the signal.

var client = &http.Client{
	Timeout:   2 * time.Second,
	Transport: &http.Transport{Proxy: nil},
}

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type running struct {
	base   string
	cancel context.CancelFunc
	done   chan error
}

func start(t *testing.T, s *Server) running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return")
		}
	})
	return running{base: "http://" + ln.Addr().String(), cancel: cancel, done: done}
}

func TestRunStartupDrainShutdown(t *testing.T) {
	const drain = 500 * time.Millisecond
	s := New(Config{
		Version:         "v9",
		StartupDelay:    300 * time.Millisecond,
		DrainPeriod:     drain,
		ShutdownTimeout: time.Second,
	})
	// An in-flight request that spans the whole drain and into Shutdown.
	release, started := make(chan struct{}), make(chan struct{})
	s.mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "slow done")
	})
	r := start(t, s)

	if code, body := status(t, r.base+"/ready"); code != http.StatusServiceUnavailable {
		t.Fatalf("/ready during startup = %d %q, want 503", code, body)
	}
	if code, _ := status(t, r.base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz during startup = %d, want 200", code)
	}
	waitFor(t, "ready", 3*time.Second, func() bool {
		code, _ := status(t, r.base+"/ready")
		return code == http.StatusOK
	})

	slow := make(chan string, 1)
	go func() {
		resp, err := client.Get(r.base + "/slow")
		if err != nil {
			slow <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- string(b)
	}()
	<-started

	signaled := time.Now()
	r.cancel()
	waitFor(t, "/ready 503", drain/2, func() bool {
		code, _ := status(t, r.base+"/ready")
		return code == http.StatusServiceUnavailable
	})
	// Still serving new requests (new connections) inside the drain window.
	code, body := status(t, r.base+"/")
	if time.Since(signaled) >= drain {
		t.Fatalf("checks took longer than the drain window")
	}
	if code != http.StatusOK || body != "OK" {
		t.Fatalf("/ during drain = %d %q, want 200 OK", code, body)
	}

	// Let the in-flight request finish after Shutdown has begun.
	time.Sleep(drain)
	close(release)
	if got := <-slow; got != "slow done" {
		t.Fatalf("in-flight request = %q, want it to complete", got)
	}
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
		r.done <- nil // for Cleanup
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
	if s.State() != Stopped {
		t.Errorf("State() = %v, want stopped", s.State())
	}
	if elapsed := time.Since(signaled); elapsed < drain {
		t.Errorf("Run returned after %v, before the %v drain period", elapsed, drain)
	}
	if _, err := client.Get(r.base + "/"); err == nil {
		t.Error("listener still accepting after Run returned")
	}
}

func TestRunShutdownTimeout(t *testing.T) {
	s := New(Config{DrainPeriod: 0, ShutdownTimeout: 200 * time.Millisecond})
	release, started := make(chan struct{}), make(chan struct{})
	defer close(release)
	s.mux.HandleFunc("/stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	r := start(t, s)
	waitFor(t, "ready", time.Second, func() bool { return s.State() == Ready })

	go func() {
		if resp, err := client.Get(r.base + "/stuck"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	t0 := time.Now()
	r.cancel()
	select {
	case err := <-r.done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Run = %v, want a deadline-exceeded error", err)
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("Run took %v, want about the 200ms shutdown timeout", d)
		}
		r.done <- nil
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not honour ShutdownTimeout")
	}
}
