package conda

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/python-cnb/buildpack/internal/errs"
	"go.yaml.in/yaml/v3"
)

// EnvFile is what the buildpack uses of a conda environment file.
type EnvFile struct {
	// Path is the file's name relative to the app, or "" for the default
	// environment of a notebook-only repository.
	Path string
	// Channels as written: names, "defaults" or URLs. Empty means the
	// default channel.
	Channels []string
	// Specs are the conda match specs from dependencies.
	Specs []string
	// Pip are the requirements in dependencies' pip: list.
	Pip []string
	// Ignored names the top-level keys the buildpack does not act on.
	Ignored []string
	// Digest identifies the file's content (or the default environment).
	Digest string
}

// FindEnvFile returns the environment file at the app's root (the first of
// EnvFiles present), or "".
func FindEnvFile(appDir string) (string, error) {
	for _, name := range EnvFiles {
		info, err := os.Stat(filepath.Join(appDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("checking for %s: %w", name, err)
		}
		if !info.IsDir() {
			return name, nil
		}
	}
	return "", nil
}

// ReadEnvFile reads and checks the environment file rel inside appDir.
// Mistakes are reported with the line they are on.
func ReadEnvFile(appDir, rel string) (EnvFile, error) {
	content, err := os.ReadFile(filepath.Join(appDir, rel))
	if err != nil {
		return EnvFile{}, fmt.Errorf("reading %s: %w", rel, err)
	}
	file := EnvFile{Path: rel, Digest: digest(rel, string(content))}

	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return EnvFile{}, syntaxError(rel, content, err)
	}
	if len(doc.Content) == 0 {
		return EnvFile{}, errs.New(rel+" is empty",
			"list the packages under dependencies:, for example\n\n  dependencies:\n    - python=3.11\n    - pip")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return EnvFile{}, shapeError(rel, root, "the file must be a mapping with the keys name, channels and dependencies")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "name", "prefix":
			// the environment always lives in the buildpack's layer
		case "channels":
			if file.Channels, err = stringList(rel, value, "channels", "a channel name or URL"); err != nil {
				return EnvFile{}, err
			}
		case "dependencies":
			if err := readDependencies(rel, value, &file); err != nil {
				return EnvFile{}, err
			}
		default:
			file.Ignored = append(file.Ignored, key.Value)
		}
	}
	if len(file.Specs) == 0 {
		return EnvFile{}, errs.New(rel+" lists no conda packages under dependencies",
			"add the packages the app needs, at least python, for example\n\n  dependencies:\n    - python=3.11\n    - pip")
	}
	return file, nil
}

// NotebookEnv is the environment made for a repository with notebooks and
// no environment file: python (pinned to python, if given, such as "3.11")
// and pip from the default channel.
func NotebookEnv(python string) EnvFile {
	spec := "python"
	if python != "" {
		spec = "python=" + python
	}
	specs := []string{spec, "pip"}
	return EnvFile{Specs: specs, Digest: digest("(notebook default)", strings.Join(specs, "\n"))}
}

func readDependencies(rel string, node *yaml.Node, file *EnvFile) error {
	if node.Kind != yaml.SequenceNode {
		return shapeError(rel, node, "dependencies must be a list of packages, such as - python=3.11")
	}
	for _, item := range node.Content {
		switch {
		case item.Kind == yaml.ScalarNode && strings.TrimSpace(item.Value) != "" && item.Tag != "!!null":
			file.Specs = append(file.Specs, strings.TrimSpace(item.Value))
		case item.Kind == yaml.MappingNode && len(item.Content) == 2 && item.Content[0].Value == "pip":
			pipList, err := stringList(rel, item.Content[1], "pip", "a pip requirement")
			if err != nil {
				return err
			}
			file.Pip = append(file.Pip, pipList...)
		case item.Kind == yaml.MappingNode:
			return shapeError(rel, item, "the only mapping allowed in dependencies is pip: with a list of pip requirements")
		default:
			return shapeError(rel, item, "each dependency must be a package spec such as numpy>=1.26, or pip: with a list")
		}
	}
	return nil
}

func stringList(rel string, node *yaml.Node, key, what string) ([]string, error) {
	if node.Kind != yaml.SequenceNode {
		return nil, shapeError(rel, node, fmt.Sprintf("%s must be a list, each item %s", key, what))
	}
	var out []string
	for _, item := range node.Content {
		if item.Kind != yaml.ScalarNode || strings.TrimSpace(item.Value) == "" || item.Tag == "!!null" {
			return nil, shapeError(rel, item, fmt.Sprintf("each item of %s must be %s", key, what))
		}
		out = append(out, strings.TrimSpace(item.Value))
	}
	return out, nil
}

func shapeError(rel string, node *yaml.Node, what string) error {
	return &errs.UserError{
		Title:  fmt.Sprintf("%s line %d: %s", rel, node.Line, what),
		Remedy: "write the file as conda does, for example\n\n  name: app\n  channels:\n    - conda-forge\n  dependencies:\n    - python=3.11\n    - pip\n    - pip:\n      - flask",
	}
}

var yamlLine = regexp.MustCompile(`^line (\d+): `)

// syntaxError names the line of a YAML syntax error and shows the lines
// around it.
func syntaxError(rel string, content []byte, err error) error {
	message := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if m := yamlLine.FindStringSubmatch(message); m != nil {
		reported, _ = strconv.Atoi(m[1])
		message = strings.TrimPrefix(message, m[0])
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(content), "\r\n", "\n"), "\n"), "\n")
	n := errorLine(lines, message, reported)
	detail := ""
	for i := max(n-1, 1); i <= min(n+1, len(lines)); i++ {
		mark := " "
		if i == n {
			mark = ">"
		}
		detail += fmt.Sprintf("%s %3d | %s\n", mark, i, lines[i-1])
	}
	return &errs.UserError{
		Title:  fmt.Sprintf("%s is not valid YAML: line %d: %s", rel, n, message),
		Detail: detail,
		Remedy: fmt.Sprintf("fix the YAML syntax of %s at that line (indentation, a tab, a missing space after - or :, an unclosed bracket or quote)", rel),
		Err:    err,
	}
}

// errorLine finds the line a YAML syntax error is on. The parser's own
// number is the start of the enclosing block for many errors (and absent
// for the first line), so this parses ever longer prefixes of the file and
// returns the first line at which the same error appears.
func errorLine(lines []string, message string, reported int) int {
	if len(lines) <= 2000 {
		for k := 1; k <= len(lines); k++ {
			var node yaml.Node
			err := yaml.Unmarshal([]byte(strings.Join(lines[:k], "\n")+"\n"), &node)
			if err == nil {
				continue
			}
			got := strings.TrimPrefix(err.Error(), "yaml: ")
			if m := yamlLine.FindStringSubmatch(got); m != nil {
				got = strings.TrimPrefix(got, m[0])
			}
			if got == message {
				return k
			}
		}
	}
	return min(max(reported, 1), len(lines))
}

func digest(name, content string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", name, content)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
