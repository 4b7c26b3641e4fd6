package server

import (
	"strings"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

func snapshotOn(day time.Time, total, withMFA int) store.Snapshot {
	return store.Snapshot{Day: day, TotalUsers: total, WithMFA: withMFA}
}

func TestTrendChange(t *testing.T) {
	today := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	day := func(daysAgo int) time.Time {
		return time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -daysAgo)
	}

	tests := []struct {
		name       string
		snapshots  []store.Snapshot
		wantChange string
		wantKnown  bool
		wantPoints int
	}{
		{"no snapshot", nil, "", false, 0},
		{"history shorter than 30 days", []store.Snapshot{snapshotOn(day(10), 100, 10),
			snapshotOn(day(0), 100, 20)}, "", false, 2},
		{"snapshot exactly 30 days ago", []store.Snapshot{snapshotOn(day(30), 200, 20),
			snapshotOn(day(0), 200, 45)}, "+12.5 points", true, 2},
		{"gap before 30 days ago", []store.Snapshot{snapshotOn(day(120), 100, 5),
			snapshotOn(day(45), 100, 30), snapshotOn(day(0), 100, 25)}, "-5.0 points", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trend := newTrend(tt.snapshots, today)
			if trend.Change != tt.wantChange || trend.ChangeKnown != tt.wantKnown {
				t.Errorf("change = %q (known %v), want %q (known %v)", trend.Change,
					trend.ChangeKnown, tt.wantChange, tt.wantKnown)
			}
			if len(trend.Dots) != tt.wantPoints {
				t.Errorf("%d points drawn, want %d", len(trend.Dots), tt.wantPoints)
			}
			if tt.wantPoints > 0 && strings.Count(trend.Points, ",") != tt.wantPoints {
				t.Errorf("polyline %q has the wrong number of points", trend.Points)
			}
		})
	}

	trend := newTrend([]store.Snapshot{snapshotOn(day(89), 100, 0), snapshotOn(day(0), 100, 100)},
		today)
	first, last := trend.Dots[0], trend.Dots[1]
	if first.X != plotLeft || last.X != plotRight {
		t.Errorf("x of the oldest and newest day = %.1f and %.1f, want %.1f and %.1f",
			first.X, last.X, plotLeft, plotRight)
	}
	if first.Y != plotBottom || last.Y != plotTop {
		t.Errorf("y of 0%% and 100%% = %.1f and %.1f, want %.1f and %.1f",
			first.Y, last.Y, plotBottom, plotTop)
	}
}
