// OpenTelemetry tracing for a service (seed task 0-6): a tracer provider with a batch span
// processor exporting OTLP over gRPC (Tempo on k3d/compose, Jaeger on the
// native target), AsyncLocalStorage context so spans nest across awaits, and the W3C
// `traceparent` propagator so HTTP and Kafka carry a trace between services.
//
// Packages used (the template's package.json must list them): @opentelemetry/api,
// @opentelemetry/sdk-trace, @opentelemetry/resources, @opentelemetry/semantic-conventions,
// @opentelemetry/core, @opentelemetry/context-async-hooks, @opentelemetry/exporter-trace-otlp-grpc.
import {
  context,
  propagation,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type Tracer,
  SpanStatusCode,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** `service.name` of the resource: what Tempo and Grafana list the service as. */
  serviceName: string;
  serviceVersion?: string;
  /** OTLP gRPC endpoint, `http://host:4317` (http = plaintext, https = TLS). */
  endpoint: string;
  /** Batch processor: how long spans wait before export (ms). Default 1000. */
  scheduledDelayMillis?: number;
  /** Batch processor: spans per export request. Default 2048. */
  maxExportBatchSize?: number;
  /** Batch processor: spans buffered before new ones are dropped. Default 65,536. */
  maxQueueSize?: number;
  /** Which traces are recorded; default every one (parent-based, always on). See samplerOf. */
  sampler?: Sampler;
  /** Replaces the OTLP exporter (benchmarks measure the SDK alone with one). */
  exporter?: SpanExporter;
  /**
   * Register the provider, context manager and propagator as the process globals (default true),
   * so `trace.getTracer()` and the log mixin see the spans. Only one registration per process;
   * shutdown() releases it.
   */
  register?: boolean;
}

export interface Tracing {
  tracer: Tracer;
  provider: TracerProvider;
  /** Exports every ended span now; resolves when the exporter answered. */
  forceFlush(): Promise<void>;
  /** Flushes pending spans, stops the exporter, releases the globals. Call once, on SIGTERM. */
  shutdown(): Promise<void>;
}

/** Starts tracing. Call it first in the service's entry, before anything creates spans. */
export function startTracing(opts: TracingOptions): Tracing {
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: opts.endpoint });
  const provider = new TracerProvider({
    sampler: opts.sampler ?? new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName,
      ...(opts.serviceVersion ? { [ATTR_SERVICE_VERSION]: opts.serviceVersion } : {}),
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: opts.scheduledDelayMillis ?? 1000,
        // Under load (3 spans a request: HTTP, produce, consume; 30,000 spans/s at 10,000 req/s)
        // 512 spans a batch meant an export call every 17 ms, and a 4,096-span queue held 0.14 s:
        // a trace store slower than that for a moment and spans were DROPPED (requests whose trace
        // is missing). Larger batches cut the calls; the queue holds two seconds of that load.
        maxExportBatchSize: opts.maxExportBatchSize ?? 2048,
        maxQueueSize: opts.maxQueueSize ?? 65_536,
      }),
    ],
  });
  const register = opts.register ?? true;
  if (register) {
    const cm = new AsyncLocalStorageContextManager().enable();
    // set* return false when another registration holds the slot: fail loudly, not half-wired.
    if (
      !context.setGlobalContextManager(cm) ||
      !propagation.setGlobalPropagator(new W3CTraceContextPropagator())
    ) {
      cm.disable();
      throw new Error(
        `startTracing(${opts.serviceName}): OpenTelemetry globals already registered in this process; call shutdown() of the earlier startTracing first`,
      );
    }
    trace.setGlobalTracerProvider(provider);
  }
  let stopped: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(opts.serviceName, opts.serviceVersion),
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown: () =>
      (stopped ??= provider.shutdown().finally(() => {
        if (!register) return;
        trace.disable();
        context.disable();
        propagation.disable();
      })),
  };
}

/**
 * The sampler OpenTelemetry's OTEL_TRACES_SAMPLER names: `parentbased_*` follow a caller's
 * sampled flag and apply the rule only to traces that start here; `traceidratio` keeps `ratio`
 * of the traces (by trace id, so every service of a trace decides alike).
 */
export function samplerOf(name: string, ratio = 1): Sampler {
  const root = name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/**
 * Runs `fn` inside a new active span; ends it when `fn` settles, recording a thrown error.
 * Child spans and log lines inside `fn` (also after awaits) belong to it.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: SpanOptions = {},
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

export function recordError(span: Span, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/** Header carriers the helpers accept: plain objects (HTTP, kafkajs) or Maps (@platformatic/kafka). */
export type HeaderValue = string | Buffer | readonly (string | Buffer)[] | undefined;
export type Carrier = Record<string, HeaderValue> | Map<string | Buffer, string | Buffer>;

const text = (v: HeaderValue | string | Buffer): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  const first = (v as readonly (string | Buffer)[])[0];
  return first === undefined ? undefined : text(first);
};

const getter: TextMapGetter<Carrier> = {
  keys: (c) => (c instanceof Map ? [...c.keys()].map((k) => String(k)) : Object.keys(c)),
  get: (c, key) => {
    if (!(c instanceof Map)) return text(c[key] ?? c[key.toLowerCase()]);
    for (const [k, v] of c) if (String(k).toLowerCase() === key) return text(v);
    return undefined;
  },
};

/** Writes the active context's `traceparent` (and `tracestate`) into `headers`; returns them. */
export function injectTraceHeaders<H extends Record<string, unknown>>(
  headers: H = {} as H,
  ctx = context.active(),
): H {
  propagation.inject(ctx, headers, {
    set: (c, k, v) => {
      (c as Record<string, unknown>)[k] = v;
    },
  });
  return headers;
}

/** The context carried by `headers` (a remote parent), on top of `base`. */
export function extractContext(headers: Carrier | undefined, base: Context = context.active()): Context {
  return headers ? propagation.extract(base, headers, getter) : base;
}

/** Runs `fn` with the trace context carried by `headers` as the active context. */
export function withExtractedContext<T>(headers: Carrier | undefined, fn: () => T): T {
  return context.with(extractContext(headers), fn);
}
