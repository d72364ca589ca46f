// The Node client's side of the Runtime API: `/next`, `/response`, `/error` and `/init/error` over one pipelined
// keep-alive connection, streamed responses over their own.
import { Agent, request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { RUNTIME_HEADER, RUNTIME_PATH, STREAMING_MODE } from '../../../src/core/wire.js';
import type { ErrorBody } from './errors.js';
import { PipelinedConnection, type HttpAnswer } from './http-connection.js';

/** One invocation as `/next` hands it over. */
export interface NextInvocation {
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** A streamed `/response` in progress: the request the handler writes to, and the server's answer once the body ended. */
export interface ResponseStreamRequest {
  request: ClientRequest;
  responseDone: Promise<void>;
}

/** The Runtime API answered a post with an error status; the runtime logs it and carries on, as the RIC does. */
export class RuntimeApiStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Http response code: ${status}. ${body}`);
  }
}

const JSON_TYPE = 'application/json';

// Node's header check rejects anything outside Latin-1; JSON escapes keep a cause with emoji or CJK text valid and sendable.
const NON_ASCII = /[\u007f-\uffff]/g;
const escapeNonAscii = (json: string) =>
  json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Node's default header limit is 16 KiB: a larger X-Ray cause would get the whole `/error` post refused, so it is left out. */
const MAX_XRAY_CAUSE_BYTES = 8 * 1024;

/** `host:port` or `[v6]:port`, as emulate formats `AWS_LAMBDA_RUNTIME_API`. */
export function parseRuntimeApi(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : '';
  const port = Number(address.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid hostnamePort: ${address}`);
  }
  return { hostname: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port };
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('the Runtime API closed the connection mid-response'));
    });
  });
}

/**
 * Posts resolve when the server has answered. A caller that does not wait for that before its next
 * `next()` pipelines the two requests: they leave in one write, as one request to the server.
 */
export class RuntimeClient {
  private readonly hostname: string;
  private readonly port: number;
  private readonly connection: PipelinedConnection;
  // Streamed responses only: one socket, kept alive; an idle pooled socket is unref'd so it never holds the process up.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, noDelay: true });

  constructor(address: string) {
    ({ hostname: this.hostname, port: this.port } = parseRuntimeApi(address));
    this.connection = new PipelinedConnection(this.hostname, this.port);
  }

  /** The next invocation as the answer to a `/response` posted with `thenNext` (undefined: the server answered 202). */
  private nextFromPost: Promise<NextInvocation | undefined> | undefined;

  /** Waits for the next invocation (the server holds the request until there is one). */
  async next(): Promise<NextInvocation> {
    const fromPost = this.nextFromPost;
    this.nextFromPost = undefined;
    const answered = fromPost && (await fromPost);
    if (answered) return answered;
    const res = await this.connection.request('GET', RUNTIME_PATH.next, {});
    if (res.status !== 200) throw new RuntimeApiStatusError(res.status, res.body.toString('utf8'));
    return { body: res.body, headers: res.headers };
  }

  /** Resolves once every request made so far has left the process (a runtime about to exit waits for it). */
  flushed(): Promise<void> {
    return this.connection.flushed();
  }

  /**
   * `thenNext`: the POST asks emulate's Runtime API to answer with the next invocation (the following `next()`
   * takes it); a server that answers 202 instead leaves `next()` to ask as usual. A broken connection fails both.
   */
  postResponse(requestId: string, body: Buffer, { thenNext = false } = {}): Promise<void> {
    const path = `${RUNTIME_PATH.invocation}${encodeURIComponent(requestId)}/response`;
    if (!thenNext) return this.post(path, body, {});
    const answer = this.send(path, body, { [RUNTIME_HEADER.thenNext]: '1' });
    this.nextFromPost = answer.then((res) => (res.status === 200 ? { body: res.body, headers: res.headers } : undefined));
    // Its failure reaches the next `next()`; never an unhandled rejection of the function's process meanwhile.
    this.nextFromPost.catch(() => {});
    return answer.then(accepted);
  }

  /** Invoke errors carry no error-type header (the RIC's native client sends none): the type is in the body. */
  postError(requestId: string, errorJson: Buffer, xrayCause: string): Promise<void> {
    const headers: Record<string, string> = {};
    if (xrayCause && Buffer.byteLength(xrayCause) <= MAX_XRAY_CAUSE_BYTES) {
      headers[RUNTIME_HEADER.xrayErrorCause] = escapeNonAscii(xrayCause);
    }
    return this.post(`${RUNTIME_PATH.invocation}${encodeURIComponent(requestId)}/error`, errorJson, headers);
  }

  postInitError(error: ErrorBody): Promise<void> {
    return this.post(RUNTIME_PATH.initError, Buffer.from(JSON.stringify(error)), { [RUNTIME_HEADER.errorType]: error.errorType });
  }

  /**
   * Opens a streamed `/response` (ric.md §5): chunked body, error trailers declared up front. Node sends the
   * request head with the first write, so `Content-Type` can still change until then.
   */
  openResponseStream(requestId: string): ResponseStreamRequest {
    let req!: ClientRequest;
    const responseDone = new Promise<void>((resolve, reject) => {
      req = request(
        {
          hostname: this.hostname,
          port: this.port,
          method: 'POST',
          path: `${RUNTIME_PATH.invocation}${encodeURIComponent(requestId)}/response`,
          agent: this.agent,
          headers: {
            [RUNTIME_HEADER.responseMode]: STREAMING_MODE,
            Trailer: [RUNTIME_HEADER.errorType, RUNTIME_HEADER.errorBody],
            'Content-Type': 'application/octet-stream',
            'Transfer-Encoding': 'chunked',
          },
        },
        (res) => {
          readAll(res).then(() => resolve(), reject);
        },
      );
      req.on('error', reject);
    });
    // The handler may never await it; a failed stream must not become an unhandled rejection of the runtime.
    responseDone.catch(() => {});
    return { request: req, responseDone };
  }

  private send(path: string, body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    return this.connection.request('POST', path, { 'Content-Type': JSON_TYPE, ...headers }, body);
  }

  private async post(path: string, body: Buffer, headers: Record<string, string>): Promise<void> {
    accepted(await this.send(path, body, headers));
  }
}

/** A POST's answer: an error status (413 and the like) becomes a RuntimeApiStatusError. */
function accepted(res: HttpAnswer): void {
  if (res.status >= 300) throw new RuntimeApiStatusError(res.status, res.body.toString('utf8'));
}
