// Message layout in latency mode: intended send time, sequence number and a run tag, then padding.
export const HEADER_BYTES = 16;

export function encodeMessage(buf: Buffer, intendedUs: number, seq: number, tag: number): Buffer {
  buf.writeDoubleLE(intendedUs, 0);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt32LE(tag, 12);
  return buf;
}

export function decodeMessage(buf: Buffer): { intendedUs: number; seq: number; tag: number } | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  return { intendedUs: buf.readDoubleLE(0), seq: buf.readUInt32LE(8), tag: buf.readUInt32LE(12) };
}
