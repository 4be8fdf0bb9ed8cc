// Readiness of an OTLP gRPC trace receiver at the protocol level: a real TraceService/Export call
// carrying an empty request (zero spans, so nothing is stored) must come back OK.
import * as grpc from '@grpc/grpc-js';

export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const passThrough = (b: Buffer) => b;

/** Sends raw bytes as an Export request; resolves with the response bytes or rejects with the gRPC error. */
export function exportRaw(address: string, body: Buffer, timeoutMs = 2_000): Promise<Buffer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      EXPORT_PATH,
      passThrough,
      passThrough,
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, res) => (err ? reject(err) : resolve(res ?? Buffer.alloc(0))),
    );
  }).finally(() => client.close());
}

/** True when an OTLP Export call to host:port answers OK. */
export async function otlpGrpcReady(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  try {
    await exportRaw(`${host}:${port}`, Buffer.alloc(0), timeoutMs);
    return true;
  } catch {
    return false;
  }
}
