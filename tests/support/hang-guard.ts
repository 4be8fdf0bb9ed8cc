// How long a test waits for something that must happen (a service answering, a consumer
// rejoining after its broker came back) before it calls the wait hung. Generous on purpose: on a
// loaded 2-core machine (.ci/run runs lint and the Docker-path checks beside six test files, load
// average 20 and more) a demo took over 15 s to answer /health and a kafkajs consumer over 30 s
// to consume again after a broker restart. A pass is the same pass; only a real hang waits longer.
// Speed is measured in bench/ and the verify checks, never by these budgets.
export const HANG_GUARD_MS = 60_000;
