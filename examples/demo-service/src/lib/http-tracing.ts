// One SERVER span per HTTP request for a Fastify app, continuing the caller's trace from its
// W3C `traceparent` header, with the span active while hooks and the handler run (so child spans,
// Kafka produce spans and log lines join the request's trace). The response carries the span's
// context in `traceresponse` (W3C Trace Context Level 2), so a caller can find the trace.
//
//   const app = Fastify();
//   installHttpTracing(app, { tracer });   // before registering routes
//
// Packages used (the template's package.json must list them): fastify, @opentelemetry/api.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { extractContext, recordError } from './tracing.ts';

export interface HttpTracingOptions {
  tracer: Tracer;
  /** Paths (without query) that get no span: scrapes and probes would drown real traffic. */
  ignorePaths?: readonly string[];
}

export const DEFAULT_IGNORED_PATHS: readonly string[] = ['/metrics', '/health', '/healthz', '/ready'];

interface Active {
  span: Span;
  ctx: Context;
}

/** Adds onRequest/preHandler/onError/onResponse hooks to `app` (the root instance: not encapsulated). */
export function installHttpTracing(app: FastifyInstance, opts: HttpTracingOptions): void {
  const ignored = new Set(opts.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const active = new WeakMap<FastifyRequest, Active>();

  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const path = req.url.split('?')[0] ?? req.url;
    if (ignored.has(path)) return done();
    const route = req.routeOptions.url;
    const parent = extractContext(
      req.headers as Record<string, string | string[] | undefined>,
      context.active(),
    );
    const span = opts.tracer.startSpan(
      route ? `${req.method} ${route}` : req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': path,
          'url.scheme': req.protocol,
          ...(route ? { 'http.route': route } : {}),
          ...(req.headers['user-agent'] ? { 'user_agent.original': req.headers['user-agent'] } : {}),
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    active.set(req, { span, ctx });
    const carrier: Record<string, string> = {};
    propagation.inject(ctx, carrier);
    if (carrier.traceparent) reply.header('traceresponse', carrier.traceparent);
    // Running `done` inside the context makes the next hooks see the span as active.
    context.with(ctx, done);
  });

  // Body parsing may complete on stream events outside our context: re-enter it before the handler.
  app.addHook('preHandler', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const a = active.get(req);
    if (!a) return done();
    context.with(a.ctx, done);
  });

  app.addHook('onError', (req: FastifyRequest, _reply: FastifyReply, err: Error, done: () => void) => {
    const a = active.get(req);
    if (a) recordError(a.span, err);
    done();
  });

  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const a = active.get(req);
    if (a) {
      a.span.setAttribute('http.response.status_code', reply.statusCode);
      // Semantic conventions: a SERVER span is an error for 5xx only (4xx is the caller's fault).
      if (reply.statusCode >= 500) a.span.setStatus({ code: SpanStatusCode.ERROR });
      a.span.end();
      active.delete(req);
    }
    done();
  });
}

/** The trace id of the request's span, e.g. to return it in an error body. */
export function traceIdOf(): string | undefined {
  return trace.getSpan(context.active())?.spanContext().traceId;
}
