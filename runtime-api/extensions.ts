// The Extensions API of one execution environment: register, event/next, init/error and exit/error, with INVOKE and SHUTDOWN events.
// Reference: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { deferred } from '../src/core/async.js';
import type { Logger } from '../src/core/logger.js';
import { readCapped, watchCloseOnce } from '../src/core/net.js';

export const EXTENSION_PATH = {
  register: '/2020-01-01/extension/register',
  next: '/2020-01-01/extension/event/next',
  initError: '/2020-01-01/extension/init/error',
  exitError: '/2020-01-01/extension/exit/error',
} as const;

export const EXTENSION_HEADER = {
  name: 'lambda-extension-name',
  identifier: 'lambda-extension-identifier',
  errorType: 'lambda-extension-function-error-type',
  // "Lambda-Extension-Accept-Feature: accountId" asks for accountId in the register answer (Extensions API reference).
  acceptFeature: 'lambda-extension-accept-feature',
} as const;

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

/** An INVOKE event as the Extensions API reference shows it. */
export interface InvokeEvent {
  eventType: 'INVOKE';
  deadlineMs: number;
  requestId: string;
  invokedFunctionArn: string;
  tracing: { type: 'X-Amzn-Trace-Id'; value: string };
}

/** A SHUTDOWN event; shutdownReason is spindown, timeout or failure (Extensions API reference). */
export interface ShutdownEvent {
  eventType: 'SHUTDOWN';
  shutdownReason: 'spindown' | 'timeout' | 'failure';
  deadlineMs: number;
}

type ExtensionEvent = InvokeEvent | ShutdownEvent;

interface Extension {
  id: string;
  name: string;
  events: Set<ExtensionEventType>;
  /** The extension's held /event/next, when it is waiting. */
  held: ServerResponse | undefined;
  /** Events not yet taken. */
  queue: ExtensionEvent[];
  /** Has called /event/next since its last event (it is done with it). */
  idle: boolean;
  /** Connections whose close is watched (an extension may keep one alive across /event/next calls). */
  watched: WeakSet<Socket>;
}

export interface ExtensionFailure {
  /** `Extension.<Name>` as the extension reported it, or one of Lambda's (`Extension.Crash`, `Extension.InitError`). */
  errorType: string;
  extension: string;
  phase: 'init' | 'exit';
}

export interface FunctionInfo {
  functionName: string;
  functionVersion: string;
  handler: string;
  accountId?: string;
}

const JSON_TYPE = 'application/json';
const ERROR_TYPE_PATTERN = /^Extension\.[A-Za-z0-9]+$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Lambda allows at most 10 extensions per function (Extensions API reference; rapid's MaxAgentsAllowed). */
export const MAX_EXTENSIONS = 10;
const apiError = (errorMessage: string, errorType: string) => Buffer.from(`${JSON.stringify({ errorMessage, errorType })}\n`);

/** A refusal of the Extensions, Telemetry or Logs API: always 403 with Lambda's error type (RIE's rapi/handler errors). */
export interface ExtensionRefusal {
  errorType: string;
  errorMessage: string;
}

/**
 * The registered extension a `Lambda-Extension-Identifier` names (`lookup`), or why it is refused, as Lambda's rapid
 * refuses it: missing, not a UUID, or no registered extension's (rapi/middleware and the agent handlers).
 */
export function identified<T>(id: string | string[] | undefined, lookup: (id: string) => T | undefined): { found: T } | { refusal: ExtensionRefusal } {
  if (typeof id !== 'string' || id === '') return { refusal: { errorType: 'Extension.MissingExtensionIdentifier', errorMessage: 'Missing Lambda-Extension-Identifier header' } };
  if (!UUID_PATTERN.test(id)) return { refusal: { errorType: 'Extension.InvalidExtensionIdentifier', errorMessage: 'Invalid Lambda-Extension-Identifier' } };
  const found = lookup(id);
  return found === undefined ? { refusal: { errorType: 'Extension.UnknownExtensionIdentifier', errorMessage: `Unknown extension ${id}` } } : { found };
}

function send(res: ServerResponse, status: number, body?: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Type': JSON_TYPE, 'Content-Length': body?.length ?? 0 });
  res.end(body);
}

/**
 * The extensions of one runtime generation. Registration is open until init ends; each INVOKE is
 * queued for the extensions that asked for it, and the environment waits until every extension has
 * come back to /event/next before it is used again.
 */
export class ExtensionsApi {
  private readonly byId = new Map<string, Extension>();
  private initOpen = true;
  private failureDeferred = deferred<ExtensionFailure>();
  private idleWaiters: Array<() => boolean> = [];
  /** The external extensions started with the runtime (their file names): init waits until each has registered. */
  private external: ReadonlySet<string> = new Set();
  private registeredWaiters: Array<() => boolean> = [];

  constructor(
    private readonly logger: Logger,
    private readonly info: () => FunctionInfo,
    /** Told of each registration (the Telemetry API's platform.extension event). */
    private readonly onRegistered: (name: string, events: ExtensionEventType[]) => void = () => {},
  ) {}

  /** The name of the registered extension with this identifier. */
  nameOf(id: string): string | undefined {
    return this.byId.get(id)?.name;
  }

  /** Resolves when every one of these external extensions has registered or one reported an init error (rapid starts the runtime then). */
  waitRegistered(names: readonly string[]): Promise<void> {
    this.expect(names);
    const done = () => this.allRegistered();
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      void this.failureDeferred.promise.then(() => resolve());
      this.registeredWaiters.push(() => (done() ? (resolve(), true) : false));
    });
  }

  /** An extension reported an init or exit error. */
  get failed(): Promise<ExtensionFailure> {
    return this.failureDeferred.promise;
  }

  get count(): number {
    return this.byId.size;
  }

  names(): string[] {
    return [...this.byId.values()].map((e) => e.name);
  }

  /** A new runtime generation: every extension is forgotten and registration opens again. */
  reset(): void {
    for (const ext of this.byId.values()) ext.held?.destroy();
    this.byId.clear();
    this.external = new Set();
    this.registeredWaiters = [];
    this.initOpen = true;
    this.failureDeferred = deferred<ExtensionFailure>();
    this.wake();
  }

  /**
   * The external extensions started (the file names in /opt/extensions): init is not over before each has registered
   * under its name; any other name registers an internal extension (rapid: FindExternalAgentByName).
   */
  expect(names: readonly string[]): void {
    this.external = new Set(names);
  }

  /** Every external extension has registered (names are unique: a second registration under one is refused). */
  private allRegistered(): boolean {
    return this.registeredExternal() === this.external.size;
  }

  /** Init is over: later registrations are refused (Lambda allows registration only during Init). */
  closeRegistration(): void {
    this.initOpen = false;
  }

  /** Every registered extension is waiting at /event/next (none registered: at once). */
  allIdle(): boolean {
    if (!this.allRegistered()) return false;
    for (const ext of this.byId.values()) if (!ext.idle) return false;
    return true;
  }

  /** Resolves when every registered extension is back at /event/next, or after `ms` (false then). */
  waitIdle(ms: number): Promise<boolean> {
    if (this.allIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, ms);
      timer.unref();
      const waiter = () => {
        if (!this.allIdle()) return false;
        clearTimeout(timer);
        resolve(true);
        return true;
      };
      this.idleWaiters.push(waiter);
    });
  }

  /** Sends INVOKE to the extensions that registered for it. */
  invoke(event: Omit<InvokeEvent, 'eventType'>): void {
    this.dispatch({ eventType: 'INVOKE', ...event }, 'INVOKE');
  }

  /** Sends SHUTDOWN and waits up to `ms` for each extension to come back to /event/next (or to exit). */
  async shutdown(reason: ShutdownEvent['shutdownReason'], ms: number): Promise<boolean> {
    if (this.byId.size === 0) return true;
    this.dispatch({ eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs: Date.now() + ms }, 'SHUTDOWN');
    return this.waitIdle(ms);
  }

  /** Serves an Extensions API request; false when the path is not one of its own. */
  handle(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method ?? 'GET';
    switch (path) {
      case EXTENSION_PATH.register:
        if (method !== 'POST') send(res, 405);
        else void this.register(req, res);
        return true;
      case EXTENSION_PATH.next:
        if (method !== 'GET') send(res, 405);
        else this.next(req, res);
        return true;
      case EXTENSION_PATH.initError:
      case EXTENSION_PATH.exitError:
        if (method !== 'POST') send(res, 405);
        else void this.error(req, res, path === EXTENSION_PATH.initError ? 'init' : 'exit');
        return true;
      default:
        return false;
    }
  }

  private dispatch(event: ExtensionEvent, type: ExtensionEventType): void {
    for (const ext of this.byId.values()) {
      if (!ext.events.has(type)) continue;
      ext.idle = false;
      ext.queue.push(event);
      this.serve(ext);
    }
  }

  private serve(ext: Extension): void {
    const res = ext.held;
    const event = ext.queue[0];
    if (!res || !event) return;
    ext.held = undefined;
    ext.queue.shift();
    const body = Buffer.from(JSON.stringify(event));
    // Each event carries Lambda-Extension-Event-Identifier (Extensions API reference, Next).
    send(res, 200, body, { 'Lambda-Extension-Event-Identifier': randomUUID() });
  }

  // Every refusal is a 403 with rapid's error type and message (RIE: rapi/handler/agentregister.go and its error constants).
  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body } = await readCapped(req, 65_536);
    const refuse = (errorType: string, errorMessage: string) => send(res, 403, apiError(errorMessage, errorType));
    const name = req.headers[EXTENSION_HEADER.name];
    if (typeof name !== 'string' || name === '') return refuse('Extension.InvalidExtensionName', 'Empty extension name');
    let list: unknown[];
    try {
      const parsed = JSON.parse(body?.toString('utf8') ?? '') as { events?: unknown; configurationKeys?: unknown };
      if (Array.isArray(parsed.configurationKeys) && parsed.configurationKeys.length > 0) throw new Error('configurationKeys are deprecated; use environment variables instead');
      list = Array.isArray(parsed.events) ? parsed.events : [];
    } catch (err) {
      return refuse('InvalidRequestFormat', (err as Error).message);
    }
    // A name that is not one of the started executables' registers an internal extension, which may ask for INVOKE only.
    const external = this.external.has(name);
    for (const e of list) {
      if (e !== 'INVOKE' && e !== 'SHUTDOWN') return refuse('Extension.InvalidEventType', `${String(e)}: invalid event type`);
      if (e === 'SHUTDOWN' && !external) return refuse('Extension.InvalidEventType', 'SHUTDOWN: internal extensions cannot register for SHUTDOWN');
    }
    if (!this.initOpen) return refuse('Extension.RegistrationClosed', 'Extension registration closed already');
    if ([...this.byId.values()].some((e) => e.name === name)) {
      return external
        ? refuse('Extension.InvalidExtensionState', `State transition from Registered to Registered failed for extension ${name}. Error: State transition is not allowed`)
        : refuse('Extension.InvalidExtensionState', 'Extension with this name already registered');
    }
    if (!external && this.byId.size + this.external.size - this.registeredExternal() >= MAX_EXTENSIONS) {
      return refuse('Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`);
    }
    const events = new Set(list as ExtensionEventType[]);
    const id = randomUUID();
    // Registered but not yet at /event/next: init waits for it.
    this.byId.set(id, { id, name, events, held: undefined, queue: [], idle: false, watched: new WeakSet() });
    this.logger.debug({ extension: name, events: [...events], internal: !external }, 'extension registered');
    this.registeredWaiters = this.registeredWaiters.filter((w) => !w());
    this.onRegistered(name, [...events]);
    const info = this.info();
    const accept = String(req.headers[EXTENSION_HEADER.acceptFeature] ?? '');
    const answer: Record<string, string> = { functionName: info.functionName, functionVersion: info.functionVersion, handler: info.handler };
    if (accept.split(',').map((s) => s.trim()).includes('accountId') && info.accountId) answer.accountId = info.accountId;
    send(res, 200, Buffer.from(JSON.stringify(answer)), { 'Lambda-Extension-Identifier': id });
  }

  /** How many of the external extensions have registered. */
  private registeredExternal(): number {
    if (this.external.size === 0) return 0;
    let n = 0;
    for (const ext of this.byId.values()) if (this.external.has(ext.name)) n++;
    return n;
  }

  private identify(req: IncomingMessage, res: ServerResponse): Extension | undefined {
    const result = identified(req.headers[EXTENSION_HEADER.identifier], (id) => this.byId.get(id));
    if ('found' in result) return result.found;
    req.resume();
    send(res, 403, apiError(result.refusal.errorMessage, result.refusal.errorType));
    return undefined;
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    const ext = this.identify(req, res);
    if (!ext) return;
    ext.held?.destroy();
    ext.held = res;
    // Forgotten when its connection drops; one listener per connection, not per /event/next on a kept-alive one.
    const socket = res.req.socket;
    watchCloseOnce(ext.watched, socket, () => {
      if (ext.held?.req.socket === socket) ext.held = undefined;
    });
    if (ext.queue.length === 0) {
      ext.idle = true;
      this.wake();
    }
    this.serve(ext);
  }

  private async error(req: IncomingMessage, res: ServerResponse, phase: 'init' | 'exit'): Promise<void> {
    const ext = this.identify(req, res);
    if (!ext) return;
    await readCapped(req, 1_048_576);
    const raw = req.headers[EXTENSION_HEADER.errorType];
    // The error type header is required (rapid: 403 Extension.MissingHeader); a value not of the form Extension.<Name>
    // is recorded as the phase's own (rapid's GetValidExtensionErrorType: Extension.InitError / Extension.ExitError).
    if (typeof raw !== 'string' || raw === '') return send(res, 403, apiError('Lambda-Extension-Function-Error-Type not found', 'Extension.MissingHeader'));
    const errorType = ERROR_TYPE_PATTERN.test(raw) ? raw : phase === 'init' ? 'Extension.InitError' : 'Extension.ExitError';
    this.logger.info({ extension: ext.name, errorType, phase }, `extension reported an ${phase} error`);
    this.failureDeferred.resolve({ errorType, extension: ext.name, phase });
    send(res, 202, Buffer.from('{"status":"OK"}\n'));
  }

  private wake(): void {
    this.idleWaiters = this.idleWaiters.filter((w) => !w());
  }
}
