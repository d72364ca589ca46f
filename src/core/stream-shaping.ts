// What Lambda imposes on a streamed response on its way out: the bandwidth cap after the burst, and the streamed size limit.
import { throttleAfterBurst, type ThrottleOptions } from './bandwidth.js';
import { errorBody, type FunctionError, type InvokeResult, type InvokeStreamed, type InvokeStreamResult, isStreamed } from './invoke.js';

/**
 * "Maximum response size: 200 MB" for response streaming (AWS Lambda Developer Guide,
 * configuration-response-streaming.html; counted as MiB as the 6 MB buffered limit is).
 */
export const STREAMED_RESPONSE_LIMIT_BYTES = 200 * 1024 * 1024;

export interface StreamShaping {
  /** The bandwidth cap (first 6 MiB free, then 2 MiB/s by default); false turns it off. */
  readonly bandwidth: ThrottleOptions | false;
  /** Bytes a stream may carry (default 200 MiB); the rest is dropped and the invocation fails. */
  readonly maxBytes?: number;
}

/** Applies the cap and the limit to a streamed result; a buffered one passes unchanged. */
export function shapeStream(result: InvokeStreamResult, shaping: StreamShaping): InvokeStreamResult {
  if (!isStreamed(result)) return result;
  const maxBytes = shaping.maxBytes ?? STREAMED_RESPONSE_LIMIT_BYTES;
  let over: number | undefined;
  const source = result.body[Symbol.asyncIterator]();
  async function* limited(): AsyncGenerator<Buffer> {
    let sent = 0;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      const chunk = next.value;
      if (sent + chunk.byteLength <= maxBytes) {
        sent += chunk.byteLength;
        yield chunk;
        continue;
      }
      if (sent < maxBytes) yield chunk.subarray(0, maxBytes - sent);
      over = sent + chunk.byteLength;
      // The function goes on writing; what it writes past the limit is read and dropped so it is not blocked.
      for (;;) {
        const rest = await source.next();
        if (rest.done) return;
        over += rest.value.byteLength;
      }
    }
  }
  const body = shaping.bandwidth === false ? limited() : toBuffers(throttleAfterBurst(limited(), shaping.bandwidth));
  const outcome = result.outcome.then((ended): InvokeResult => {
    if (over === undefined || !ended.ok) return ended;
    const error: FunctionError = {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${maxBytes} bytes).`,
    };
    return { ...ended, ok: false, kind: 'response-too-large', error, payload: errorBody(error.errorType, error.errorMessage) };
  });
  const shaped: InvokeStreamed = { ...result, body, outcome };
  return shaped;
}

async function* toBuffers(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Reads a streamed body to its end and drops it: a caller that went away leaves the function running, as Lambda does. */
export async function drainStream(body: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of body) void chunk;
}
