# Every target runs on a fresh machine with Go, MariaDB on 127.0.0.1:3306
# (root, empty password) and php-cli; .ci/run installs what is missing.

GO ?= go
BIN := bin/mfa-reminder
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/mfa-reminder/mfa-reminder/pkg/cli.Version=$(VERSION)

.PHONY: build test bench demo vet fmt clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mfa-reminder

test: vet
	$(GO) test -race -count=1 -timeout 20m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Listens on MFA_REMINDER_LISTEN (default 127.0.0.1:8087) and uses the MySQL
# server of MFA_REMINDER_DEMO_DSN (default root@tcp(127.0.0.1:3306)/).
demo:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/mfa-reminder-demo ./cmd/mfa-reminder-demo
	./bin/mfa-reminder-demo

vet:
	@test -z "$$(gofmt -l cmd pkg dashboard whmcs)" || { gofmt -l cmd pkg dashboard whmcs; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin demo-outbox test-artifacts
