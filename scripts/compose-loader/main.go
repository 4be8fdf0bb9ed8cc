// compose-loader loads Compose files with compose-go, the library `docker compose` is built on,
// with the same project options the docker compose CLI applies (OS environment first, then the
// --env-file files, the project name, resolved paths, consistency checks), so interpolation,
// `include:`, required variables (${VAR:?msg}) and references between services fail here exactly
// as they would in `docker compose up`. No Docker engine is needed.
//
// Usage: compose-loader [--env-file FILE]... --file FILE [--file FILE]...
// Prints a JSON summary of each service (image, health check, mounts, dependencies, the NAMES of
// its environment variables: values may be secrets and are never printed). On a load error the
// loader's message goes to stderr on one line and the exit status is 1; bad usage exits 2.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

type mount struct {
	Type        string `json:"type"`
	Source      string `json:"source,omitempty"`
	Target      string `json:"target"`
	ReadOnly    bool   `json:"readOnly,omitempty"`
	Propagation string `json:"propagation,omitempty"`
}

type service struct {
	Image       string            `json:"image"`
	Entrypoint  []string          `json:"entrypoint,omitempty"`
	Command     []string          `json:"command,omitempty"`
	Healthcheck []string          `json:"healthcheck,omitempty"`
	HealthOff   bool              `json:"healthcheckDisabled,omitempty"`
	DependsOn   map[string]string `json:"dependsOn,omitempty"`
	Mounts      []mount           `json:"mounts,omitempty"`
	EnvNames    []string          `json:"environment,omitempty"`
	Ports       []string          `json:"ports,omitempty"`
	Pid         string            `json:"pid,omitempty"`
	Build       bool              `json:"build,omitempty"`
}

type summary struct {
	Name     string             `json:"name"`
	Services map[string]service `json:"services"`
	Volumes  []string           `json:"volumes"`
}

func main() {
	var envFiles, files list
	flag.Var(&envFiles, "env-file", "environment file (repeatable, like docker compose --env-file)")
	flag.Var(&files, "file", "Compose file (repeatable, like docker compose --file)")
	flag.Parse()
	if len(files) == 0 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-loader [--env-file FILE]... --file FILE [--file FILE]...")
		os.Exit(2)
	}

	// The option order of docker compose's own ProjectOptions.toProjectOptions.
	opts, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(""),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(),
		cli.WithName(""),
		cli.WithResolvedPaths(true),
	)
	if err == nil {
		var project *types.Project
		project, err = opts.LoadProject(context.Background())
		if err == nil {
			print(project)
			return
		}
	}
	fmt.Fprintln(os.Stderr, strings.ReplaceAll(err.Error(), "\n", " "))
	os.Exit(1)
}

func print(p *types.Project) {
	out := summary{Name: p.Name, Services: map[string]service{}}
	for name, s := range p.Services {
		svc := service{Image: s.Image, Entrypoint: s.Entrypoint, Command: s.Command, Pid: s.Pid, Build: s.Build != nil}
		if s.HealthCheck != nil {
			svc.Healthcheck = s.HealthCheck.Test
			svc.HealthOff = s.HealthCheck.Disable
		}
		for dep, d := range s.DependsOn {
			if svc.DependsOn == nil {
				svc.DependsOn = map[string]string{}
			}
			svc.DependsOn[dep] = d.Condition
		}
		for _, v := range s.Volumes {
			m := mount{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Bind != nil {
				m.Propagation = v.Bind.Propagation
			}
			svc.Mounts = append(svc.Mounts, m)
		}
		for k := range s.Environment {
			svc.EnvNames = append(svc.EnvNames, k)
		}
		sort.Strings(svc.EnvNames)
		for _, port := range s.Ports {
			svc.Ports = append(svc.Ports, fmt.Sprintf("%s:%s", port.Published, fmt.Sprint(port.Target)))
		}
		out.Services[name] = svc
	}
	for v := range p.Volumes {
		out.Volumes = append(out.Volumes, v)
	}
	sort.Strings(out.Volumes)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
