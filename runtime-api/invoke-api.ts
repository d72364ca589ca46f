// The Invoke API clients call: RIE's single fixed endpoint (`emulate rie`) or the Lambda Invoke API for SDKs (`start-lambda`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isEmulatorError } from '../src/core/errors.js';
import { isStreamed, type FailureKind, type InvokeFailure, type InvokeRequest, type InvokeResult, type Invoker, type InvokeStreamResult, type StreamingInvoker } from '../src/core/invoke.js';
import type { Logger } from '../src/core/logger.js';
import { closeServer, formatHostPort, listen, readCapped, writeOrWait } from '../src/core/net.js';
import { INVOKE_HEADER, LAMBDA_INVOKE_PATH, LAMBDA_STREAM_PATH, LIMITS, RIE_INVOKE_PATH } from '../src/core/wire.js';
import { drainStream } from '../src/core/stream-shaping.js';
import { encodeInvokeComplete, encodePayloadChunk, EVENT_STREAM } from './event-stream.js';

/** The function a request names, and the version that answers for it. */
export interface InvokeTarget {
  invoker: Invoker;
  version: string;
}

/** Finds the function a request names (name, ARN or partial ARN, plus `?Qualifier=`), or says why not. */
export type ResolveTarget = (name: string, qualifier: string | undefined) => InvokeTarget | ServiceError;

export interface InvokeApiOptions {
  host: string;
  port: number;
  logger: Logger;
  /**
   * `rie`: RIE's one fixed path, any method invokes, Go's 404 elsewhere, sniffed Content-Type, no JSON check.
   * `lambda`: the Lambda Invoke API as AWS SDKs call it.
   */
  flavor: 'rie' | 'lambda';
  resolve: ResolveTarget;
}

export interface InvokeApi {
  /** `host:port` the endpoint listens on. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A Lambda service error as the Invoke API sends it: status, `x-amzn-ErrorType`, `{Type, message}`. */
export interface ServiceError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

const GO_NOT_FOUND = Buffer.from('404 page not found\n');
const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RIE's responses carry Go's sniffed Content-Type; this is the subset of `http.DetectContentType` that matters here. */
export function sniffContentType(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const head = body.subarray(0, 512);
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x0c)) i++;
  const text = head.subarray(i).toString('latin1');
  if (/^<(!DOCTYPE HTML|HTML|HEAD|SCRIPT|IFRAME|H1|DIV|FONT|TABLE|A|STYLE|TITLE|B|BODY|BR|P|!--)[ >]/i.test(text)) {
    return 'text/html; charset=utf-8';
  }
  if (text.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head[0] === 0x89 && head.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'application/x-gzip';
  for (const byte of head) {
    if (byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f)) {
      return 'application/octet-stream';
    }
  }
  return 'text/plain; charset=utf-8';
}

function sendServiceError(res: ServerResponse, error: ServiceError): void {
  const body = Buffer.from(JSON.stringify({ Type: error.status >= 500 ? 'Service' : 'User', message: error.message, ...error.extra }));
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    [INVOKE_HEADER.errorType]: error.code,
    ...error.headers,
  });
  res.end(body);
}

/**
 * The results both front ends answer with a service error instead of a 200: Lambda refused to run
 * the function. Every other failure is the function's own and comes back as a 200 with its error body.
 */
const SERVICE_ERRORS: Partial<Record<FailureKind, (result: InvokeFailure) => ServiceError>> = {
  // Concurrency used up: 429 with its Reason; SDKs read Retry-After and retry (invoke-api.md §5, §6).
  throttled: (result) => ({
    status: 429,
    code: 'TooManyRequestsException',
    message: result.error.errorMessage,
    headers: { 'Retry-After': '1' },
    extra: { Reason: result.reason },
  }),
  'request-too-large': () => tooLarge(),
};

/** The Invoke API checks that a payload is JSON before invoking (RIE does not). */
function checkJson(body: Buffer): ServiceError | undefined {
  try {
    JSON.parse(body.toString('utf8'));
    return undefined;
  } catch (err) {
    return {
      status: 400,
      code: 'InvalidRequestContentException',
      message: `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
    };
  }
}

const tooLarge = (): ServiceError => ({
  status: 413,
  code: 'RequestEntityTooLargeException',
  message: `Request must be smaller than ${LIMITS.syncRequestBytes} bytes for the InvokeFunction operation`,
});

const tooLargeForEvent = (size: number): ServiceError => ({
  status: 413,
  code: 'RequestEntityTooLargeException',
  message: `${size} byte payload is too large for the Event invocation type (limit ${LIMITS.asyncRequestBytes} bytes)`,
});

function validation(field: string, value: string, constraint: string): ServiceError {
  return {
    status: 400,
    code: 'InvalidParameterValueException',
    message: `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  };
}

/** Turns the invoke headers into an InvokeRequest, or a Lambda service error. */
function parseHeaders(req: IncomingMessage): { request: Omit<InvokeRequest, 'payload'>; type: string; tail: boolean } | ServiceError {
  const type = (req.headers[INVOKE_HEADER.invocationType] as string | undefined) ?? 'RequestResponse';
  if (!INVOCATION_TYPES.has(type)) {
    return validation('invocationType', type, 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]');
  }
  const logType = (req.headers[INVOKE_HEADER.logType] as string | undefined) ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') {
    return validation('logType', logType, 'Member must satisfy enum value set: [Tail, None]');
  }
  const request: Omit<InvokeRequest, 'payload'> = {};
  const context = req.headers[INVOKE_HEADER.clientContext] as string | undefined;
  if (context) {
    if (!BASE64.test(context)) {
      return { status: 400, code: 'InvalidRequestContentException', message: 'Client context must be a valid Base64-encoded JSON object.' };
    }
    request.clientContext = Buffer.from(context, 'base64').toString('utf8');
  }
  const trace = req.headers[INVOKE_HEADER.traceId] as string | undefined;
  if (trace) request.traceId = trace;
  const tenant = req.headers[INVOKE_HEADER.tenantId] as string | undefined;
  if (tenant) request.tenantId = tenant;
  return { request, type, tail: logType === 'Tail' };
}

/** The last 4 KB of an invocation's log, base64, as `X-Amz-Log-Result` carries it. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log);
  return bytes.subarray(Math.max(0, bytes.length - LIMITS.logTailBytes)).toString('base64');
}

/** What tells the two front ends apart; everything else (headers, limits, results) they share. */
interface FrontEnd {
  component: string;
  /** The function a request path names, or undefined when the path is not an invoke path. */
  functionNameOf(path: string): string | undefined;
  notFound(res: ServerResponse): void;
  /** A request refused before its body is read (wrong method), or undefined. */
  refuse(method: string, path: string): ServiceError | undefined;
  /** The payload the function gets from a request body, or the error for a body the front end refuses. */
  payloadOf(body: Buffer): Buffer | ServiceError;
  /** The Content-Type of an answer carrying these bytes (none when undefined). */
  contentTypeOf(payload: Buffer): string | undefined;
}

/** The Lambda Invoke API as AWS SDKs call it (`start-lambda`). */
const LAMBDA_API: FrontEnd = {
  component: 'lambda-api',
  functionNameOf(path) {
    const match = LAMBDA_INVOKE_PATH.exec(path) ?? LAMBDA_STREAM_PATH.exec(path);
    if (!match) return undefined;
    try {
      return decodeURIComponent(match[1]!);
    } catch {
      return undefined;
    }
  },
  notFound: (res) => sendServiceError(res, { status: 404, code: 'UnknownOperationException', message: 'Unknown operation' }),
  refuse: (method, path) =>
    method === 'POST' ? undefined : { status: 405, code: 'MethodNotAllowedException', message: `${method} is not allowed on ${path}` },
  // An invocation without a payload gets the empty JSON object, as in the console and the CLI.
  payloadOf: (body) => (body.length === 0 ? Buffer.from('{}') : (checkJson(body) ?? body)),
  contentTypeOf: () => 'application/json',
};

/** RIE's one fixed path (`emulate rie`): any method invokes, Go's 404 elsewhere, no JSON check, sniffed Content-Type. */
const RIE_ENDPOINT: FrontEnd = {
  component: 'invoke',
  functionNameOf: (path) => (path === RIE_INVOKE_PATH ? 'function' : undefined),
  notFound(res) {
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': GO_NOT_FOUND.length,
    });
    res.end(GO_NOT_FOUND);
  },
  refuse: () => undefined,
  payloadOf: (body) => body,
  contentTypeOf: sniffContentType,
};

const FRONT_ENDS: Record<InvokeApiOptions['flavor'], FrontEnd> = { lambda: LAMBDA_API, rie: RIE_ENDPOINT };

function sendResult(res: ServerResponse, frontEnd: FrontEnd, result: InvokeResult, tail: boolean, version: string): void {
  const refused = result.ok ? undefined : SERVICE_ERRORS[result.kind]?.(result);
  if (refused) return sendServiceError(res, refused);
  const headers: Record<string, string | number> = {
    'Content-Length': result.payload.length,
    [INVOKE_HEADER.requestId]: result.requestId,
    [INVOKE_HEADER.executedVersion]: version,
  };
  const contentType = frontEnd.contentTypeOf(result.payload);
  if (contentType) headers['Content-Type'] = contentType;
  // Both flag every failed invocation, as Lambda. aws-lambda-rie's classic path does not (README, differences row 3;
  // checked against a build of its source, bench/rie-bin/build.sh); its AWS_LAMBDA_MAX_CONCURRENCY path does.
  if (!result.ok) headers[INVOKE_HEADER.functionError] = 'Unhandled';
  if (tail) headers[INVOKE_HEADER.logResult] = logTail(result.log);
  res.writeHead(200, headers);
  res.end(result.payload);
}

/** Writes, and drops the rest once the client has gone (the function goes on, as in Lambda). */
async function pump(res: ServerResponse, body: AsyncIterable<Buffer>, frame: (chunk: Buffer) => Uint8Array, log: Logger): Promise<boolean> {
  const iterator = body[Symbol.asyncIterator]();
  let gone = false;
  res.once('close', () => {
    if (!res.writableFinished) gone = true;
  });
  for (;;) {
    const next = await iterator.next();
    if (next.done) return !gone;
    if (gone) {
      log.info('the client went away mid-stream; the function goes on and the rest of its output is dropped');
      await drainStream({ [Symbol.asyncIterator]: () => iterator });
      return false;
    }
    if (next.value.byteLength === 0) continue;
    await writeOrWait(res, frame(next.value));
  }
}

/**
 * InvokeWithResponseStream's answer: event-stream frames, PayloadChunk per chunk, then InvokeComplete.
 * A function that does not stream still answers this way, its whole response as one PayloadChunk: Lambda
 * invokes every RESPONSE_STREAM Function URL through InvokeWithResponseStream, buffered handlers included
 * (Developer Guide, config-rs-invoke-furls.html); the one-chunk framing is *(reported)*, not documented.
 */
async function sendEventStream(res: ServerResponse, result: InvokeStreamResult, tail: boolean, version: string, log: Logger): Promise<void> {
  if (!isStreamed(result)) {
    const refused = result.ok ? undefined : SERVICE_ERRORS[result.kind]?.(result);
    if (refused) return sendServiceError(res, refused);
  }
  res.writeHead(200, {
    'Content-Type': EVENT_STREAM.contentType,
    [INVOKE_HEADER.requestId]: result.requestId,
    [INVOKE_HEADER.executedVersion]: version,
  });
  let outcome: InvokeResult;
  if (isStreamed(result)) {
    const open = await pump(res, result.body, encodePayloadChunk, log);
    outcome = await result.outcome;
    if (!open) return;
  } else {
    outcome = result;
    if (result.ok && result.payload.length > 0) res.write(encodePayloadChunk(result.payload));
  }
  res.end(
    encodeInvokeComplete({
      ...(outcome.ok ? {} : { ErrorCode: outcome.kind === 'timeout' ? 'Sandbox.Timedout' : 'Unhandled', ErrorDetails: outcome.payload.toString('utf8') }),
      ...(tail ? { LogResult: logTail(outcome.log) } : {}),
    }),
  );
}

/** `emulate rie` when the function streams: the body as it comes, chunked, as newer RIE builds send it. */
async function sendRieStream(res: ServerResponse, result: Extract<InvokeStreamResult, { streamed: true }>, version: string, log: Logger): Promise<void> {
  res.writeHead(200, {
    ...(result.contentType ? { 'Content-Type': result.contentType } : {}),
    [INVOKE_HEADER.requestId]: result.requestId,
    [INVOKE_HEADER.executedVersion]: version,
  });
  const open = await pump(res, result.body, (chunk) => chunk, log);
  const outcome = await result.outcome;
  if (!open) return;
  // A failure mid-stream ends the body early and abruptly, so a client can tell it from a complete one.
  if (!outcome.ok) return void res.destroy();
  res.end();
}

/** Starts the Invoke API as the given front end. */
export async function startInvokeApi(options: InvokeApiOptions): Promise<InvokeApi> {
  const frontEnd = FRONT_ENDS[options.flavor];
  const log = options.logger.child({ component: frontEnd.component });

  const handle = async (req: IncomingMessage, res: ServerResponse, target: InvokeTarget, streaming: boolean): Promise<void> => {
    const parsed = parseHeaders(req);
    if ('status' in parsed) {
      req.resume();
      return sendServiceError(res, parsed);
    }
    const limit = parsed.type === 'Event' ? LIMITS.asyncRequestBytes : LIMITS.syncRequestBytes;
    const read = await readCapped(req, limit);
    if (!read.body) {
      log.warn({ bytes: read.size, limit, over: read.size - limit }, 'request payload is over the limit; the function was not invoked');
      return sendServiceError(res, parsed.type === 'Event' ? tooLargeForEvent(read.size) : tooLarge());
    }
    const body = frontEnd.payloadOf(read.body);
    if (!Buffer.isBuffer(body)) return sendServiceError(res, body);
    // InvokeWithResponseStream takes RequestResponse or DryRun only (AWS Lambda API Reference, InvokeWithResponseStream: InvocationType).
    if (streaming && parsed.type === 'Event') return sendServiceError(res, validation('invocationType', 'Event', 'Member must satisfy enum value set: [RequestResponse, DryRun]'));
    if (parsed.type === 'DryRun') {
      res.writeHead(204, { [INVOKE_HEADER.executedVersion]: target.version });
      return void res.end();
    }
    const request: InvokeRequest = { ...parsed.request, payload: body };
    if (parsed.type === 'Event') {
      res.writeHead(202, { 'Content-Length': 0 });
      res.end();
      target.invoker.invoke(request).then(
        (result) => {
          if (!result.ok && result.kind === 'throttled') log.warn({ reason: result.reason }, 'asynchronous invocation throttled');
        },
        (err: unknown) => log.error({ err: String(err) }, 'asynchronous invocation failed'),
      );
      return;
    }
    const streamer = 'invokeStream' in target.invoker ? (target.invoker as StreamingInvoker) : undefined;
    if (options.flavor === 'lambda' && streaming) {
      if (!streamer) return sendServiceError(res, { status: 500, code: 'ServiceException', message: 'this function cannot stream' });
      return sendEventStream(res, await streamer.invokeStream(request), parsed.tail, target.version, log);
    }
    if (options.flavor === 'rie' && streamer) {
      const result = await streamer.invokeStream(request);
      if (isStreamed(result)) return sendRieStream(res, result, target.version, log);
      return sendResult(res, frontEnd, result, parsed.tail, target.version);
    }
    const result = await target.invoker.invoke(request);
    if (!result.ok && result.kind === 'throttled') log.warn({ reason: result.reason }, 'invocation throttled');
    sendResult(res, frontEnd, result, parsed.tail, target.version);
  };

  const server: Server = createServer({ noDelay: true }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const name = frontEnd.functionNameOf(path);
    if (name === undefined) {
      req.resume();
      return frontEnd.notFound(res);
    }
    const refused = frontEnd.refuse(req.method ?? 'GET', path);
    if (refused) {
      req.resume();
      return sendServiceError(res, refused);
    }
    const qualifier = q === -1 ? undefined : (new URLSearchParams(url.slice(q + 1)).get('Qualifier') ?? undefined);
    const target = options.resolve(name, qualifier);
    if ('status' in target) {
      req.resume();
      return sendServiceError(res, target);
    }
    handle(req, res, target, options.flavor === 'lambda' && LAMBDA_STREAM_PATH.test(path)).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      log.error({ err: isEmulatorError(err) ? err.message : String(err) }, 'invocation failed inside the emulator');
      sendServiceError(res, { status: 500, code: 'ServiceException', message: isEmulatorError(err) ? err.message : 'Internal error' });
    });
  });
  // An oversized body announced with `Expect: 100-continue` is refused before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > LIMITS.syncRequestBytes) {
      log.warn({ bytes: length, limit: LIMITS.syncRequestBytes, over: length - LIMITS.syncRequestBytes }, 'request payload is over the limit; the function was not invoked');
      res.setHeader('Connection', 'close');
      return sendServiceError(res, tooLarge());
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;

  const port = await listen(server, options.host, options.port);
  let closing: Promise<void> | undefined;
  return {
    address: formatHostPort(options.host, port),
    port,
    close: () => (closing ??= closeServer(server)),
  };
}
