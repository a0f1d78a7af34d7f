package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, addr, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if addr != ":8080" {
		t.Errorf("addr = %q, want :8080", addr)
	}
	if cfg.Version != version || cfg.Commit != commit {
		t.Errorf("version/commit = %q/%q, want ldflags values %q/%q", cfg.Version, cfg.Commit, version, commit)
	}
	if cfg.StartupDelay != 0 || cfg.DrainPeriod != 5*time.Second || cfg.ShutdownTimeout != 10*time.Second {
		t.Errorf("durations = %v/%v/%v, want 0s/5s/10s", cfg.StartupDelay, cfg.DrainPeriod, cfg.ShutdownTimeout)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	cfg, addr, err := loadConfig(env(map[string]string{
		"APP_VERSION": "2.0.0", "APP_COMMIT": "deadbeef",
		"PORT": "9090", "LISTEN_HOST": "127.0.0.1",
		"STARTUP_DELAY": "1500ms", "DRAIN_SECONDS": "0", "SHUTDOWN_TIMEOUT": "3s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if addr != "127.0.0.1:9090" || cfg.Version != "2.0.0" || cfg.Commit != "deadbeef" ||
		cfg.StartupDelay != 1500*time.Millisecond || cfg.DrainPeriod != 0 || cfg.ShutdownTimeout != 3*time.Second {
		t.Errorf("got addr=%q cfg=%+v", addr, cfg)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	for k, v := range map[string]string{
		"PORT":             "http",
		"DRAIN_SECONDS":    "5s",
		"SHUTDOWN_TIMEOUT": "0s",
		"STARTUP_DELAY":    "-1s",
	} {
		_, _, err := loadConfig(env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: err = %v, want an error naming %s", k, v, err, k)
		}
	}
}
