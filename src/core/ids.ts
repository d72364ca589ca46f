// Identifiers and clocks: request ids, X-Ray trace ids, and an injectable clock.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Clock {
  /** Wall-clock epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond precision, for durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export type IdSource = () => string;

export const randomRequestId: IdSource = () => randomUUID();

/** A request-id source that counts (`prefix-1`, `prefix-2`, ...), for snapshot tests. */
export function sequentialIds(prefix = 'request'): IdSource {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** Random bytes drawn in batches: one call into the CSPRNG per 200 trace ids instead of one each (as randomUUID does). */
const ENTROPY_BYTES = 4000;
let entropy = Buffer.alloc(0);
let entropyUsed = 0;

function randomHex(bytes: number): string {
  if (entropyUsed + bytes > entropy.length) {
    entropy = randomBytes(ENTROPY_BYTES);
    entropyUsed = 0;
  }
  const hex = entropy.toString('hex', entropyUsed, entropyUsed + bytes);
  entropyUsed += bytes;
  return hex;
}

/** An X-Ray trace header value as Lambda sends it to runtimes when the caller gave none. */
export function newTraceId(nowMs: number): string {
  const epochHex = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  const hex = randomHex(20);
  return `Root=1-${epochHex}-${hex.slice(0, 24)};Parent=${hex.slice(24)};Sampled=0`;
}
