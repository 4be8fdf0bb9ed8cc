// The Apache Kafka distribution's jars: the native broker runs on them and the benchmark's JVM
// clients (perf-test, e2e-latency) use their tools on every target. Fetches them from Maven Central with `mvn` (manifests/native/kafka/pom.xml)
// into the cache. Idempotent: a stamp file holds the pom's hash, so a second run is a file read,
// and an edited pom re-resolves. The jars land in a temp folder first and are renamed into
// place, so an interrupted fetch never leaves a half-filled lib dir that looks installed.
//
// Also runnable on its own (dev-setup): `npx tsx tasks/config/kafka-jars.ts`.
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { execa } from '../lazy-execa.ts';
import type { Paths } from '../context.ts';
import { UsageError } from '../engine/task.ts';
import { resolvePaths } from '../paths.ts';
import { track } from './activity.ts';

export const MIN_JAVA = 17;
const JAVA_INSTALL = 'apt-get install openjdk-17-jre-headless';

export interface KafkaJars {
  /** Folder holding every jar (broker, tools, logging, the JMX exporter agent). */
  libDir: string;
  /** The Prometheus JMX exporter java agent (kept off the classpath). */
  agentJar: string;
  /** Everything but the agent, `:`-joined, for `java -cp`. */
  classpath: string;
}

export const kafkaManifestDir = (paths: Paths) => path.join(paths.root, 'manifests', 'native', 'kafka');
const pomOf = (paths: Paths) => path.join(kafkaManifestDir(paths), 'pom.xml');
const cacheDir = (paths: Paths) => path.join(paths.cache, 'kafka');
export const kafkaLibDir = (paths: Paths) => path.join(cacheDir(paths), 'lib');
const stampOf = (paths: Paths) => path.join(cacheDir(paths), 'stamp');

async function pomHash(paths: Paths): Promise<string> {
  return createHash('sha256')
    .update(await fsp.readFile(pomOf(paths)))
    .digest('hex');
}

/** True when the lib dir matches the current pom. */
export async function kafkaJarsInstalled(paths: Paths): Promise<boolean> {
  const stamp = await fsp.readFile(stampOf(paths), 'utf8').catch(() => '');
  return stamp.trim() === (await pomHash(paths));
}

/** The installed jars, or a UsageError saying how to fetch them. */
export async function kafkaJars(paths: Paths): Promise<KafkaJars> {
  if (!(await kafkaJarsInstalled(paths))) {
    throw new UsageError(
      `Kafka jars missing or stale in ${kafkaLibDir(paths)}; fetch them with: npx tsx tasks/config/kafka-jars.ts`,
    );
  }
  const libDir = kafkaLibDir(paths);
  const jars = (await fsp.readdir(libDir)).filter((f) => f.endsWith('.jar')).sort();
  const agent = jars.find((f) => f.startsWith('jmx_prometheus_javaagent'));
  if (!agent)
    throw new UsageError(`the JMX exporter agent jar is missing from ${libDir}; rerun npx tsx tasks/config/kafka-jars.ts`);
  return {
    libDir,
    agentJar: path.join(libDir, agent),
    classpath: jars
      .filter((f) => f !== agent)
      .map((f) => path.join(libDir, f))
      .join(':'),
  };
}

/** The java binary: $JAVA_HOME/bin/java when set, else `java` from PATH. */
export const javaBin = (env: NodeJS.ProcessEnv = process.env) =>
  env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';

/** Java's major version, or a UsageError when it is missing or older than 17. */
export async function requireJava(java = javaBin()): Promise<number> {
  const r = await execa(java, ['-version'], { reject: false, timeout: 15_000 });
  if (r.failed && (r.code === 'ENOENT' || r.exitCode === undefined)) {
    throw new UsageError(`java not found (${java}); Kafka needs Java ${MIN_JAVA}+: ${JAVA_INSTALL}`);
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}\n${r.stdout}`);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!Number.isFinite(major)) {
    throw new UsageError(
      `could not read the Java version from \`${java} -version\`; Kafka needs Java ${MIN_JAVA}+: ${JAVA_INSTALL}`,
    );
  }
  if (major < MIN_JAVA) {
    throw new UsageError(`Java ${major} found (${java}); Kafka 4 needs Java ${MIN_JAVA}+: ${JAVA_INSTALL}`);
  }
  return major;
}

/**
 * Resolves the pom into `<cache>/kafka/lib` unless the stamp says it is current.
 * Returns whether it fetched and how long it took.
 */
export async function installKafkaJars(
  paths: Paths,
  opts: { signal?: AbortSignal; log?: (line: string) => void; note?: (line: string) => void } = {},
): Promise<{ fetched: boolean; ms: number; libDir: string }> {
  const t0 = performance.now();
  const libDir = kafkaLibDir(paths);
  if (await kafkaJarsInstalled(paths))
    return { fetched: false, ms: Math.round(performance.now() - t0), libDir };
  await requireJava();
  const dir = cacheDir(paths);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `lib.tmp-${process.pid}`);
  await fsp.rm(tmp, { recursive: true, force: true });
  const args = [
    '-B',
    '-q',
    '-f',
    pomOf(paths),
    `-Dmaven.repo.local=${path.join(paths.cache, 'm2')}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${tmp}`,
  ];
  const command = `mvn ${args.join(' ')}`;
  opts.log?.(`fetching Kafka jars: ${command}`);
  const r = await track(opts.note ?? opts.log ?? (() => {}), 'downloading the Kafka jars (Maven Central)', () =>
    execa('mvn', args, {
      reject: false,
      all: true,
      cancelSignal: opts.signal,
      env: { MAVEN_OPTS: '-Xmx512m' },
    }),
  );
  if (r.isCanceled) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw new Error('Kafka jar fetch cancelled');
  }
  if (r.failed) {
    await fsp.rm(tmp, { recursive: true, force: true });
    if (r.code === 'ENOENT')
      throw new UsageError(
        `mvn not found; the native Kafka jars come from Maven Central: apt-get install maven`,
      );
    const lines = stripVTControlCharacters(r.all ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const errors = lines.filter(
      (l) => l.startsWith('[ERROR]') && !/^\[ERROR\]\s*(-> \[Help|To see|Re-run|For more|\[Help|$)/.test(l),
    );
    const last = (errors.length > 0 ? errors : lines).slice(0, 2).join(' | ').slice(0, 400);
    throw new UsageError(
      `mvn failed (exit ${r.exitCode}) resolving Kafka jars: ${last}; command: ${command}`,
    );
  }
  await fsp.rm(libDir, { recursive: true, force: true });
  await fsp.rename(tmp, libDir);
  await fsp.writeFile(stampOf(paths), `${await pomHash(paths)}\n`);
  return { fetched: true, ms: Math.round(performance.now() - t0), libDir };
}

// Run directly: one line of progress, timed; exit 2 on a usage error.
/** The jars and java classpath, for tools such as `org.apache.kafka.tools.ProducerPerformance`. */
export async function kafkaClasspath(
  paths: Paths,
): Promise<KafkaJars & { java: string; log4jConfig: string }> {
  return {
    ...(await kafkaJars(paths)),
    java: javaBin(),
    log4jConfig: path.join(kafkaManifestDir(paths), 'log4j2.yaml'),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = resolvePaths();
  installKafkaJars(paths, { log: (l) => console.log(l) }).then(
    (r) =>
      console.log(
        r.fetched
          ? `Kafka jars fetched into ${r.libDir} in ${(r.ms / 1000).toFixed(1)} s`
          : `Kafka jars already in ${r.libDir} (cache current, ${r.ms} ms)`,
      ),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
