// k3d-loader loads a k3d config file exactly as `k3d cluster create --config FILE` does, with
// k3d's own packages at the pinned version, and stops where k3d would start talking to Docker:
// environment expansion and schema validation (cliconfig.InitViperWithConfigFile), the typed
// Simple config, ProcessSimpleConfig, TransformSimpleToClusterConfig (node filters, ports, k3s
// args), ProcessClusterConfig and ValidateClusterConfig. No Docker engine is needed.
//
// Usage: k3d-loader FILE
// Prints a JSON summary of the cluster k3d would create; on a bad config k3d's own error goes to
// stderr and the exit status is 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/viper"

	cliconfig "github.com/k3d-io/k3d/v5/cmd/util/config"
	"github.com/k3d-io/k3d/v5/pkg/config"
	"github.com/k3d-io/k3d/v5/pkg/runtimes"
	"github.com/k3d-io/k3d/v5/version"
)

type node struct {
	Name  string   `json:"name"`
	Role  string   `json:"role"`
	Image string   `json:"image"`
	Args  []string `json:"args,omitempty"`
	Ports []string `json:"ports,omitempty"`
}

type summary struct {
	K3dVersion string `json:"k3dVersion"`
	// The k3s release k3d starts when the config names no image.
	DefaultK3s string `json:"defaultK3s"`
	Name       string `json:"name"`
	Servers    int    `json:"servers"`
	Agents     int    `json:"agents"`
	Nodes      []node `json:"nodes"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: k3d-loader FILE")
		os.Exit(2)
	}
	file := os.Args[1]
	ctx := context.Background()

	cfgViper := viper.New()
	if err := cliconfig.InitViperWithConfigFile(cfgViper, file); err != nil {
		fail("%v", err)
	}
	simple, err := config.SimpleConfigFromViper(cfgViper)
	if err != nil {
		fail("%v", err)
	}
	if err := config.ProcessSimpleConfig(&simple); err != nil {
		fail("error processing simple config: %v", err)
	}
	cluster, err := config.TransformSimpleToClusterConfig(ctx, runtimes.SelectedRuntime, simple, file)
	if err != nil {
		fail("%v", err)
	}
	cluster, err = config.ProcessClusterConfig(*cluster)
	if err != nil {
		fail("error processing cluster config: %v", err)
	}
	if err := config.ValidateClusterConfig(ctx, runtimes.SelectedRuntime, *cluster); err != nil {
		fail("cluster configuration validation failed: %v", err)
	}

	out := summary{
		K3dVersion: version.GetVersion(),
		DefaultK3s: version.K3sVersion,
		Name:       cluster.Name,
		Servers:    simple.Servers,
		Agents:     simple.Agents,
	}
	// cluster.Nodes already holds the load balancer node.
	for _, n := range cluster.Nodes {
		var ports []string
		for p, bindings := range n.Ports {
			for _, b := range bindings {
				ports = append(ports, fmt.Sprintf("%s:%s->%s", b.HostIP, b.HostPort, p))
			}
		}
		sort.Strings(ports)
		out.Nodes = append(out.Nodes, node{Name: n.Name, Role: string(n.Role), Image: n.Image, Args: n.Args, Ports: ports})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail("%v", err)
	}
}
