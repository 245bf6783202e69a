// compose-check: loads a compose file the way `docker compose config` does (compose-go, the library Docker
// Compose is built on: schema validation, interpolation, merge keys, depends_on targets), for CI machines that
// have no Docker engine or Compose plugin. Prints the resolved project as YAML on stdout.
//
//	go run . [-scalable svc1,svc2] FILE...
//
// -scalable: these services must publish no host port and set no container_name, so that
// `docker compose up --scale svc=N` can start N of them. COMPOSE_PROFILES selects profiles, as for Compose.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(1)
}

func main() {
	scalable := flag.String("scalable", "", "comma-separated services that must be able to scale")
	flag.Parse()
	opts, err := cli.NewProjectOptions(flag.Args(), cli.WithName("peacestate"), cli.WithOsEnv, cli.WithDefaultProfiles())
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	for _, name := range strings.Split(*scalable, ",") {
		if name == "" {
			continue
		}
		service, ok := project.Services[name]
		if !ok {
			fail(fmt.Errorf("service %q (-scalable) is not in the project", name))
		}
		if len(service.Ports) > 0 {
			fail(fmt.Errorf("service %q publishes a host port: a second replica could not start", name))
		}
		if service.ContainerName != "" {
			fail(fmt.Errorf("service %q sets container_name: a second replica could not start", name))
		}
	}
	out, err := project.MarshalYAML()
	if err != nil {
		fail(err)
	}
	_, _ = os.Stdout.Write(out)
}
