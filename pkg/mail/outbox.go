package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// NewOutbox returns a Transport that writes each message as a .eml file in
// dir, creating dir when missing. File names start with the UTC time and end
// with a random suffix. Each file is written under a temporary name and then
// renamed, so a reader never sees half a file. Like the sent message, the
// file does not record Bcc addresses.
func NewOutbox(dir string) Transport {
	return &outbox{dir: dir}
}

type outbox struct {
	dir    string
	closed atomic.Bool
}

func (o *outbox) Send(ctx context.Context, msg *Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if o.closed.Load() {
		return "", errTransportClosed
	}
	data, err := msg.Bytes()
	if err != nil {
		return "", fmt.Errorf("build message: %w", err)
	}

	if err := os.MkdirAll(o.dir, 0o750); err != nil {
		return "", fmt.Errorf("create outbox folder: %w", err)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + randomHex(4) + ".eml"
	path := filepath.Join(o.dir, name)
	if err := writeFileAtomic(path, data); err != nil {
		return "", fmt.Errorf("write outbox message: %w", err)
	}
	return path, nil
}

// writeFileAtomic writes data to a temporary file in the same folder and
// renames it to path. The temporary name starts with a dot and does not end
// in .eml, so readers that list *.eml files skip it.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".outbox-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename

	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Close makes later Sends fail. It writes nothing.
func (o *outbox) Close() error {
	o.closed.Store(true)
	return nil
}
