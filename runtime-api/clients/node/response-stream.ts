// The `responseStream` a streaming handler writes to, and `awslambda.HttpResponseStream` (ric.md §5): prelude, 8 NUL bytes, error trailers.
import type { ClientRequest } from 'node:http';
import { RUNTIME_HEADER } from '../../../src/core/wire.js';
import { formatError, RuntimeError } from './errors.js';
import type { RuntimeClient } from './runtime-client.js';

/** The Function URL / API Gateway contract for streamed HTTP responses: JSON prelude, then 8 NUL bytes, then the body. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER_BYTES = 8;

type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type End = (callback?: () => void) => unknown;

/** What the handler gets: the streamed request itself, plus `setContentType` and the RIC's first-write hook. */
export type ResponseStream = ClientRequest & {
  setContentType(contentType: string): void;
  /** Set by `HttpResponseStream.from` (ours or a bundled copy of the RIC's); runs once, before the first body byte. */
  _onBeforeFirstWrite?: (write: (chunk: unknown) => void) => void;
};

export interface StreamedInvocation {
  stream: ResponseStream;
  /** Settles when the server has answered the streamed post (the body ended). */
  responseDone: Promise<void>;
  /** Ends the stream with the error in trailers (the body written so far is kept). */
  fail(error: unknown): Promise<void>;
}

/** `awslambda.HttpResponseStream`, with the RIC's static `from(stream, prelude)`. */
export class HttpResponseStream {
  static from(stream: ResponseStream, prelude: unknown): ResponseStream {
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(PRELUDE_DELIMITER_BYTES));
    };
    return stream;
  }
}

export function openStreamedInvocation(client: RuntimeClient, requestId: string): StreamedInvocation {
  const { request, responseDone } = client.openResponseStream(requestId);
  const stream = request as ResponseStream;
  const rawWrite = request.write.bind(request) as Write;
  const rawEnd = request.end.bind(request) as End;
  let started = false;

  const beforeFirstWrite = () => {
    if (started) return;
    started = true;
    const hook = stream._onBeforeFirstWrite;
    if (typeof hook === 'function') hook((chunk) => rawWrite(chunk));
  };

  stream.setContentType = (contentType: string) => {
    if (started) throw new RuntimeError('InvalidStreamingOperation', 'Cannot set content-type, too late.');
    request.setHeader('Content-Type', contentType);
  };

  const write: Write = (chunk, encoding, callback) => {
    // Objects are written as JSON, as the RIC does.
    const data = typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk);
    beforeFirstWrite();
    return rawWrite(data, encoding, callback);
  };
  // RIC 4.0.2 hooks only write(), so `from(...)` followed by `end(body)` loses the prelude there; here end() emits it too.
  const end = (chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (typeof chunk === 'function') return rawEnd(chunk as () => void);
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk !== undefined && chunk !== null) write(chunk, encoding);
    else beforeFirstWrite();
    return rawEnd(callback as (() => void) | undefined);
  };
  Object.assign(stream, { write, end });

  return {
    stream,
    responseDone,
    async fail(error) {
      const body = formatError(error);
      try {
        if (!request.writableEnded && !request.destroyed) {
          const encoded = Buffer.from(JSON.stringify(body)).toString('base64');
          try {
            request.addTrailers({ [RUNTIME_HEADER.errorType]: body.errorType, [RUNTIME_HEADER.errorBody]: encoded });
          } catch {
            // An error name Node refuses as a header value still has to reach the server as an error.
            request.addTrailers({ [RUNTIME_HEADER.errorType]: encodeURIComponent(String(body.errorType)), [RUNTIME_HEADER.errorBody]: encoded });
          }
          await new Promise<void>((resolve) => rawEnd(resolve));
        }
        await responseDone;
      } catch {
        // The stream is already broken; the server sees an aborted post.
      }
    },
  };
}
