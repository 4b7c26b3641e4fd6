package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/store"
)

// trendDays is how many days the adoption chart covers.
const trendDays = 90

// Geometry of the trend chart's plot area, in SVG user units.
const (
	plotLeft   = 48.0
	plotRight  = 592.0
	plotTop    = 12.0
	plotBottom = 172.0
)

// bar is one horizontal adoption bar.
type bar struct {
	Label   string
	Adopted store.Adoption
	// Width is the filled share of a 1000-unit bar.
	Width float64
}

func adoptionBars(stats store.Stats) []bar {
	bars := []bar{
		{Label: "All users", Adopted: stats.Adoption},
		{Label: "Account owners", Adopted: stats.Owners},
		{Label: "Sub-users", Adopted: stats.SubUsers},
	}
	for i := range bars {
		bars[i].Width = float64(bars[i].Adopted.AdoptionPercent) * 10
	}
	return bars
}

// trend is the adoption chart of the last trendDays days, drawn on the
// server so it works without JavaScript.
type trend struct {
	// Points is the SVG polyline of adoption per day.
	Points string
	// Dots are the points, for days with a single snapshot.
	Dots      []point
	Snapshots []store.Snapshot
	From, To  time.Time
	// Change is the change in percentage points against 30 days ago, and
	// ChangeKnown is false while there is no snapshot that old.
	Change      string
	ChangeKnown bool
	Gridlines   []gridline
}

type point struct{ X, Y float64 }

type gridline struct {
	Y     float64
	Label string
}

func newTrend(snapshots []store.Snapshot, today time.Time) trend {
	to := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, 0, -(trendDays - 1))
	t := trend{Snapshots: snapshots, From: from, To: to}
	for _, percent := range []float64{0, 25, 50, 75, 100} {
		t.Gridlines = append(t.Gridlines, gridline{Y: yFor(percent), Label: fmt.Sprintf("%.0f%%", percent)})
	}

	var points []string
	for _, snapshot := range snapshots {
		if snapshot.Day.Before(from) || snapshot.Day.After(to) {
			continue
		}
		days := snapshot.Day.Sub(from).Hours() / 24
		p := point{
			X: plotLeft + days/float64(trendDays-1)*(plotRight-plotLeft),
			Y: yFor(float64(snapshot.Percent())),
		}
		t.Dots = append(t.Dots, p)
		points = append(points, fmt.Sprintf("%.1f,%.1f", p.X, p.Y))
	}
	t.Points = strings.Join(points, " ")

	if len(snapshots) > 0 {
		latest := snapshots[len(snapshots)-1]
		cutoff := to.AddDate(0, 0, -30)
		for i := len(snapshots) - 1; i >= 0; i-- {
			if !snapshots[i].Day.After(cutoff) {
				change := float64(latest.Percent()) - float64(snapshots[i].Percent())
				t.Change, t.ChangeKnown = fmt.Sprintf("%+.1f points", change), true
				break
			}
		}
	}
	return t
}

func yFor(percent float64) float64 {
	return plotBottom - percent/100*(plotBottom-plotTop)
}
