// Encodes InvokeWithResponseStream replies: application/vnd.amazon.eventstream frames (PayloadChunk …, then InvokeComplete).
import { EventStreamCodec } from '@smithy/core/event-streams';

/** The reply's content type and the frame vocabulary, as Lambda sends them (invoke-api.md §7). */
export const EVENT_STREAM = {
  contentType: 'application/vnd.amazon.eventstream',
  payloadChunk: 'PayloadChunk',
  invokeComplete: 'InvokeComplete',
  /** PayloadChunk frames carry raw bytes; InvokeComplete carries a JSON structure. */
  chunkContentType: 'application/octet-stream',
  completeContentType: 'application/json',
} as const;

/** What ends a streamed invocation; every field is optional, as in the API's InvokeWithResponseStreamCompleteEvent. */
export interface InvokeCompleteFields {
  /** e.g. `Unhandled` or `Sandbox.Timedout`, present only when the function failed. */
  readonly ErrorCode?: string;
  /** The error's JSON text, as the runtime reported it. */
  readonly ErrorDetails?: string;
  /** base64 of the invocation's last 4 KB of log, only for `LogType: Tail`. */
  readonly LogResult?: string;
}

// The codec the AWS SDK v3 itself decodes with; it wants the two UTF-8 conversions injected.
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

type MessageHeaders = Parameters<EventStreamCodec['encode']>[0]['headers'];

function eventHeaders(eventType: string, contentType: string): MessageHeaders {
  return {
    ':event-type': { type: 'string', value: eventType },
    ':message-type': { type: 'string', value: 'event' },
    ':content-type': { type: 'string', value: contentType },
  };
}

/** One `PayloadChunk` frame holding these bytes of the function's response. */
export function encodePayloadChunk(payload: Uint8Array): Uint8Array {
  return codec.encode({ headers: eventHeaders(EVENT_STREAM.payloadChunk, EVENT_STREAM.chunkContentType), body: payload });
}

/** The final `InvokeComplete` frame; fields left undefined are omitted from its JSON. */
export function encodeInvokeComplete(fields: InvokeCompleteFields = {}): Uint8Array {
  const body: Record<string, string> = {};
  for (const key of ['ErrorCode', 'ErrorDetails', 'LogResult'] as const) {
    const value = fields[key];
    if (value !== undefined) body[key] = value;
  }
  return codec.encode({
    headers: eventHeaders(EVENT_STREAM.invokeComplete, EVENT_STREAM.completeContentType),
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });
}

/**
 * Frames a streamed body: each non-empty chunk becomes a PayloadChunk, and the completion
 * (awaited after the last chunk, so an error or timeout seen at the end is reported) an InvokeComplete.
 */
export async function* encodeResponseStream(
  chunks: AsyncIterable<Uint8Array>,
  complete: () => InvokeCompleteFields | Promise<InvokeCompleteFields>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    // An empty PayloadChunk is legal but pointless; Lambda sends none.
    if (chunk.byteLength > 0) yield encodePayloadChunk(chunk);
  }
  yield encodeInvokeComplete(await complete());
}
