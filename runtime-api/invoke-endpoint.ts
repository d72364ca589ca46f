// RIE's client-facing invoke endpoint (`/2015-03-31/functions/function/invocations`), with Lambda's limits, headers and errors.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isEmulatorError } from '../src/core/errors.js';
import type { InvokeRequest, InvokeResult, Invoker } from '../src/core/invoke.js';
import type { Logger } from '../src/core/logger.js';
import { closeServer, formatHostPort, listen } from '../src/core/net.js';
import { INVOKE_HEADER, LIMITS, RIE_INVOKE_PATH } from '../src/core/wire.js';

export interface InvokeEndpointOptions {
  host: string;
  port: number;
  invoker: Invoker;
  logger: Logger;
  version?: string;
}

export interface InvokeEndpoint {
  /** `host:port` the endpoint listens on. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A Lambda service error as the Invoke API sends it: status, `x-amzn-ErrorType`, `{Type, message}`. */
interface ServiceError {
  status: number;
  code: string;
  message: string;
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
  const body = Buffer.from(JSON.stringify({ Type: 'User', message: error.message }));
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    [INVOKE_HEADER.errorType]: error.code,
  });
  res.end(body);
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

/** Reads a body up to `limit` bytes; past it, stops buffering (the rest is drained, never kept) and reports the size. */
async function readLimited(req: IncomingMessage, limit: number): Promise<{ body?: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Answering before the upload ends would reset the client mid-write, so the excess is read and dropped.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? { size } : { body: Buffer.concat(chunks, size), size };
}

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

function sendResult(res: ServerResponse, result: InvokeResult, tail: boolean, version: string): void {
  const headers: Record<string, string | number> = {
    'Content-Length': result.payload.length,
    [INVOKE_HEADER.requestId]: result.requestId,
    [INVOKE_HEADER.executedVersion]: version,
  };
  const contentType = sniffContentType(result.payload);
  if (contentType) headers['Content-Type'] = contentType;
  // RIE omits X-Amz-Function-Error; the Lambda Invoke API sets it for every failed invocation.
  if (!result.ok) headers[INVOKE_HEADER.functionError] = 'Unhandled';
  if (tail) headers[INVOKE_HEADER.logResult] = logTail(result.log);
  res.writeHead(200, headers);
  res.end(result.payload);
}

/** Starts the invoke endpoint; any method on the exact path invokes (RIE), other paths get Go's 404. */
export async function startInvokeEndpoint(options: InvokeEndpointOptions): Promise<InvokeEndpoint> {
  const { invoker, logger } = options;
  const version = options.version ?? '$LATEST';
  const log = logger.child({ component: 'invoke' });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = parseHeaders(req);
    if ('status' in parsed) {
      req.resume();
      return sendServiceError(res, parsed);
    }
    const limit = parsed.type === 'Event' ? LIMITS.asyncRequestBytes : LIMITS.syncRequestBytes;
    const { body, size } = await readLimited(req, limit);
    if (!body) {
      log.warn({ bytes: size, limit, over: size - limit }, 'request payload is over the limit; the function was not invoked');
      return sendServiceError(res, parsed.type === 'Event' ? tooLargeForEvent(size) : tooLarge());
    }
    if (parsed.type === 'DryRun') {
      res.writeHead(204, { [INVOKE_HEADER.executedVersion]: version });
      return void res.end();
    }
    const request: InvokeRequest = { ...parsed.request, payload: body };
    if (parsed.type === 'Event') {
      res.writeHead(202, { 'Content-Length': 0 });
      res.end();
      invoker.invoke(request).catch((err: unknown) => log.error({ err: String(err) }, 'asynchronous invocation failed'));
      return;
    }
    const result = await invoker.invoke(request);
    sendResult(res, result, parsed.tail, version);
  };

  const server: Server = createServer({ noDelay: true }, (req, res) => {
    const q = req.url?.indexOf('?') ?? -1;
    const path = q === -1 ? req.url : req.url!.slice(0, q);
    if (path !== RIE_INVOKE_PATH) {
      req.resume();
      res.writeHead(404, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Content-Length': GO_NOT_FOUND.length,
      });
      return void res.end(GO_NOT_FOUND);
    }
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (isEmulatorError(err) && err.code === 'EMU_POOL_THROTTLED') {
        return sendServiceError(res, { status: 429, code: 'TooManyRequestsException', message: 'Rate Exceeded.' });
      }
      log.error({ err: isEmulatorError(err) ? err.message : String(err) }, 'invocation failed inside the emulator');
      sendServiceError(res, { status: 500, code: 'ServiceException', message: isEmulatorError(err) ? err.message : 'Internal error' });
    });
  });
  // An oversized body announced with `Expect: 100-continue` is refused before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > LIMITS.syncRequestBytes && req.url?.startsWith(RIE_INVOKE_PATH)) {
      log.warn({ bytes: length, limit: LIMITS.syncRequestBytes }, 'request payload is over the limit; the function was not invoked');
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
