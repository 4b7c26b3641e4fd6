package server

import (
	"log/slog"
	"sync"
	"time"
)

// Repeated log lines: at most repeatBurst lines with the same key are
// written per repeatWindow. The rest are counted and reported once the
// window ends, so a database outage under load does not flood the log.
const (
	repeatWindow = time.Minute
	repeatBurst  = 5
)

type logLimiter struct {
	mu     sync.Mutex
	logger *slog.Logger
	start  time.Time
	counts map[string]int
}

func newLogLimiter(logger *slog.Logger) *logLimiter {
	return &logLimiter{logger: logger, counts: map[string]int{}}
}

// allow reports whether a line with key may be written at now.
func (l *logLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	if now.Sub(l.start) >= repeatWindow {
		for suppressed, count := range l.counts {
			if count > repeatBurst {
				l.logger.Warn("Repeated log lines suppressed", "key", suppressed,
					"suppressed", count-repeatBurst, "window", repeatWindow)
			}
		}
		l.start, l.counts = now, map[string]int{}
	}
	l.counts[key]++
	return l.counts[key] <= repeatBurst
}
