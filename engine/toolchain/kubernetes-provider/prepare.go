//go:build ignore

// prepare writes the provider's main package into ./cmd/pulumi-resource-kubernetes from the
// module cache: upstream's main.go without its go:generate line, and the two files it embeds,
// which upstream generates from schema.json (with the release version set) and
// terraform-mapping.json, and which the published module zip lacks.
//
//	go run prepare.go <provider module dir> <version>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: go run prepare.go <provider module dir> <version>"))
	}
	src := filepath.Join(os.Args[1], "cmd", "pulumi-resource-kubernetes")
	version := os.Args[2]
	out := filepath.Join("cmd", "pulumi-resource-kubernetes")
	must(os.MkdirAll(out, 0o755))

	mainGo, err := os.ReadFile(filepath.Join(src, "main.go"))
	must(err)
	var kept []string
	for _, line := range strings.Split(string(mainGo), "\n") {
		if !strings.HasPrefix(line, "//go:generate") {
			kept = append(kept, line)
		}
	}
	if !bytes.Contains(mainGo, []byte("schema-embed.json")) {
		fail(fmt.Errorf("%s/main.go no longer embeds schema-embed.json: re-check prepare.go", src))
	}
	must(os.WriteFile(filepath.Join(out, "main.go"), []byte(strings.Join(kept, "\n")), 0o644))

	var schema map[string]any
	must(readJSON(filepath.Join(src, "schema.json"), &schema))
	schema["version"] = version
	must(writeJSON(filepath.Join(out, "schema-embed.json"), schema))

	var mapping any
	must(readJSON(filepath.Join(src, "terraform-mapping.json"), &mapping))
	must(writeJSON(filepath.Join(out, "terraform-mapping-embed.json"), mapping))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func must(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "prepare:", err)
	os.Exit(1)
}
