# One-line aliases for tasks.ts and the npm scripts (seed task 0-11). No logic lives here.
# Every recipe runs with a Node >= 22.18 on PATH: scripts/ensure-node.sh prints the machine's
# node when new enough, else provisions the Node pinned in manifests/versions.yaml into
# .tools/node (it says so in one line).
NODE_BIN := $(shell scripts/ensure-node.sh)
ifeq ($(NODE_BIN),)
$(error scripts/ensure-node.sh found no usable Node; see the line above)
endif
export PATH := $(NODE_BIN):$(PATH)
# Go for the builds (native backends, render tools, gitleaks): the machine's go when new enough, else
# the Go pinned in manifests/versions.yaml fetched into .tools/go. Without one, make goes on: the
# steps that build say so in one line.
GO_BIN := $(shell scripts/ensure-go.sh)
ifneq ($(GO_BIN),)
export PATH := $(GO_BIN):$(PATH)
endif
# `node tasks.ts`: Node (>= 22.18) strips the types itself, the quickest start (`npx tsx tasks.ts` works too).
TASKS := node tasks.ts
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help dev-setup verify report infra-up infra-up-compose infra-down up down status plan logs logs-follow restart \
	cluster-create cluster-destroy test test-unit test-integration test-performance lint format \
	clean topics-create service-create

help: ## Show available commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Order-only (`| node_modules`): installs on a fresh clone, never reinstalls over a working tree.
node_modules:
	scripts/heartbeat.sh "npm ci" npm ci --no-audit --no-fund

dev-setup: | node_modules ## Set up the development environment (tools, .env, git hooks, downloads)
	$(TASKS) dev-setup $(ARGS)

verify: | node_modules ## Verify the environment (doctor) and run every verify step
	$(TASKS) doctor && $(TASKS) verify $(ARGS)

report: | node_modules ## Run every verify step and write docs/phase-0-validation-report.md
	$(TASKS) verify --report $(ARGS)

infra-up: | node_modules ## Start infrastructure on the default target (k3d with Docker, else native)
	$(TASKS) up $(ARGS)

infra-up-compose: | node_modules ## Start infrastructure with Docker Compose
	$(TASKS) up --target compose $(ARGS)

infra-down: | node_modules ## Stop infrastructure (data survives)
	$(TASKS) down $(ARGS)

up: infra-up ## Alias of infra-up

down: infra-down ## Alias of infra-down

status: | node_modules ## Show processes and each task's last outcome
	$(TASKS) status $(ARGS)

plan: | node_modules ## Show what up would do, without doing it
	$(TASKS) plan $(ARGS)

# S names components (`status` shows the names); empty S: all of them.
S ?=
logs: | node_modules ## Show the last log lines of S (or of all), merged in time order
	$(TASKS) logs $(S) $(ARGS)

logs-follow: | node_modules ## Follow the logs of S (or of all) until Ctrl-C
	$(TASKS) logs --follow $(S) $(ARGS)

restart: | node_modules ## Restart S (S=demo-service) and the running components that need it
	$(TASKS) restart $(S) $(ARGS)

cluster-create: | node_modules ## Create the k3d cluster and its namespaces (task 0-2)
	$(TASKS) up 0-2 --target k3d $(ARGS)

cluster-destroy: | node_modules ## Destroy the k3d cluster
	$(TASKS) down --target k3d $(ARGS)

test: | node_modules ## Set up for the native target (quick when done), then run all tests
	$(TASKS) dev-setup --target native && scripts/install-actionlint.sh && npm test

test-unit: | node_modules ## Run unit tests only
	npm run test:unit

test-integration: | node_modules ## Run integration tests only
	npm run test:integration

test-performance: | node_modules ## Run the benchmarks (Kafka REQ-0.2, engine overhead)
	$(TASKS) bench kafka $(ARGS) && npx tsx bench/engine.ts

lint: | node_modules ## Run the type check and the linter
	npm run lint

format: | node_modules ## Auto-format code
	npm run format

clean: | node_modules ## Stop everything and remove data, logs and state (keeps downloaded tools)
	$(TASKS) clean $(ARGS)

topics-create: | node_modules ## Create the Kafka topics
	$(TASKS) topics-create $(ARGS)

service-create: | node_modules ## Generate a new service from the template: make service-create NAME=x
	$(TASKS) new-service $(NAME) $(ARGS)
