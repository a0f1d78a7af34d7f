// Package server is the HTTP surface and lifecycle state machine of the
// sample service: it answers "OK" to everything, reports its version, and
// drains gracefully so Kubernetes can remove the pod from endpoints before
// the listener closes.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// State is the lifecycle phase. Transitions only move forward:
// Starting -> Ready -> Draining -> Stopped (Starting -> Draining is allowed
// when a signal arrives before start-up finishes).
type State int32

const (
	Starting State = iota
	Ready
	Draining
	Stopped
)

func (s State) String() string {
	switch s {
	case Starting:
		return "starting"
	case Ready:
		return "ready"
	case Draining:
		return "draining"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Config holds everything the server needs; main fills it from env/ldflags.
type Config struct {
	Version         string
	Commit          string
	StartupDelay    time.Duration // /ready answers 503 until this has elapsed
	DrainPeriod     time.Duration // keep serving after a signal, /ready 503
	ShutdownTimeout time.Duration // bound for http.Server.Shutdown
	Logger          *slog.Logger  // lifecycle events; nil discards
}

// Server is an http.Handler plus the readiness/drain state machine.
type Server struct {
	cfg   Config
	log   *slog.Logger
	state atomic.Int32
	mux   *http.ServeMux
}

// New returns a Server in the Starting state. Call MarkReady (Run does it
// after Config.StartupDelay) to make /ready succeed.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("/", s.handleOK)
	s.mux.HandleFunc("/version", s.handleVersion)
	s.mux.HandleFunc("/healthz", s.handleHealthz)
	s.mux.HandleFunc("/ready", s.handleReady)
	return s
}

// ServeHTTP implements http.Handler. Every response carries X-App-Version so
// a rollout can be observed from the client side.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-App-Version", s.cfg.Version)
	s.mux.ServeHTTP(w, r)
}

// State reports the current lifecycle phase.
func (s *Server) State() State { return State(s.state.Load()) }

// MarkReady moves Starting -> Ready. It reports false (and changes nothing)
// if the server is already ready, draining or stopped.
func (s *Server) MarkReady() bool {
	return s.state.CompareAndSwap(int32(Starting), int32(Ready))
}

// StartDrain moves Starting/Ready -> Draining, after which /ready answers 503
// while every other endpoint keeps working. It reports whether it changed the
// state.
func (s *Server) StartDrain() bool {
	for {
		cur := s.state.Load()
		if cur >= int32(Draining) {
			return false
		}
		if s.state.CompareAndSwap(cur, int32(Draining)) {
			return true
		}
	}
}

func (s *Server) handleOK(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("OK"))
}

func (s *Server) handleVersion(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}{s.cfg.Version, s.cfg.Commit})
}

// handleHealthz is liveness: if this handler runs, the process is alive and
// its serving path is not wedged. It deliberately stays 200 while draining so
// the kubelet does not restart a pod that is shutting down cleanly.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok")
}

// handleReady is readiness: 200 only in the Ready state.
func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	st := s.State()
	code := http.StatusOK
	if st != Ready {
		code = http.StatusServiceUnavailable
	}
	writeText(w, code, st.String())
}

func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body + "\n"))
}

// Run serves on ln until ctx is done, then drains and shuts down:
//
//  1. state -> Draining: /ready answers 503, everything else keeps serving
//     (new connections too) for Config.DrainPeriod, with keep-alives off so
//     clients reconnect to other endpoints;
//  2. http.Server.Shutdown, bounded by Config.ShutdownTimeout, lets in-flight
//     requests finish;
//  3. state -> Stopped.
//
// It returns nil after a clean shutdown, or an error if serving failed or
// in-flight requests outlived the shutdown timeout (connections are then
// closed forcibly). Run closes ln.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(),
		"startup_delay", s.cfg.StartupDelay.String(),
		"drain_period", s.cfg.DrainPeriod.String(),
		"shutdown_timeout", s.cfg.ShutdownTimeout.String())

	markReady := func() {
		if s.MarkReady() {
			s.log.Info("ready")
		}
	}
	if s.cfg.StartupDelay > 0 {
		t := time.AfterFunc(s.cfg.StartupDelay, markReady)
		defer t.Stop()
	} else {
		markReady()
	}

	select {
	case err := <-serveErr:
		s.state.Store(int32(Stopped))
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.StartDrain()
	srv.SetKeepAlivesEnabled(false)
	s.log.Info("draining", "reason", context.Cause(ctx).Error(),
		"drain_period", s.cfg.DrainPeriod.String())

	drain := time.NewTimer(s.cfg.DrainPeriod)
	defer drain.Stop()
	select {
	case <-drain.C:
	case err := <-serveErr:
		s.state.Store(int32(Stopped))
		return fmt.Errorf("serve: %w", err)
	}

	s.log.Info("shutting_down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close() // drop whatever is still in flight
	}
	if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("serve: %w", serr))
	}
	s.state.Store(int32(Stopped))
	if err != nil {
		s.log.Error("stopped", "error", err.Error())
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
