// DEVELOPMENT TRACE SINK: an OTLP/gRPC TraceService Export receiver for the native target, where
// Tempo cannot run (no Docker engine). It stores spans as JSON lines and finds a trace by id;
// it has no search, no compaction, no query language. It is not a Tempo replacement.
//
// The OTLP JS exporter sends pre-encoded protobuf bytes, so the method is registered with Buffer
// pass-through (de)serializers and the request is decoded here with protobufjs; a request that
// does not decode is answered INVALID_ARGUMENT and the server keeps serving.
import * as grpc from '@grpc/grpc-js';
import {
  EXPORT_PATH,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  type PbExportRequest,
} from './otlp-proto.ts';
import { SpanStore, toRecords } from './spans.ts';

export interface SinkLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface TraceSinkOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Directory of the `spans-YYYY-MM-DD.jsonl` files. */
  dir: string;
  log?: SinkLogger;
  /** Largest request accepted, bytes. Default 16 MiB (OTLP exporters batch up to ~4 MiB). */
  maxReceiveBytes?: number;
}

export interface TraceSink {
  port: number;
  store: SpanStore;
  /** Counters since start, for the sink's own logs and tests. */
  stats: { requests: number; spans: number; rejectedSpans: number; badRequests: number };
  close(): Promise<void>;
}

const passThrough = (b: Buffer) => b;
const silent: SinkLogger = { info() {}, warn() {}, error() {} };

const definition: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};

function decode(bytes: Buffer): PbExportRequest {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
    longs: String,
    defaults: false,
  }) as PbExportRequest;
}

function response(rejected: string[]): Buffer {
  const msg = rejected.length
    ? { partialSuccess: { rejectedSpans: rejected.length, errorMessage: rejected.slice(0, 3).join('; ') } }
    : {};
  return Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(msg)).finish());
}

/** Starts the development trace sink; resolves once it listens. */
export async function startTraceSink(opts: TraceSinkOptions): Promise<TraceSink> {
  const log = opts.log ?? silent;
  const store = new SpanStore(opts.dir);
  const stats = { requests: 0, spans: 0, rejectedSpans: 0, badRequests: 0 };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxReceiveBytes ?? 16 * 1024 * 1024,
  });

  const exportHandler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    stats.requests++;
    let req: PbExportRequest;
    try {
      req = decode(call.request);
    } catch (e) {
      stats.badRequests++;
      const why = `ExportTraceServiceRequest does not decode: ${(e as Error).message}`;
      log.warn({ peer: call.getPeer(), bytes: call.request.length }, why);
      callback({ code: grpc.status.INVALID_ARGUMENT, details: why });
      return;
    }
    const { records, rejected } = toRecords(req);
    stats.rejectedSpans += rejected.length;
    if (rejected.length)
      log.warn({ rejected: rejected.length, first: rejected[0] }, 'spans rejected (partial success)');
    // Answer only once the spans are on disk: an OK means a lookup will find them.
    store.append(records).then(
      () => {
        stats.spans += records.length;
        callback(null, response(rejected));
      },
      (e: Error) => {
        log.error({ dir: opts.dir, error: e.message }, 'could not write spans');
        callback({
          code: grpc.status.UNAVAILABLE,
          details: `trace sink could not write spans: ${e.message}`,
        });
      },
    );
  };

  server.addService(definition, { Export: exportHandler });
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err
        ? reject(new Error(`trace sink: cannot listen on ${host}:${opts.port}: ${err.message}`))
        : resolve(p),
    ),
  );
  log.info({ host, port, dir: opts.dir }, 'development trace sink listening (OTLP gRPC TraceService/Export)');

  let closed: Promise<void> | undefined;
  return {
    port,
    store,
    stats,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.forceShutdown(), 5_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }).then(() => store.append([]))),
  };
}
