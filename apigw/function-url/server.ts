// One Function URL's listener: request → SigV4 check → CORS preflight → payload 2.0 event → the function (buffered or streamed) → HTTP response.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { newTraceId, randomRequestId, systemClock, type Clock, type IdSource } from '../../src/core/ids.js';
import { collectStream, isStreamed, type InvokeFailure, type InvokeResult, type InvokeStreamed, type StreamingInvoker } from '../../src/core/invoke.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { FunctionUrlSpec } from '../../src/core/model.js';
import { closeServer, formatHostPort, listen, readCapped } from '../../src/core/net.js';
import { drainStream } from '../../src/core/stream-shaping.js';
import { LIMITS } from '../../src/core/wire.js';
import type { RequestIdentity } from '../context.js';
import { headerLines, headerValue, type GatewayRequest, type HeaderLine } from '../request.js';
import type { GatewayResponse } from '../response.js';
import { sendResponse as send, sendStreamed } from '../send.js';
import { HEADER } from '../wire.js';
import { applyFunctionUrlCors, functionUrlPreflight } from './cors.js';
import { buildFunctionUrlEvent, type FunctionUrlSettings, type IamCaller } from './event.js';
import { verifySigV4, type LocalCredential } from './iam.js';
import { HTTP_INTEGRATION_CONTENT_TYPE, PreludeReader, functionUrlErrorResponse, readMetadata, responseFromFunctionUrl, type FunctionUrlProblem } from './response.js';

export interface FunctionUrlOptions {
  functionName: string;
  url: FunctionUrlSpec;
  invoker: StreamingInvoker;
  region: string;
  accountId: string;
  /** Who an `AWS_IAM` URL lets in (docs/function-urls.md, "Local credentials"). */
  credentials: readonly LocalCredential[];
  host?: string;
  /** 0: a free port. */
  port: number;
  logger?: Logger;
  clock?: Clock;
  ids?: IdSource;
}

export interface FunctionUrlServer {
  /** `http://host:port/`, with the trailing slash AWS's FunctionUrl has. */
  url: string;
  port: number;
  functionName: string;
  invokeMode: FunctionUrlSpec['invokeMode'];
  close(): Promise<void>;
}

/** The deterministic port range of Function URLs (docs/function-urls.md): 9100 + a hash of the name mod 800. */
export const FUNCTION_URL_PORT_BASE = 9100;
export const FUNCTION_URL_PORT_SPAN = 800;

/** The port a function's URL gets when none is given: the same every run, from its name. */
export function functionUrlPort(functionName: string, taken: ReadonlySet<number> = new Set()): number {
  const start = createHash('sha256').update(functionName).digest().readUInt32BE(0) % FUNCTION_URL_PORT_SPAN;
  for (let i = 0; i < FUNCTION_URL_PORT_SPAN; i++) {
    const port = FUNCTION_URL_PORT_BASE + ((start + i) % FUNCTION_URL_PORT_SPAN);
    if (!taken.has(port)) return port;
  }
  return 0;
}

/** The 32-character URL id (`<url-id>.lambda-url.<region>.on.aws`), stable per function and account. */
export function functionUrlId(functionName: string, accountId: string): string {
  const digest = createHash('sha256').update(`${accountId}:${functionName}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let id = '';
  for (let i = 0; i < 32; i++) id += alphabet[digest[i]! % 32];
  return id;
}

/** Starts one Function URL listener. */
export async function startFunctionUrl(options: FunctionUrlOptions): Promise<FunctionUrlServer> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'function-url', fn: options.functionName });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomRequestId;
  const settings: FunctionUrlSettings = { urlId: functionUrlId(options.functionName, options.accountId), region: options.region, accountId: options.accountId };
  const host = options.host ?? '127.0.0.1';
  let port = 0;

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      logger.error({ err }, 'the Function URL failed to answer a request');
      if (!res.headersSent && !res.destroyed) send(res, functionUrlErrorResponse('function-error'), logger);
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const timeEpochMs = clock.now();
    const requestId = ids();
    const lines = headerLines(req.rawHeaders);
    const clientTrace = headerValue(lines, HEADER.traceId);
    const identity: RequestIdentity = {
      requestId,
      extendedRequestId: requestId,
      traceId: clientTrace && clientTrace.includes('Root=') ? clientTrace : newTraceId(timeEpochMs),
      timeEpochMs,
    };
    const finish = (status: number, note?: string) =>
      logger.info({ method, url, status, requestId, durationMs: Math.round(performance.now() - started), ...(note ? { note } : {}) }, `${method} ${url} ${status}`);

    // The request payload limit is Lambda's synchronous 6 MB (AWS Lambda quotas); over it Function URLs answer 413.
    const read = await readCapped(req, LIMITS.syncRequestBytes);
    if (read.body === undefined) {
      send(res, withRequestId(functionUrlErrorResponse('request-too-large'), requestId), logger);
      finish(413, `request body of ${read.size} bytes is over ${LIMITS.syncRequestBytes}`);
      return;
    }
    const request: GatewayRequest = {
      method,
      url,
      rawHeaders: req.rawHeaders,
      body: read.body,
      sourceIp: req.socket.remoteAddress ?? '',
      httpVersion: req.httpVersion,
      scheme: 'http',
      localPort: req.socket.localPort ?? port,
    };

    // AWS_IAM: Lambda recomputes the SigV4 signature and runs the function only if it matches (urls-invocation.html, "Basics").
    let iam: IamCaller | undefined;
    if (options.url.authType === 'AWS_IAM') {
      const verdict = await verifySigV4(request, { credentials: options.credentials, region: options.region, accountId: options.accountId, now: clock.now() });
      if (!verdict.ok) {
        send(res, withRequestId(functionUrlErrorResponse('forbidden'), requestId), logger);
        finish(403, verdict.reason);
        return;
      }
      iam = verdict.caller;
    }

    const preflight = functionUrlPreflight(options.url.cors, method, lines);
    if (preflight) {
      send(res, withRequestId(preflight, requestId), logger);
      finish(preflight.statusCode, 'CORS preflight');
      return;
    }

    const event = buildFunctionUrlEvent(request, settings, identity, iam);
    const invokeRequest = { payload: Buffer.from(JSON.stringify(event)), requestId, traceId: identity.traceId };
    const result = options.url.invokeMode === 'RESPONSE_STREAM' ? await options.invoker.invokeStream(invokeRequest) : await collectStream(await options.invoker.invokeStream(invokeRequest));
    if (isStreamed(result)) {
      const status = await pipeStream(result, res, lines, requestId);
      finish(status);
      return;
    }
    const response = bufferedResponse(result, lines);
    send(res, withRequestId(response, requestId), logger);
    finish(response.statusCode, result.ok ? undefined : `${result.kind}: ${result.error.errorType}`);
  }

  /** A buffered result (or a RESPONSE_STREAM function that did not stream) → one response. */
  function bufferedResponse(result: InvokeResult, lines: readonly HeaderLine[]): GatewayResponse {
    if (!result.ok) return functionUrlErrorResponse(problemOf(result.kind));
    if (result.contentType === HTTP_INTEGRATION_CONTENT_TYPE) {
      const reader = new PreludeReader(result.payload.byteLength + 1);
      const step = reader.feed(result.payload);
      const done = step.state === 'need-more' ? reader.end() : step;
      if (done.state !== 'done') {
        logger.warn({ detail: done.state === 'invalid' ? done.detail : 'incomplete' }, 'the function answered a malformed HTTP prelude');
        return functionUrlErrorResponse('bad-result');
      }
      return applyFunctionUrlCors(options.url.cors, lines, { statusCode: done.prelude.statusCode, headers: done.prelude.headers, body: Buffer.from(done.rest) });
    }
    const parsed = responseFromFunctionUrl(result.payload);
    if (!parsed.ok) {
      logger.warn({ detail: parsed.detail }, 'the function answered a result a Function URL cannot map');
      return functionUrlErrorResponse('bad-result');
    }
    return applyFunctionUrlCors(options.url.cors, lines, parsed.response);
  }

  /**
   * RESPONSE_STREAM: the prelude (when the function sent one) gives status, headers and cookies;
   * the body goes on chunk by chunk with chunked transfer. An error mid-stream cuts the connection,
   * as the client of a real Function URL sees it: the status was already sent.
   */
  async function pipeStream(result: InvokeStreamed, res: ServerResponse, lines: readonly HeaderLine[], requestId: string): Promise<number> {
    let head: GatewayResponse;
    let body: AsyncIterable<Buffer> = result.body;
    if (result.contentType === HTTP_INTEGRATION_CONTENT_TYPE) {
      const read = await readMetadata(result.body, new PreludeReader());
      if (read.step.state !== 'done') {
        logger.warn({ detail: read.step.state === 'invalid' ? read.step.detail : 'incomplete' }, 'the function streamed a malformed HTTP prelude');
        await drainStream(read.rest);
        send(res, withRequestId(functionUrlErrorResponse('bad-result'), requestId), logger);
        return 502;
      }
      head = { statusCode: read.step.prelude.statusCode, headers: read.step.prelude.headers, body: Buffer.alloc(0) };
      body = read.rest;
    } else {
      head = { statusCode: 200, headers: [[HEADER.contentType, result.contentType ?? 'application/octet-stream']], body: Buffer.alloc(0) };
    }
    const decorated = withRequestId(applyFunctionUrlCors(options.url.cors, lines, head), requestId);
    await sendStreamed(res, decorated, body, result.outcome, logger);
    return decorated.statusCode;
  }

  port = await listen(server, host, options.port);
  const base = `http://${formatHostPort(host, port)}/`;
  logger.debug({ url: base, invokeMode: options.url.invokeMode }, 'Function URL listening');
  let closing: Promise<void> | undefined;
  return {
    url: base,
    port,
    functionName: options.functionName,
    invokeMode: options.url.invokeMode,
    close: () => (closing ??= closeServer(server)),
  };
}


function problemOf(kind: InvokeFailure['kind']): FunctionUrlProblem {
  switch (kind) {
    case 'throttled':
      return 'throttled';
    case 'request-too-large':
      return 'request-too-large';
    case 'timeout':
      return 'timeout';
    case 'response-too-large':
      return 'response-too-large';
    default:
      return 'function-error';
  }
}

/** Function URLs name each request in `x-amzn-RequestId` (AWS "Invoking Lambda function URLs", response headers). */
function withRequestId(response: GatewayResponse, requestId: string): GatewayResponse {
  return { ...response, headers: [...response.headers, ['x-amzn-RequestId', requestId]] };
}


/** The lines start-api prints: `FunctionUrl  http://127.0.0.1:PORT/  -> Name (BUFFERED|RESPONSE_STREAM)`, one per URL, or ''. */
export function formatFunctionUrls(urls: Readonly<Record<string, { url: string; invokeMode: string }>>): string {
  const entries = Object.entries(urls);
  if (entries.length === 0) return '';
  const width = Math.max(...entries.map(([, u]) => u.url.length));
  return `${entries.map(([name, u]) => `FunctionUrl  ${u.url.padEnd(width)}  -> ${name} (${u.invokeMode})`).join('\n')}\n`;
}
