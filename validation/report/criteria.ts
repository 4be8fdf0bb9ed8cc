// The seed's acceptance criteria (../shared/seed/phase-0-tasks.md), one entry each, generated
// from the plan's text by scripts/extract-criteria.py. The report lists every one: pass, fail, or skip
// with a reason. Checks name the criteria they prove by id (`0-3.ac4`).

export interface Criterion {
  id: CriterionId;
  task: string;
  text: string;
  requirement?: RequirementId;
}

export interface SeedTask {
  id: string;
  title: string;
}

// `as const` so the ids form a type: a node needing `0-14` does not compile.
export const SEED_TASKS = [
  { id: '0-1', title: 'Development Environment Setup Script' },
  { id: '0-2', title: 'Kubernetes Cluster Setup' },
  { id: '0-3', title: 'Event Bus Deployment (Redpanda)' },
  { id: '0-4', title: 'Observability Stack - Prometheus & Grafana' },
  { id: '0-5', title: 'Observability Stack - Logging (Loki)' },
  { id: '0-6', title: 'Observability Stack - Tracing (Tempo)' },
  { id: '0-7', title: 'Infrastructure as Code - Docker Compose' },
  { id: '0-8', title: 'CI/CD Pipeline - GitHub Actions' },
  { id: '0-9', title: 'Secrets Management' },
  { id: '0-10', title: 'Service Template & Scaffolding' },
  { id: '0-11', title: 'Makefile & Automation' },
  { id: '0-12', title: 'Documentation & Developer Guide' },
  { id: '0-13', title: 'End-to-End Validation & Demo Service' },
] as const satisfies readonly SeedTask[];

export type SeedTaskId = (typeof SEED_TASKS)[number]['id'];

// `as const` so the ids form a type: a check naming `0-4.acl` does not compile.
const TABLE = [
  { id: '0-1.ac1', task: '0-1', text: 'Script checks for Docker, kubectl, Helm prerequisites' },
  { id: '0-1.ac2', task: '0-1', text: 'Script installs k3d if not present' },
  { id: '0-1.ac3', task: '0-1', text: 'Script installs Helm if not present' },
  { id: '0-1.ac4', task: '0-1', text: 'Script creates `.env` from `.env.example` if not exists' },
  { id: '0-1.ac5', task: '0-1', text: 'Script installs Python dependencies via Poetry' },
  { id: '0-1.ac6', task: '0-1', text: 'Script installs pre-commit hooks' },
  { id: '0-1.ac7', task: '0-1', text: 'Verification script validates all tools are working' },
  { id: '0-1.ac8', task: '0-1', text: 'Setup completes in < 30 minutes on fresh machine' },
  { id: '0-1.ac9', task: '0-1', text: 'Documentation explains each step clearly' },
  { id: '0-2.ac1', task: '0-2', text: 'k3d cluster configuration file exists' },
  { id: '0-2.ac2', task: '0-2', text: 'Cluster starts in < 2 minutes' },
  { id: '0-2.ac3', task: '0-2', text: 'Cluster uses < 4GB RAM (REQ-0.1)', requirement: 'REQ-0.1' },
  { id: '0-2.ac4', task: '0-2', text: 'Two namespaces created (infra, services)' },
  { id: '0-2.ac5', task: '0-2', text: 'kubectl can connect to cluster' },
  { id: '0-2.ac6', task: '0-2', text: 'Port forwarding configured (8080:80, 8443:443)' },
  { id: '0-2.ac7', task: '0-2', text: "Traefik ingress disabled (we'll use our own)" },
  { id: '0-2.ac8', task: '0-2', text: 'Cluster survives Docker Desktop restart' },
  { id: '0-2.ac9', task: '0-2', text: 'Documentation explains cluster management' },
  { id: '0-3.ac1', task: '0-3', text: 'Redpanda pod is running and healthy' },
  { id: '0-3.ac2', task: '0-3', text: 'Internal access works (from within cluster)' },
  { id: '0-3.ac3', task: '0-3', text: 'External access works (from laptop via localhost:19092)' },
  {
    id: '0-3.ac4',
    task: '0-3',
    text: 'Can produce messages > 10,000 msg/sec (REQ-0.2)',
    requirement: 'REQ-0.2',
  },
  { id: '0-3.ac5', task: '0-3', text: 'Latency p95 < 50ms (REQ-0.2)', requirement: 'REQ-0.2' },
  { id: '0-3.ac6', task: '0-3', text: 'Data persists across pod restarts' },
  { id: '0-3.ac7', task: '0-3', text: 'Topics are created successfully' },
  { id: '0-3.ac8', task: '0-3', text: 'Test scripts verify produce/consume functionality' },
  { id: '0-3.ac9', task: '0-3', text: 'Documentation explains Kafka access patterns' },
  { id: '0-4.ac1', task: '0-4', text: 'Prometheus is running and collecting metrics' },
  { id: '0-4.ac2', task: '0-4', text: 'Grafana is accessible at localhost:3000' },
  { id: '0-4.ac3', task: '0-4', text: 'Default dashboards imported (Kubernetes cluster, nodes, pods)' },
  { id: '0-4.ac4', task: '0-4', text: 'Custom Example-App dashboards created' },
  { id: '0-4.ac5', task: '0-4', text: 'Alerting rules configured' },
  { id: '0-4.ac6', task: '0-4', text: 'Metrics retention set to 30 days' },
  { id: '0-4.ac7', task: '0-4', text: 'Grafana configured with Prometheus data source' },
  { id: '0-4.ac8', task: '0-4', text: 'Documentation explains dashboard usage' },
  { id: '0-5.ac1', task: '0-5', text: 'Loki is running and receiving logs' },
  { id: '0-5.ac2', task: '0-5', text: 'Promtail is collecting logs from all pods' },
  { id: '0-5.ac3', task: '0-5', text: 'Logs are queryable in Grafana' },
  { id: '0-5.ac4', task: '0-5', text: 'Structured logging format is parsed correctly' },
  { id: '0-5.ac5', task: '0-5', text: 'Log retention set to 30 days' },
  { id: '0-5.ac6', task: '0-5', text: 'Performance: < 100ms query latency for recent logs' },
  { id: '0-5.ac7', task: '0-5', text: 'Logs are correlated with metrics in dashboards' },
  { id: '0-5.ac8', task: '0-5', text: 'Documentation explains log querying (LogQL)' },
  { id: '0-6.ac1', task: '0-6', text: 'Tempo is running and receiving traces' },
  { id: '0-6.ac2', task: '0-6', text: 'OpenTelemetry SDK configured in Python' },
  { id: '0-6.ac3', task: '0-6', text: 'Sample traces visible in Grafana' },
  { id: '0-6.ac4', task: '0-6', text: 'Traces show complete request flow across services' },
  { id: '0-6.ac5', task: '0-6', text: 'Traces are correlated with logs (trace_id in logs)' },
  { id: '0-6.ac6', task: '0-6', text: 'Trace retention set to 7 days' },
  { id: '0-6.ac7', task: '0-6', text: 'Performance: < 5ms overhead per trace' },
  { id: '0-6.ac8', task: '0-6', text: 'Documentation explains tracing best practices' },
  { id: '0-7.ac1', task: '0-7', text: '`make infra-up` starts all infrastructure services' },
  {
    id: '0-7.ac2',
    task: '0-7',
    text: 'Services accessible: Redpanda (19092), Grafana (3000), Prometheus (9090)',
  },
  { id: '0-7.ac3', task: '0-7', text: 'Startup time < 60 seconds' },
  { id: '0-7.ac4', task: '0-7', text: 'Data persists across restarts (volumes configured)' },
  { id: '0-7.ac5', task: '0-7', text: '`make infra-down` cleanly stops all services' },
  { id: '0-7.ac6', task: '0-7', text: 'Documentation explains when to use Docker Compose vs Kubernetes' },
  { id: '0-8.ac1', task: '0-8', text: 'CI runs on every push to main/develop' },
  { id: '0-8.ac2', task: '0-8', text: 'CI runs on every pull request' },
  { id: '0-8.ac3', task: '0-8', text: 'Linting passes (black, isort, flake8, mypy)' },
  { id: '0-8.ac4', task: '0-8', text: 'Tests pass (unit + integration)' },
  { id: '0-8.ac5', task: '0-8', text: 'Security scans pass (Trivy, git-secrets)' },
  { id: '0-8.ac6', task: '0-8', text: 'Code coverage reported to Codecov' },
  { id: '0-8.ac7', task: '0-8', text: 'Pipeline completes in < 5 minutes (REQ-0.5)', requirement: 'REQ-0.5' },
  { id: '0-8.ac8', task: '0-8', text: 'Failed builds block merging' },
  { id: '0-8.ac9', task: '0-8', text: 'Documentation explains CI/CD workflow' },
  { id: '0-9.ac1', task: '0-9', text: '`.env.example` exists with all required variables' },
  { id: '0-9.ac2', task: '0-9', text: '`.env` is gitignored' },
  { id: '0-9.ac3', task: '0-9', text: 'Pre-commit hook blocks commits with secrets' },
  { id: '0-9.ac4', task: '0-9', text: 'Python app loads secrets from .env' },
  { id: '0-9.ac5', task: '0-9', text: 'Kubernetes can mount secrets as environment variables' },
  { id: '0-9.ac6', task: '0-9', text: 'Documentation explains secret rotation process' },
  { id: '0-9.ac7', task: '0-9', text: 'Azure Key Vault integration documented (for future)' },
  { id: '0-9.ac8', task: '0-9', text: 'No secrets in git history' },
  { id: '0-10.ac1', task: '0-10', text: '`./scripts/create-service.sh` generates new service' },
  { id: '0-10.ac2', task: '0-10', text: 'Generated service has FastAPI with health endpoints' },
  { id: '0-10.ac3', task: '0-10', text: 'Prometheus metrics integrated' },
  { id: '0-10.ac4', task: '0-10', text: 'Structured logging configured' },
  { id: '0-10.ac5', task: '0-10', text: 'OpenTelemetry tracing set up' },
  { id: '0-10.ac6', task: '0-10', text: 'Kafka producer/consumer utilities included' },
  { id: '0-10.ac7', task: '0-10', text: 'Unit test examples included' },
  { id: '0-10.ac8', task: '0-10', text: 'Integration test examples included' },
  { id: '0-10.ac9', task: '0-10', text: 'Dockerfile included' },
  { id: '0-10.ac10', task: '0-10', text: 'Kubernetes manifests included' },
  { id: '0-10.ac11', task: '0-10', text: 'Documentation generated with service' },
  { id: '0-11.ac1', task: '0-11', text: '`make help` shows all available commands' },
  { id: '0-11.ac2', task: '0-11', text: '`make dev-setup` runs full development environment setup' },
  { id: '0-11.ac3', task: '0-11', text: '`make verify` validates environment is working' },
  { id: '0-11.ac4', task: '0-11', text: '`make infra-up` starts infrastructure (K8s or Docker Compose)' },
  { id: '0-11.ac5', task: '0-11', text: '`make infra-down` stops infrastructure' },
  { id: '0-11.ac6', task: '0-11', text: '`make test` runs all tests' },
  { id: '0-11.ac7', task: '0-11', text: '`make test-unit` runs unit tests only' },
  { id: '0-11.ac8', task: '0-11', text: '`make test-integration` runs integration tests only' },
  { id: '0-11.ac9', task: '0-11', text: '`make lint` runs linting' },
  { id: '0-11.ac10', task: '0-11', text: '`make format` auto-formats code' },
  { id: '0-11.ac11', task: '0-11', text: '`make clean` cleans up everything' },
  { id: '0-11.ac12', task: '0-11', text: 'Documentation explains each command' },
  {
    id: '0-12.ac1',
    task: '0-12',
    text: 'New developer can set up environment in < 30 minutes following docs',
  },
  { id: '0-12.ac2', task: '0-12', text: 'All common tasks documented with examples' },
  { id: '0-12.ac3', task: '0-12', text: 'Architecture diagrams up to date' },
  { id: '0-12.ac4', task: '0-12', text: 'Troubleshooting guide covers common issues' },
  { id: '0-12.ac5', task: '0-12', text: 'FAQ answers frequent questions' },
  { id: '0-12.ac6', task: '0-12', text: 'Documentation is searchable and well-organized' },
  { id: '0-13.ac1', task: '0-13', text: 'Demo service deployed to Kubernetes' },
  { id: '0-13.ac2', task: '0-13', text: 'Service produces events to Kafka' },
  { id: '0-13.ac3', task: '0-13', text: 'Service consumes events from Kafka' },
  { id: '0-13.ac4', task: '0-13', text: 'Service exposes Prometheus metrics' },
  { id: '0-13.ac5', task: '0-13', text: 'Service logs to Loki' },
  { id: '0-13.ac6', task: '0-13', text: 'Service generates traces in Tempo' },
  { id: '0-13.ac7', task: '0-13', text: 'Health endpoints return 200' },
  { id: '0-13.ac8', task: '0-13', text: 'Integration tests pass' },
  { id: '0-13.ac9', task: '0-13', text: 'Performance meets Phase 0 requirements:' },
] as const;

/** A seed acceptance criterion's id, e.g. `0-3.ac4`. */
export type CriterionId = (typeof TABLE)[number]['id'];

export const CRITERIA: readonly Criterion[] = TABLE;

/** Performance requirements as the seed names them. REQ-0.3 and REQ-0.4 are not referenced by the seed's task list. */
export const REQUIREMENTS = {
  'REQ-0.1': 'Local cluster: start < 2 min, < 4 GB RAM',
  'REQ-0.2': 'Kafka API: > 10,000 msg/s, p95 latency < 50 ms',
  'REQ-0.5': 'CI pipeline < 5 minutes',
} as const;

export type RequirementId = keyof typeof REQUIREMENTS;
