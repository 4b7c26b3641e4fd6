// Package dashboard holds the admin dashboard's HTML templates and static
// files, embedded into the binary.
package dashboard

import "embed"

// Files holds templates/*.html and static/*.
//
//go:embed templates/*.html static/*
var Files embed.FS
