package mail

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOutboxSend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox", "new")
	outbox := NewOutbox(dir)
	ctx := context.Background()

	var paths []string
	for _, subject := range []string{"First", "Second"} {
		path, err := outbox.Send(ctx, newTestMessage("ann@example.com", subject))
		if err != nil {
			t.Fatalf("Send(%s) error: %v", subject, err)
		}
		paths = append(paths, path)
	}
	if err := outbox.Close(); err != nil {
		t.Errorf("Close error: %v", err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read outbox folder: %v", err)
	}
	var names []string
	for _, entry := range entries {
		names = append(names, entry.Name())
	}
	if len(names) != 2 {
		t.Fatalf("outbox contains %q, want two files", names)
	}
	for i, path := range paths {
		if filepath.Dir(path) != dir || !strings.HasSuffix(path, ".eml") {
			t.Errorf("Send returned path %q, want a .eml file in %s", path, dir)
		}
		if !slices.Contains(names, filepath.Base(path)) {
			t.Errorf("returned path %q is not in the outbox %q", path, names)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		want := []string{"First", "Second"}[i]
		if got := subjectOf(t, data); got != want {
			t.Errorf("%s Subject = %q, want %q", path, got, want)
		}
	}
	if paths[0] == paths[1] {
		t.Errorf("both messages were written to %s", paths[0])
	}
}

func TestOutboxSendErrors(t *testing.T) {
	t.Run("cancelled context", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "outbox")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err := NewOutbox(dir).Send(ctx, newTestMessage("ann@example.com", "Hi"))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send error = %v, want context.Canceled", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("outbox folder exists after a cancelled Send: %v", err)
		}
	})

	t.Run("after Close", func(t *testing.T) {
		outbox := NewOutbox(t.TempDir())
		if err := outbox.Close(); err != nil {
			t.Fatalf("Close error: %v", err)
		}
		_, err := outbox.Send(context.Background(), newTestMessage("ann@example.com", "Hi"))
		if !errors.Is(err, errTransportClosed) {
			t.Errorf("Send error = %v, want %v", err, errTransportClosed)
		}
	})

	t.Run("invalid message", func(t *testing.T) {
		dir := t.TempDir()
		_, err := NewOutbox(dir).Send(context.Background(), newTestMessage("", "Hi"))
		if err == nil || !strings.Contains(err.Error(), "build message: missing To address") {
			t.Errorf("Send error = %v, want build message: missing To address", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("outbox contains %d files, want none", len(entries))
		}
	})

	t.Run("folder is a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := NewOutbox(path).Send(context.Background(), newTestMessage("ann@example.com", "Hi"))
		if err == nil || !strings.Contains(err.Error(), "create outbox folder") {
			t.Errorf("Send error = %v, want create outbox folder error", err)
		}
	})
}
