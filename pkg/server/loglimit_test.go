package server

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLogLimiterSuppressesRepeats(t *testing.T) {
	var logged bytes.Buffer
	limiter := newLogLimiter(slog.New(slog.NewTextHandler(&logged, nil)))
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

	allowed := 0
	for i := 0; i < 100; i++ {
		if limiter.allow("failed database down", start.Add(time.Duration(i)*time.Millisecond)) {
			allowed++
		}
	}
	if allowed != repeatBurst {
		t.Errorf("allowed %d of 100 repeats in one window, want %d", allowed, repeatBurst)
	}
	if !limiter.allow("another error", start) {
		t.Error("a different key was suppressed")
	}

	if !limiter.allow("failed database down", start.Add(repeatWindow)) {
		t.Error("the first repeat of a new window was suppressed")
	}
	if !strings.Contains(logged.String(), "suppressed=95") {
		t.Errorf("log does not count the 95 suppressed lines:\n%s", logged.String())
	}
}
