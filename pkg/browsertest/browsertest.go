// Package browsertest drives a headless Chromium for tests: it starts the
// browser, runs actions with a time limit, saves screenshots under
// test-artifacts/ at the module root and checks accessibility basics with
// JavaScript evaluated in the page.
package browsertest

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ChromiumPath is the launcher of Debian's chromium package.
const ChromiumPath = "/usr/bin/chromium"

// ActionTimeout bounds one call of Do or Run, so that a page that never
// loads fails the test instead of hanging it.
const ActionTimeout = 30 * time.Second

//go:embed audit.js
var auditScript string

// Start starts a headless Chromium with a fresh profile and returns the
// context of its first tab. It skips t when ChromiumPath does not exist,
// and stops the browser when t ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist: install Debian's chromium package to run the browser tests",
			ChromiumPath)
	}

	profile := t.TempDir()
	allocator, cancelAllocator := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(profile),
	)
	ctx, cancelTab := chromedp.NewContext(allocator)
	// Cleanups run in reverse order, so the browser has exited before
	// t.TempDir removes the profile.
	t.Cleanup(func() {
		cancelTab()
		cancelAllocator()
	})

	// The first action starts the browser. It gets no time limit, because
	// the browser lives as long as the context of that action.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", ChromiumPath, err)
	}
	return ctx
}

// Do runs actions on the tab of ctx within ActionTimeout and fails t on
// the first error.
func Do(ctx context.Context, t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	limited, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	if err := chromedp.Do(limited, actions...); err != nil {
		t.Fatalf("browser action failed: %v", err)
	}
}

// Run runs one action on the tab of ctx within ActionTimeout, fails t on
// error and returns the action's value.
func Run[T any](ctx context.Context, t testing.TB, action chromedp.Action[T]) T {
	t.Helper()
	limited, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	value, err := chromedp.Run(limited, action)
	if err != nil {
		t.Fatalf("browser action failed: %v", err)
	}
	return value
}

// Evaluate evaluates a JavaScript expression in the page and returns its
// value decoded into T.
func Evaluate[T any](ctx context.Context, t testing.TB, expression string) T {
	t.Helper()
	return Run(ctx, t, chromedp.Evaluate[T](expression))
}

// GoBack goes one entry back in the tab's history, waits until the page
// is shown and reports whether Chromium restored it from its back/forward
// cache. A restored page fires no load event, so chromedp.NavigateBack of
// chromedp v0.23.1 waits for it until its context ends.
//
// NOTE: on a restored page, query actions of chromedp v0.23.1 such as
// Click time out, and Evaluate works.
func GoBack(ctx context.Context, t testing.TB) (restored bool) {
	t.Helper()
	return historyStep(ctx, t, -1)
}

// GoForward goes one entry forward in the tab's history, as GoBack goes
// back.
func GoForward(ctx context.Context, t testing.TB) (restored bool) {
	t.Helper()
	return historyStep(ctx, t, 1)
}

func historyStep(ctx context.Context, t testing.TB, step int) bool {
	t.Helper()
	history := Run(ctx, t, chromedp.NavigationEntries())
	index := int(history.CurrentIndex) + step
	if index < 0 || index >= len(history.Entries) {
		t.Fatalf("no history entry %d steps from entry %d of %d", step, history.CurrentIndex,
			len(history.Entries))
	}
	entry := history.Entries[index].ID
	navigate := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, page.NavigateToHistoryEntry,
			page.NavigateToHistoryEntryParams{EntryID: entry})
		return err
	})
	mainFrame := func(event page.EventFrameNavigated) bool { return event.Frame.ParentID == "" }
	event := Run(ctx, t, chromedp.WaitEvent(page.FrameNavigated, mainFrame, navigate))
	waitComplete(ctx, t)
	return event.Type == page.NavigationTypeBackForwardCacheRestore
}

// waitComplete waits until the document of the tab has loaded, because a
// page loaded from the network can still be parsing when its frame
// navigates. It evaluates afresh on each try, because chromedp.Poll of
// chromedp v0.23.1 fails after a back/forward cache restore with "Cannot
// find context with specified id".
func waitComplete(ctx context.Context, t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(ActionTimeout)
	for {
		limited, cancel := context.WithTimeout(ctx, time.Second)
		complete, err := chromedp.Run(limited,
			chromedp.Evaluate[bool](`document.readyState === "complete"`))
		cancel()
		if err == nil && complete {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not finish loading within %s (last error: %v)", ActionTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ArtifactsDir returns test-artifacts/ in the module root, the nearest
// directory at or above the working directory that contains go.mod, and
// creates it.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("read the working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod at or above the working directory")
		}
		dir = parent
	}
	artifacts := filepath.Join(dir, "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatalf("create %s: %v", artifacts, err)
	}
	return artifacts
}

// Viewport is the size of the emulated screen in CSS pixels.
type Viewport struct {
	Width, Height int64
	// Mobile emulates a phone: the page's viewport meta tag applies, and
	// scrollbars overlay the content.
	Mobile bool
}

// Viewports of a desktop browser window and of a phone.
var (
	Desktop = Viewport{Width: 1280, Height: 900}
	Phone   = Viewport{Width: 390, Height: 844, Mobile: true}
)

// SetViewport emulates the viewport on the tab of ctx.
func SetViewport(ctx context.Context, t testing.TB, viewport Viewport) {
	t.Helper()
	var options []chromedp.EmulateViewportOption
	if viewport.Mobile {
		options = append(options, chromedp.EmulateMobile)
	}
	Do(ctx, t, chromedp.EmulateViewport(viewport.Width, viewport.Height, options...))
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Screenshot saves a PNG of the whole page of ctx, laid out at the width
// of viewport, as name.png in ArtifactsDir and returns its path. The tab
// must show viewport, which it shows again afterwards.
func Screenshot(ctx context.Context, t testing.TB, viewport Viewport, name string) string {
	t.Helper()
	// The viewport grows to the page height for the capture. A desktop
	// page that scrolls would otherwise be laid out narrower by the width
	// of its scrollbar, and Chromium 156 cuts that strip off the right
	// edge when it captures beyond the viewport.
	height := Evaluate[int64](ctx, t, "Math.ceil(document.documentElement.scrollHeight)")
	SetViewport(ctx, t, Viewport{Width: viewport.Width, Height: max(viewport.Height, height),
		Mobile: viewport.Mobile})
	image := Run(ctx, t, chromedp.CaptureScreenshot())
	SetViewport(ctx, t, viewport)

	if !bytes.HasPrefix(image, pngSignature) {
		t.Fatalf("screenshot %s is not a PNG image (%d bytes)", name, len(image))
	}
	path := filepath.Join(ArtifactsDir(t), name+".png")
	if err := os.WriteFile(path, image, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	return path
}

// Violation is one failed accessibility check.
type Violation struct {
	// Rule is accessible-name, positive-tabindex, negative-tabindex,
	// contrast or keyboard.
	Rule string `json:"rule"`
	// Element names the element by tag, id, classes, some attributes and
	// the start of its text.
	Element string `json:"element"`
	Detail  string `json:"detail"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s: %s", v.Rule, v.Element, v.Detail)
}

// Audit checks the page of ctx and returns every violation:
//   - each rendered input, select, textarea and button has an accessible
//     name from a <label for>, aria-label, aria-labelledby, a wrapping
//     label, or its text for a button;
//   - no element has a positive tabindex, and no link or control has a
//     negative one;
//   - each rendered text has a WCAG 2.2 contrast ratio of at least 4.5:1
//     against its background, or 3:1 for large text.
//
// NOTE: the contrast check composites background colours only. It skips
// text over a background image, ignores the opacity property and cannot
// read the documents of sandboxed or cross-origin frames.
func Audit(ctx context.Context, t testing.TB) []Violation {
	t.Helper()
	result := Evaluate[struct {
		Names      []Violation `json:"names"`
		TabIndexes []Violation `json:"tabIndexes"`
		Contrast   []Violation `json:"contrast"`
	}](ctx, t, auditScript+"\nwindow.__browsertest.audit()")
	var all []Violation
	all = append(all, result.Names...)
	all = append(all, result.TabIndexes...)
	return append(all, result.Contrast...)
}

// ContrastRatio returns the WCAG 2.2 contrast ratio of two CSS colours in
// rgb() form, as Audit computes it, so a test can check the formula.
func ContrastRatio(ctx context.Context, t testing.TB, foreground, background string) float64 {
	t.Helper()
	return Evaluate[float64](ctx, t, fmt.Sprintf("%s\nwindow.__browsertest.contrastRatio(%q, %q)",
		auditScript, foreground, background))
}

// focusState is the position of the keyboard focus.
type focusState struct {
	// Index is the position of the focused element in the list that
	// startTabWalk made, or -1.
	Index   int    `json:"index"`
	Body    bool   `json:"body"`
	Element string `json:"element"`
}

// TabWalk presses Tab from the top of the page until the focus returns
// to the document or to the first element it reached, reading
// document.activeElement after each press. It returns a keyboard
// violation for each rendered link, button, form field, summary or frame
// that the focus never reached. It returns one more when the focus has
// not come back after 50 presses more than twice the number of such
// elements. Call it on a freshly loaded page, where the Tab order starts
// at the top.
func TabWalk(ctx context.Context, t testing.TB) []Violation {
	t.Helper()
	expected := Evaluate[[]string](ctx, t, auditScript+"\nwindow.__browsertest.startTabWalk()")
	reached := make([]bool, len(expected))
	limit := 2*len(expected) + 50

	first, previous, wrapped := -1, -1, false
	for presses := 0; presses < limit && !wrapped; presses++ {
		Do(ctx, t, chromedp.KeyEvent(kb.Tab))
		focus := settledFocus(ctx, t)
		switch {
		case focus.Body:
			wrapped = first >= 0
		case focus.Index == first && previous != first:
			wrapped = true
		case focus.Index >= 0:
			if first < 0 {
				first = focus.Index
			}
			reached[focus.Index] = true
		}
		previous = focus.Index
	}

	var violations []Violation
	if !wrapped {
		violations = append(violations, Violation{Rule: "keyboard", Element: "document",
			Detail: fmt.Sprintf("the focus did not return to the start after %d Tab presses", limit)})
	}
	for i, element := range expected {
		if !reached[i] {
			violations = append(violations, Violation{Rule: "keyboard", Element: element,
				Detail: "pressing Tab from the top of the page never focuses it"})
		}
	}
	return violations
}

// settledFocus returns the focus after a Tab press. When the focus moved
// into a frame that runs in another process, such as a sandboxed iframe,
// Chromium 156 reported the body as focused in some runs before it
// reported the frame. So a body reading is taken again for up to 200 ms.
func settledFocus(ctx context.Context, t testing.TB) focusState {
	t.Helper()
	focus := Evaluate[focusState](ctx, t, "window.__browsertest.focused()")
	for try := 0; focus.Body && try < 10; try++ {
		time.Sleep(20 * time.Millisecond)
		focus = Evaluate[focusState](ctx, t, "window.__browsertest.focused()")
	}
	return focus
}
