// The Runtime API one execution environment's runtime talks to: its own listener, RIE's state machine and wire answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { deferred, type Deferred } from '../src/core/async.js';
import { ExtensionsApi, type FunctionInfo } from './extensions.js';
import { TelemetryApi } from './telemetry.js';
import type { Logger } from '../src/core/logger.js';
import { closeServer, formatHostPort, listen, readCapped, watchCloseOnce } from '../src/core/net.js';
import {
  ERROR_CAUSE_CONTENT_TYPE,
  LIMITS,
  RUNTIME_HEADER,
  RUNTIME_PATH,
  STREAMING_MODE,
} from '../src/core/wire.js';

/** One invocation as the runtime receives it from `/next`. */
export interface Invocation {
  requestId: string;
  payload: Buffer;
  deadlineMs: number;
  functionArn: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
  /** The caller takes a streamed response as it comes; otherwise a streamed one is buffered (capped at 6 MB). */
  acceptStream?: boolean;
}

/** What the runtime made of an invocation. */
export type RuntimeOutcome =
  | { kind: 'response'; body: Buffer; contentType?: string }
  /** A streamed response under way: its body as it arrives, and how it ends (`response` with no bytes, or `error` from the trailers). */
  | { kind: 'stream'; body: Readable; end: Promise<RuntimeOutcome>; contentType?: string }
  | { kind: 'error'; body: Buffer; errorType: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'bad-response-mode'; mode: string };

export interface InitFailure {
  errorType: string;
  body: Buffer;
}

/** RIE's runtime states; their names appear in `InvalidStateTransition` messages. */
type State =
  | 'Started'
  | 'InitError'
  | 'Ready'
  | 'Running'
  | 'InvocationResponse'
  | 'InvocationErrorResponse'
  | 'RuntimeResponseSentState';

interface Current {
  invocation: Invocation;
  outcome: Deferred<RuntimeOutcome>;
  done: Deferred<void>;
}

/** A handle on one running invocation: its outcome, and when the runtime is back at `/next`. */
export interface RunningInvocation {
  outcome: Promise<RuntimeOutcome>;
  done: Promise<void>;
}

const JSON_TYPE = 'application/json';
const EMPTY = Buffer.alloc(0);
const ACCEPTED = Buffer.from('{"status":"OK"}\n');
const NOT_FOUND = Buffer.from('404 page not found\n');
const RUNTIME_MAX_HEADER_BYTES = 1_048_576;
const ERROR_TYPE_PATTERN = /^(Runtime|Function)\.[A-Z][A-Za-z]*$/;

const apiError = (errorMessage: string, errorType: string) =>
  Buffer.from(`${JSON.stringify({ errorMessage, errorType })}\n`);

const transitionError = (from: State, to: string) =>
  apiError(`State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`, 'InvalidStateTransition');

/** Keeps a valid `Runtime.X`/`Function.X` type; anything else becomes `Function.Unknown` or `Runtime.Unknown` (RIE). */
export function sanitizeErrorType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (ERROR_TYPE_PATTERN.test(value)) return value;
  return value.startsWith('Function.') ? 'Function.Unknown' : 'Runtime.Unknown';
}

function send(res: ServerResponse, status: number, body?: Buffer, contentType = JSON_TYPE): void {
  if (res.headersSent || res.destroyed) return;
  if (!body) {
    res.writeHead(status, { 'Content-Length': 0 });
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

/** Re-serialises an error-cause body as RIE does: errorMessage, errorType, stackTrace; `errorCause` dropped. */
function fromErrorCause(body: Buffer): Buffer {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const out: Record<string, unknown> = { errorMessage: parsed.errorMessage, errorType: parsed.errorType };
    if (parsed.stackTrace !== undefined) out.stackTrace = parsed.stackTrace;
    return Buffer.from(JSON.stringify(out));
  } catch {
    return Buffer.from('"Invalid error body"');
  }
}

export interface RuntimeApiOptions {
  host?: string;
  port?: number;
  logger: Logger;
  /** What the Extensions API's register answer tells extensions about the function. */
  functionInfo?: () => FunctionInfo;
}

/**
 * The Runtime API of one execution environment. The environment drives it: `reset()` for each new
 * runtime process, `ready` for the end of init, `run()` to hand over an invocation.
 */
export class RuntimeApiServer {
  private readonly server: Server;
  private readonly logger: Logger;
  private state: State = 'Started';
  /** The invocation the runtime is working on (handed over by `/next`). */
  private current: Current | undefined;
  /** An invocation waiting for the runtime's next `/next`. */
  private pending: Current | undefined;
  private heldNext: ServerResponse | undefined;
  /** A `/next` pipelined behind the answer still being read: served once that answer is in. */
  private nextAfterPost: ServerResponse | undefined;
  /**
   * The 202 for an answer with a `/next` pipelined behind it, held until that `/next` is answered:
   * the runtime is not waiting for it, and the two answers then reach it together.
   */
  private heldAccept: ServerResponse | undefined;
  /** Connections whose close already clears a held /next on them (one listener each, not one per /next). */
  private readonly watchedSockets = new WeakSet<Socket>();
  private readyDeferred = deferred<void>();
  private initFailedDeferred = deferred<InitFailure>();
  private closed = false;
  /** `host:port` as runtimes get it in `AWS_LAMBDA_RUNTIME_API`. */
  address = '';
  /** The Extensions API on the same listener (extensions use the same AWS_LAMBDA_RUNTIME_API). */
  readonly extensions: ExtensionsApi;
  /** The Telemetry API and the Logs API on the same listener, for registered extensions. */
  readonly telemetry: TelemetryApi;

  private constructor(logger: Logger, functionInfo?: () => FunctionInfo) {
    this.logger = logger;
    this.extensions = new ExtensionsApi(
      logger,
      functionInfo ?? (() => ({ functionName: '', functionVersion: '$LATEST', handler: '' })),
      (name, events) => this.telemetry.platform({ type: 'platform.extension', record: { name, state: 'Ready', events } }),
    );
    this.telemetry = new TelemetryApi(logger, (id) => this.extensions.nameOf(id));
    // The Node RIC puts the whole error (message and stack) into the X-Ray cause header: allow large headers.
    this.server = createServer({ noDelay: true, maxHeaderSize: RUNTIME_MAX_HEADER_BYTES }, (req, res) => this.route(req, res));
    // One runtime per listener: idle keep-alive sockets stay open for as long as it lives.
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  /** Opens a listener (127.0.0.1, port 0 unless told otherwise). */
  static async listen(options: RuntimeApiOptions): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(options.logger, options.functionInfo);
    const host = options.host ?? '127.0.0.1';
    api.address = formatHostPort(host, await listen(api.server, host, options.port ?? 0));
    return api;
  }

  /** Resolves when the runtime first calls `/next` after a reset: init is done. */
  get ready(): Promise<void> {
    return this.readyDeferred.promise;
  }

  /** Resolves when the runtime posts `/init/error` after a reset. */
  get initFailed(): Promise<InitFailure> {
    return this.initFailedDeferred.promise;
  }

  /** Forgets the previous runtime process: back to `Started`, held connections dropped. */
  reset(): void {
    this.state = 'Started';
    this.extensions.reset();
    this.telemetry.reset();
    this.readyDeferred = deferred<void>();
    this.initFailedDeferred = deferred<InitFailure>();
    this.heldNext?.destroy();
    this.heldNext = undefined;
    this.nextAfterPost?.destroy();
    this.nextAfterPost = undefined;
    this.releaseAccept();
    this.current = undefined;
    this.pending = undefined;
  }

  /** Hands an invocation to the runtime (now, or when it next calls `/next`). */
  run(invocation: Invocation): RunningInvocation {
    const pending: Current = { invocation, outcome: deferred(), done: deferred() };
    this.pending = pending;
    if (this.heldNext && this.state === 'Ready') {
      const res = this.heldNext;
      this.heldNext = undefined;
      this.deliver(res, pending);
    }
    return { outcome: pending.outcome.promise, done: pending.done.promise };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseAccept();
    this.heldNext?.destroy();
    this.heldNext = undefined;
    await closeServer(this.server);
  }

  private deliver(res: ServerResponse, current: Current): void {
    this.releaseAccept();
    const inv = current.invocation;
    this.current = current;
    if (this.pending === current) this.pending = undefined;
    this.state = 'Running';
    const headers: Record<string, string | number> = {
      'Content-Type': JSON_TYPE,
      'Content-Length': inv.payload.length,
      [RUNTIME_HEADER.requestId]: inv.requestId,
      [RUNTIME_HEADER.deadlineMs]: inv.deadlineMs,
      [RUNTIME_HEADER.functionArn]: inv.functionArn,
    };
    if (inv.traceId) headers[RUNTIME_HEADER.traceId] = inv.traceId;
    if (inv.clientContext) headers[RUNTIME_HEADER.clientContext] = inv.clientContext;
    if (inv.cognitoIdentity) headers[RUNTIME_HEADER.cognitoIdentity] = inv.cognitoIdentity;
    if (inv.tenantId) headers[RUNTIME_HEADER.tenantId] = inv.tenantId;
    res.writeHead(200, headers);
    res.end(inv.payload);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (this.extensions.handle(path, req, res)) return;
    if (this.telemetry.handle(path, req, res)) return;
    if (path === RUNTIME_PATH.next) {
      return method === 'GET' ? this.next(res) : send(res, 405);
    }
    if (path.startsWith(RUNTIME_PATH.invocation)) {
      const rest = path.slice(RUNTIME_PATH.invocation.length);
      const slash = rest.indexOf('/');
      const action = slash === -1 ? '' : rest.slice(slash + 1);
      if (action === 'response' || action === 'error') {
        if (method !== 'POST') return send(res, 405);
        void this.post(req, res, decodeRequestId(rest.slice(0, slash)), action)
          .catch((err: unknown) => {
            this.logger.error({ err }, 'runtime API request failed');
            send(res, 500);
          })
          .finally(() => this.afterPost());
        return;
      }
    }
    if (path === RUNTIME_PATH.initError) {
      if (method !== 'POST') return send(res, 405);
      void this.initError(req, res);
      return;
    }
    if (path === RUNTIME_PATH.ping) {
      return method === 'GET' ? send(res, 200, Buffer.from('pong'), 'text/plain; charset=utf-8') : send(res, 405);
    }
    send(res, 404, NOT_FOUND, 'text/plain; charset=utf-8');
  }

  private next(res: ServerResponse): void {
    switch (this.state) {
      case 'Started':
        this.state = 'Ready';
        this.readyDeferred.resolve();
        break;
      case 'RuntimeResponseSentState': {
        const finished = this.current;
        this.current = undefined;
        this.state = 'Ready';
        finished?.done.resolve();
        break;
      }
      case 'Running':
        // A second /next during an invocation gets the same event again (RIE's TestInvokeNextTwice).
        if (this.current) return this.deliver(res, this.current);
        break;
      case 'Ready':
        break;
      case 'InvocationResponse':
      case 'InvocationErrorResponse':
        // The runtime sent /next right behind its answer (pipelined, as emulate's Node client does): it
        // becomes the next state once the answer is read.
        this.nextAfterPost?.destroy();
        this.nextAfterPost = res;
        return;
      default:
        return send(res, 403, transitionError(this.state, 'Ready'));
    }
    // An older held /next (a runtime that reconnected) is replaced by the newest one.
    this.heldNext?.destroy();
    this.heldNext = res;
    // Forgotten when its connection drops. Watched on the socket, not the response: a response queued behind
    // another on its connection (a pipelined /next) sees no 'close' of its own.
    const socket = res.req.socket;
    watchCloseOnce(this.watchedSockets, socket, () => {
      if (this.heldNext?.req.socket === socket) this.heldNext = undefined;
    });
    if (this.pending) {
      this.heldNext = undefined;
      this.deliver(res, this.pending);
    }
  }

  private async post(req: IncomingMessage, res: ServerResponse, id: string, action: 'response' | 'error'): Promise<void> {
    const current = this.current;
    if (!current || id === '' || id !== current.invocation.requestId) {
      req.resume();
      return send(res, 400, apiError('Invalid request ID', 'InvalidRequestID'));
    }
    const target = action === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse';
    if (this.state !== 'Running') {
      req.resume();
      return send(res, 403, transitionError(this.state, target));
    }
    this.state = target;
    const mode = req.headers[RUNTIME_HEADER.responseMode];
    if (action === 'response' && mode !== undefined && mode !== STREAMING_MODE) {
      req.resume();
      this.state = 'RuntimeResponseSentState';
      current.outcome.resolve({ kind: 'bad-response-mode', mode: String(mode) });
      return send(res, 400, apiError('Invalid function response mode', 'InvalidFunctionResponseMode'));
    }
    if (action === 'response' && mode === STREAMING_MODE && current.invocation.acceptStream) return this.stream(req, res, current);
    const { body = EMPTY, size } = await readCapped(req, LIMITS.runtimeResponseBytes);
    if (this.current !== current) return send(res, 400, apiError('Invalid request ID', 'InvalidRequestID'));
    this.state = 'RuntimeResponseSentState';
    if (size > LIMITS.runtimeResponseBytes) {
      current.outcome.resolve({ kind: 'too-large', size });
      return send(
        res,
        413,
        apiError(`Exceeded maximum allowed payload size (${LIMITS.runtimeResponseBytes} bytes).`, 'RequestEntityTooLarge'),
      );
    }
    if (action === 'response') {
      current.outcome.resolve(responseOutcome(req, body));
    } else {
      const isCause = req.headers['content-type'] === ERROR_CAUSE_CONTENT_TYPE;
      const errorBody = isCause ? fromErrorCause(body) : body;
      const headerType = sanitizeErrorType(req.headers[RUNTIME_HEADER.errorType] as string | undefined);
      const cause = req.headers[RUNTIME_HEADER.xrayErrorCause];
      if (cause) this.logger.debug({ requestId: id }, 'X-Ray error cause received (no X-Ray daemon locally)');
      current.outcome.resolve({ kind: 'error', body: errorBody, errorType: headerType ?? bodyErrorType(errorBody) });
    }
    // emulate's own client asks for the next invocation as this POST's answer: the POST then stands for its /next.
    if (action === 'response' && req.headers[RUNTIME_HEADER.thenNext] !== undefined) return this.next(res);
    this.accept(req, res);
  }

  /** The 202 for an answer; held only for a /next pipelined on the same connection (a runtime on another one may be waiting for it). */
  private accept(req: IncomingMessage, res: ServerResponse): void {
    if (this.nextAfterPost && this.nextAfterPost.req.socket === req.socket) {
      this.heldAccept = res;
      return;
    }
    send(res, 202, ACCEPTED);
  }

  /**
   * A streamed response whose caller takes it as it comes: the body is handed on chunk by chunk (the
   * runtime's socket pauses while the caller does not read), and its end or mid-stream error follows.
   */
  private stream(req: IncomingMessage, res: ServerResponse, current: Current): void {
    const body = new PassThrough();
    const end = deferred<RuntimeOutcome>();
    const contentType = req.headers['content-type'];
    current.outcome.resolve({ kind: 'stream', body, end: end.promise, ...(contentType ? { contentType } : {}) });
    req.pipe(body);
    req.once('end', () => {
      if (this.current === current) this.state = 'RuntimeResponseSentState';
      end.resolve(responseOutcome(req, EMPTY));
      this.accept(req, res);
    });
    // A runtime that dies or is killed (timeout) mid-stream: the body ends with what came; the environment tells why.
    req.once('close', () => {
      if (req.complete) return;
      req.unpipe(body);
      body.end();
      end.resolve({ kind: 'error', body: Buffer.from(JSON.stringify({ errorType: 'Runtime.TruncatedResponse', errorMessage: 'the response stream ended before it was complete' })), errorType: 'Runtime.TruncatedResponse' });
    });
  }

  private releaseAccept(): void {
    const res = this.heldAccept;
    this.heldAccept = undefined;
    if (res) send(res, 202, ACCEPTED);
  }

  /** Serves a `/next` that waited for the answer in front of it. */
  private afterPost(): void {
    const res = this.nextAfterPost;
    if (!res || this.state === 'InvocationResponse' || this.state === 'InvocationErrorResponse') return;
    this.nextAfterPost = undefined;
    if (!res.destroyed) this.next(res);
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body = EMPTY, size } = await readCapped(req, LIMITS.runtimeResponseBytes);
    if (this.state !== 'Started') return send(res, 403, transitionError(this.state, 'InitError'));
    if (size > LIMITS.runtimeResponseBytes) {
      return send(res, 413, apiError(`Exceeded maximum allowed payload size (${LIMITS.runtimeResponseBytes} bytes).`, 'RequestEntityTooLarge'));
    }
    this.state = 'InitError';
    const errorType = sanitizeErrorType(req.headers[RUNTIME_HEADER.errorType] as string | undefined) ?? bodyErrorType(body);
    this.initFailedDeferred.resolve({ errorType, body });
    send(res, 202, ACCEPTED);
  }
}

/** A /response as it ended: the answer, or the error a streamed one carried in its trailers (ric.md §5). */
function responseOutcome(req: IncomingMessage, body: Buffer): RuntimeOutcome {
  const trailerType = req.trailers[RUNTIME_HEADER.errorType];
  if (trailerType) {
    const encoded = req.trailers[RUNTIME_HEADER.errorBody];
    const errorBody = encoded ? Buffer.from(encoded, 'base64') : Buffer.from(JSON.stringify({ errorType: trailerType }));
    return { kind: 'error', body: errorBody, errorType: trailerType };
  }
  const contentType = req.headers['content-type'];
  return { kind: 'response', body, ...(contentType ? { contentType } : {}) };
}

/** The request id from the path; a malformed escape stays as sent (and matches no invocation: 400). */
function decodeRequestId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The error type a runtime put in its JSON body (the Node RIC sends no header for invoke errors). */
function bodyErrorType(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string' && parsed.errorType) return parsed.errorType;
  } catch {
    // fall through
  }
  return 'Runtime.Unknown';
}
