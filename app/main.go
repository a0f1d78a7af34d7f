// Command app is the sample service the rollout platform deploys: it answers
// "OK" to every request (in the spirit of the book's okeydokey), exposes
// /version, /healthz and /ready, and drains gracefully on SIGTERM/SIGINT.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"rollout/app/server"
)

// Set at build time: go build -ldflags "-X main.version=... -X main.commit=...".
// APP_VERSION / APP_COMMIT override them at run time.
var (
	version = "dev"
	commit  = "unknown"
)

const (
	defaultPort            = "8080"
	defaultDrainSeconds    = 5
	defaultShutdownTimeout = 10 * time.Second
)

func main() { os.Exit(run()) }

func run() int {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, addr, err := loadConfig(os.Getenv)
	if err != nil {
		log.Error("invalid_config", "error", err.Error())
		return 2
	}
	log = log.With("version", cfg.Version, "commit", cfg.Commit)
	cfg.Logger = log

	// SIGTERM is what the kubelet (and docker stop) sends; SIGINT is Ctrl-C.
	// This only works if the binary is PID 1 or its direct child: the image
	// uses an exec-form ENTRYPOINT so no shell sits in between.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore default handling: a second signal terminates at once
	}()

	log.Info("starting", "pid", os.Getpid())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("listen_failed", "addr", addr, "error", err.Error())
		return 1
	}
	if err := server.New(cfg).Run(ctx, ln); err != nil {
		return 1
	}
	return 0
}

// loadConfig reads the environment. Defaults: PORT=8080, LISTEN_HOST="" (all
// interfaces), STARTUP_DELAY=0, DRAIN_SECONDS=5, SHUTDOWN_TIMEOUT=10s.
func loadConfig(getenv func(string) string) (server.Config, string, error) {
	cfg := server.Config{
		Version:         orDefault(getenv("APP_VERSION"), version),
		Commit:          orDefault(getenv("APP_COMMIT"), commit),
		DrainPeriod:     defaultDrainSeconds * time.Second,
		ShutdownTimeout: defaultShutdownTimeout,
	}

	port := orDefault(getenv("PORT"), defaultPort)
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return cfg, "", fmt.Errorf("PORT=%q: want an integer in 0..65535", port)
	}
	addr := net.JoinHostPort(getenv("LISTEN_HOST"), port)

	if v := getenv("DRAIN_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cfg, "", fmt.Errorf("DRAIN_SECONDS=%q: want a non-negative integer", v)
		}
		cfg.DrainPeriod = time.Duration(n) * time.Second
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, "", fmt.Errorf("SHUTDOWN_TIMEOUT=%q: want a positive Go duration such as 10s", v)
		}
		cfg.ShutdownTimeout = d
	}
	if v := getenv("STARTUP_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return cfg, "", fmt.Errorf("STARTUP_DELAY=%q: want a non-negative Go duration such as 3s", v)
		}
		cfg.StartupDelay = d
	}
	return cfg, addr, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
