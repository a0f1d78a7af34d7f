package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDockerfile lints ./Dockerfile (CI: go test -run Dockerfile .):
//   - every FROM names a pinned tag or digest, never `latest` (explicit or implied);
//   - the final stage's ENTRYPOINT/CMD are exec form (JSON arrays), so the app
//     is PID 1 and receives SIGTERM; a shell-form one makes `sh -c` PID 1;
//   - the final stage sets a numeric, non-root USER (numeric so the kubelet
//     can enforce runAsNonRoot).
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkDockerfile(string(b)) {
		t.Error(p)
	}
}

func TestDockerfileCheckerCatchesProblems(t *testing.T) {
	const good = `# syntax=docker/dockerfile:1
ARG GO=1.26
FROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS build
RUN <<EOF
echo FROM nothing:latest
EOF
RUN go build \
  # a comment inside a continuation
  -o /out/app .
FROM build AS test
FROM gcr.io/distroless/static-debian12@sha256:0123abcd AS final
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
CMD ["--flag"]
`
	if p := checkDockerfile(good); len(p) != 0 {
		t.Fatalf("good Dockerfile flagged: %v", p)
	}
	for name, tc := range map[string]struct{ dockerfile, want string }{
		"shell-form entrypoint": {"FROM a:1\nUSER 1000\nENTRYPOINT /app\n", "ENTRYPOINT is shell form"},
		"shell-form cmd":        {"FROM a:1\nUSER 1000\nCMD /app --serve\n", "CMD is shell form"},
		"single quotes":         {"FROM a:1\nUSER 1000\nENTRYPOINT ['/app']\n", "ENTRYPOINT is shell form"},
		"no entrypoint":         {"FROM a:1\nUSER 1000\n", "no ENTRYPOINT or CMD"},
		"no user":               {"FROM a:1\nENTRYPOINT [\"/app\"]\n", "no USER"},
		"root user":             {"FROM a:1\nUSER root\nENTRYPOINT [\"/app\"]\n", "runs as root"},
		"uid 0":                 {"FROM a:1\nUSER 0:0\nENTRYPOINT [\"/app\"]\n", "runs as root"},
		"named user":            {"FROM a:1\nUSER nonroot\nENTRYPOINT [\"/app\"]\n", "numeric"},
		"root last":             {"FROM a:1\nUSER 1000\nUSER 0\nENTRYPOINT [\"/app\"]\n", "runs as root"},
		"latest tag":            {"FROM golang:latest AS b\nFROM a:1\nUSER 1\nENTRYPOINT [\"/app\"]\n", "latest tag"},
		"implied latest":        {"FROM a:1 AS b\nFROM gcr.io/x/y\nUSER 1\nENTRYPOINT [\"/app\"]\n", "no tag"},
		"registry port":         {"FROM localhost:5000/img\nUSER 1\nENTRYPOINT [\"/app\"]\n", "no tag"},
		"latest via arg":        {"ARG T=latest\nFROM a:$T\nUSER 1\nENTRYPOINT [\"/app\"]\n", "latest tag"},
		"unresolved arg":        {"FROM a:$T\nUSER 1\nENTRYPOINT [\"/app\"]\n", "cannot resolve"},
		"arg default latest":    {"FROM a:${T:-latest}\nUSER 1\nENTRYPOINT [\"/app\"]\n", "latest tag"},
		"stage not yet defined": {"FROM b\nFROM a:1 AS b\nUSER 1\nENTRYPOINT [\"/app\"]\n", "no tag"},
		"user only in builder":  {"FROM a:1 AS b\nUSER 1000\nFROM c:2\nENTRYPOINT [\"/app\"]\n", "no USER"},
	} {
		t.Run(name, func(t *testing.T) {
			p := checkDockerfile(tc.dockerfile)
			if !strings.Contains(fmt.Sprint(p), tc.want) {
				t.Errorf("problems = %v, want one mentioning %q", p, tc.want)
			}
		})
	}
}

type instruction struct {
	line int
	cmd  string // upper-cased keyword
	args string
}

var heredocRE = regexp.MustCompile(`<<-?["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)

// parseDockerfile handles comments, `\` line continuations and heredocs,
// which is all this lint needs (it is not a general Dockerfile parser).
func parseDockerfile(src string) []instruction {
	var out []instruction
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		first, text := i+1, strings.TrimSpace(lines[i])
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") {
				continue
			}
			text = strings.TrimSuffix(text, `\`) + " " + next
		}
		cmd, args, _ := strings.Cut(text, " ")
		ins := instruction{line: first, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		out = append(out, ins)
		if ins.cmd == "RUN" || ins.cmd == "COPY" || ins.cmd == "ADD" {
			for _, m := range heredocRE.FindAllStringSubmatch(ins.args, -1) {
				for i+1 < len(lines) {
					i++
					if strings.TrimSpace(lines[i]) == m[1] {
						break
					}
				}
			}
		}
	}
	return out
}

// checkDockerfile returns one message per problem found.
func checkDockerfile(src string) []string {
	var problems []string
	bad := func(ins instruction, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("Dockerfile:%d: %s: ", ins.line, ins.cmd)+fmt.Sprintf(format, a...))
	}

	type stage struct {
		from instruction
		body []instruction
	}
	var stages []*stage
	globalArgs := map[string]string{} // ARGs before the first FROM
	for _, ins := range parseDockerfile(src) {
		switch {
		case ins.cmd == "ARG" && len(stages) == 0:
			k, v, _ := strings.Cut(ins.args, "=")
			globalArgs[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
		case ins.cmd == "FROM":
			stages = append(stages, &stage{from: ins})
		case len(stages) > 0:
			last := stages[len(stages)-1]
			last.body = append(last.body, ins)
		}
	}
	if len(stages) == 0 {
		return []string{"Dockerfile: no FROM instruction"}
	}

	stageNames := map[string]bool{} // earlier stages only
	for _, st := range stages {
		var fields []string
		for _, f := range strings.Fields(st.from.args) {
			if !strings.HasPrefix(f, "--") { // --platform=...
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 {
			bad(st.from, "no image")
			continue
		}
		checkImage(st.from, fields[0], globalArgs, stageNames, bad)
		if len(fields) >= 3 && strings.EqualFold(fields[1], "AS") {
			stageNames[strings.ToLower(fields[2])] = true
		}
	}

	final := stages[len(stages)-1]
	var user *instruction
	entry := false
	for i, ins := range final.body {
		switch ins.cmd {
		case "ENTRYPOINT", "CMD":
			entry = true
			var argv []string
			if err := json.Unmarshal([]byte(ins.args), &argv); err != nil || len(argv) == 0 {
				bad(ins, "%s is shell form (%s); use exec form, a JSON array like [\"/app\"], so the app is PID 1 and gets SIGTERM", ins.cmd, ins.args)
			}
		case "USER":
			user = &final.body[i]
		}
	}
	if !entry {
		bad(final.from, "final stage has no ENTRYPOINT or CMD in exec form")
	}
	if user == nil {
		bad(final.from, "final stage sets no USER; add a numeric non-root USER such as 65532:65532")
	} else {
		uid, _, _ := strings.Cut(user.args, ":")
		n, err := strconv.Atoi(uid)
		switch {
		case uid == "root" || (err == nil && n == 0):
			bad(*user, "final stage runs as root (%s)", user.args)
		case err != nil:
			bad(*user, "USER %q is not numeric; use a numeric UID so runAsNonRoot can be verified", user.args)
		}
	}
	return problems
}

func checkImage(from instruction, raw string, args map[string]string, stageNames map[string]bool, bad func(instruction, string, ...any)) {
	unresolved := false
	image := os.Expand(raw, func(k string) string {
		k, def, hasDef := strings.Cut(k, ":-") // ${NAME:-default}
		if v := args[k]; v != "" {
			return v
		}
		unresolved = unresolved || !hasDef
		return def
	})
	if stageNames[strings.ToLower(image)] || image == "scratch" {
		return // builds on an earlier stage, or on nothing
	}
	if unresolved || image == "" {
		bad(from, "cannot resolve image %q", raw)
		return
	}
	ref, digest, _ := strings.Cut(image, "@")
	tag := ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		tag = ref[i+1:]
	}
	switch {
	case strings.EqualFold(tag, "latest"):
		bad(from, "%s uses the latest tag; pin a version or digest", image)
	case tag == "" && digest == "":
		bad(from, "%s has no tag or digest (implies latest); pin a version", image)
	}
}
