//go:build tools

// Package tools pins what the provider's main package imports, so `go mod tidy` keeps its
// dependencies while that package itself is generated at build time (cmd/ is not committed).
package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)
