// The Telemetry API (PUT /2022-07-01/telemetry) and the older Logs API (PUT /2020-08-15/logs) of one execution environment: subscriptions, buffering, HTTP and TCP delivery.
// References: https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api-reference.html (subscribe),
// https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html (events), https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html (Logs API).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Logger } from '../src/core/logger.js';
import { readCapped } from '../src/core/net.js';
import { RUNTIME_PATH } from '../src/core/wire.js';
import { identified } from './extensions.js';

/** The streams an extension can subscribe to. */
export type TelemetryType = 'platform' | 'function' | 'extension';

/** One event as the Telemetry API delivers it: `{ time, type, record }`. */
export interface TelemetryEvent {
  time: string;
  type: string;
  record: unknown;
}

/** Platform events the environment reports, with their Telemetry API records. */
export type PlatformEvent =
  | { type: 'platform.initStart'; record: { initializationType: 'on-demand'; phase: 'init' | 'invoke'; functionName: string; functionVersion: string } }
  | { type: 'platform.initRuntimeDone'; record: { initializationType: 'on-demand'; phase: 'init' | 'invoke'; status: Status; errorType?: string } }
  | { type: 'platform.initReport'; record: { initializationType: 'on-demand'; phase: 'init' | 'invoke'; status: Status; errorType?: string; metrics: { durationMs: number } } }
  | { type: 'platform.start'; record: { requestId: string; version: string; tracing?: Tracing } }
  | { type: 'platform.runtimeDone'; record: { requestId: string; status: Status; errorType?: string; metrics: { durationMs: number; producedBytes?: number }; tracing?: Tracing } }
  | { type: 'platform.report'; record: { requestId: string; status: Status; errorType?: string; metrics: ReportMetrics; tracing?: Tracing } }
  | { type: 'platform.extension'; record: { name: string; state: 'Ready'; events: string[] } }
  | { type: 'platform.telemetrySubscription'; record: { name: string; state: 'Subscribed'; types: TelemetryType[] } }
  | { type: 'platform.logsDropped'; record: { reason: string; droppedRecords: number; droppedBytes: number } };

type Status = 'success' | 'failure' | 'error' | 'timeout';
interface Tracing {
  type: 'X-Amzn-Trace-Id';
  value: string;
}
interface ReportMetrics {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB?: number;
  initDurationMs?: number;
}

type Api = 'telemetry' | 'logs';

interface Subscription {
  api: Api;
  extension: string;
  types: Set<TelemetryType>;
  /** HTTP: batches POSTed as a JSON array; TCP: written as newline-delimited JSON (docs: telemetry-api.html#telemetry-api-destination). */
  protocol: 'HTTP' | 'TCP';
  /** Where events go (sandbox.localdomain and 0.0.0.0 rewritten to the loopback the extension listens on); TCP: `tcp://host:port`. */
  url: string;
  maxItems: number;
  maxBytes: number;
  timeoutMs: number;
  queue: TelemetryEvent[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
  /** The delivery under way: batches go out one at a time, in order. */
  sending: Promise<void>;
}

/** Buffering limits and defaults (Telemetry API reference, Subscribe; Logs API: maxItems defaults to 10,000). */
const BUFFERING = {
  timeoutMs: { min: 25, max: 30_000, telemetry: 1_000, logs: 1_000 },
  maxBytes: { min: 262_144, max: 1_048_576, telemetry: 262_144, logs: 262_144 },
  maxItems: { min: 1_000, max: 10_000, telemetry: 1_000, logs: 10_000 },
} as const;
const SCHEMA_VERSIONS = new Set(['2022-07-01', '2022-12-13', '2025-01-29']);
const TYPES = new Set<TelemetryType>(['platform', 'function', 'extension']);
/** Destination hosts an extension may name: AWS's documented sandbox host name, and the loopback spellings samples use locally. */
const LOCAL_HOSTS = new Set(['sandbox.localdomain', 'localhost', '0.0.0.0', '127.0.0.1', '[::1]']);
const DELIVERY_TIMEOUT_MS = 5_000;
/** Events kept from the start of init, for extensions that subscribe during init (they still get platform.initStart). */
const BACKLOG_LIMIT = 1_000;

const apiError = (errorType: string, errorMessage: string) => Buffer.from(`${JSON.stringify({ errorMessage, errorType })}\n`);

function send(res: ServerResponse, status: number, body: Buffer, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

/** The Logs API's shape of a platform event, or undefined for events it does not have (init events). */
function asLogsEvent(event: TelemetryEvent): TelemetryEvent | undefined {
  const record = event.record as Record<string, unknown>;
  switch (event.type) {
    case 'platform.start':
      return { ...event, record: { requestId: record.requestId, version: record.version } };
    case 'platform.runtimeDone':
      return { ...event, record: { requestId: record.requestId, status: record.status } };
    case 'platform.report':
      return { ...event, record: { requestId: record.requestId, metrics: record.metrics } };
    case 'platform.telemetrySubscription':
      return { ...event, type: 'platform.logsSubscription' };
    case 'platform.extension':
    case 'platform.logsDropped':
      return event;
    default:
      return event.type.startsWith('platform.') ? undefined : event;
  }
}

/** A subscribe body checked against the reference; a string says what is wrong. */
function parseSubscription(api: Api, raw: string): Omit<Subscription, 'extension' | 'queue' | 'bytes' | 'timer' | 'sending'> | string {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return 'the request body is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'the request body is not a JSON object';
  if (api === 'telemetry' && (typeof body.schemaVersion !== 'string' || !SCHEMA_VERSIONS.has(body.schemaVersion))) {
    return `schemaVersion must be one of ${[...SCHEMA_VERSIONS].join(', ')}`;
  }
  const destination = body.destination as { protocol?: unknown; URI?: unknown; port?: unknown } | undefined;
  if (!destination || typeof destination !== 'object') return 'destination is required';
  const protocol = destination.protocol;
  if (protocol !== 'HTTP' && protocol !== 'TCP') return 'destination.protocol must be HTTP or TCP';
  // TCP: a URI naming host and port (the reference's shape), or the Logs API's bare `port` on sandbox.localdomain.
  let uri = destination.URI;
  if (uri === undefined && protocol === 'TCP' && destination.port !== undefined) {
    if (typeof destination.port !== 'number' || !Number.isInteger(destination.port) || destination.port < 1 || destination.port > 65_535) return 'destination.port must be an integer from 1 to 65535';
    uri = `tcp://sandbox.localdomain:${destination.port}`;
  }
  if (typeof uri !== 'string') return 'destination.URI is required';
  let url: URL;
  try {
    url = new URL(protocol === 'TCP' && !uri.includes('://') ? `tcp://${uri}` : uri);
  } catch {
    return `destination.URI ${uri} is not a URL`;
  }
  if (protocol === 'HTTP' && url.protocol !== 'http:') return `destination.URI ${uri} must be an http:// URI`;
  if (protocol === 'TCP' && url.protocol !== 'tcp:' && url.protocol !== 'http:') return `destination.URI ${uri} must be a tcp:// URI (host:port)`;
  if (!LOCAL_HOSTS.has(url.hostname)) return `destination.URI host ${url.hostname} must be sandbox.localdomain (or localhost, 0.0.0.0)`;
  if (protocol === 'TCP' && url.port === '') return `destination.URI ${uri} has no port`;
  // The extension listens in the environment; from the emulator (on the host, or sharing a container's host network) that is the loopback.
  if (url.hostname !== '[::1]') url.hostname = '127.0.0.1';
  const types = Array.isArray(body.types) ? body.types : [];
  if (types.length === 0) return 'types must list at least one of platform, function, extension';
  for (const t of types) if (!TYPES.has(t as TelemetryType)) return `unknown type ${String(t)}; types are platform, function, extension`;
  const buffering = (body.buffering ?? {}) as Record<string, unknown>;
  const limits: Record<'timeoutMs' | 'maxBytes' | 'maxItems', number> = { timeoutMs: 0, maxBytes: 0, maxItems: 0 };
  for (const key of ['timeoutMs', 'maxBytes', 'maxItems'] as const) {
    const value = buffering[key];
    const range = BUFFERING[key];
    if (value === undefined) {
      limits[key] = range[api];
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      return `buffering.${key} must be an integer from ${range.min} to ${range.max}`;
    }
    limits[key] = value;
  }
  const target = protocol === 'TCP' ? `tcp://${url.hostname}:${url.port}` : url.toString();
  return { api, protocol, types: new Set(types as TelemetryType[]), url: target, ...limits };
}

/**
 * The subscriptions of one runtime generation. Events are buffered per subscription and POSTed as a
 * JSON array when maxItems or maxBytes is reached or timeoutMs after the first buffered event.
 */
export class TelemetryApi {
  private readonly subscriptions = new Map<string, Subscription>();
  private backlog: TelemetryEvent[] | undefined = [];
  /** Output not yet ended by a newline, per source (`function`, or an extension's name). */
  private readonly partial = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    /** The registered extension's name for a Lambda-Extension-Identifier, if it is one. */
    private readonly identify: (id: string) => string | undefined,
  ) {}

  /** Anyone subscribed (the environment skips building events otherwise). */
  get active(): boolean {
    return this.subscriptions.size > 0 || this.backlog !== undefined;
  }

  /** A new runtime generation: subscriptions end with the extensions that made them (what is buffered is dropped). */
  reset(): void {
    for (const sub of this.subscriptions.values()) clearTimeout(sub.timer);
    this.subscriptions.clear();
    this.partial.clear();
    this.backlog = [];
  }

  /** Init is over: events from now on go only to existing subscriptions. */
  endInit(): void {
    this.backlog = undefined;
  }

  /** Serves a subscribe request; false when the path is not one of its own. */
  handle(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    const api: Api | undefined = path === RUNTIME_PATH.telemetry || path === `${RUNTIME_PATH.telemetry}/` ? 'telemetry' : path === RUNTIME_PATH.logs || path === `${RUNTIME_PATH.logs}/` ? 'logs' : undefined;
    if (!api) return false;
    if (req.method !== 'PUT') {
      req.resume();
      send(res, 405, Buffer.alloc(0));
      return true;
    }
    void this.subscribe(api, req, res);
    return true;
  }

  /** A platform event, stamped now. */
  platform(event: PlatformEvent): void {
    // Nobody to hear it (no subscription, init over): skip the event, as publish() would drop it anyway.
    if (!this.active) return;
    this.publish('platform', { time: new Date().toISOString(), type: event.type, record: event.record });
  }

  /** Output of the runtime (`function`) or of an extension: one event per line. */
  output(chunk: Buffer, extension?: string): void {
    if (!this.active) return;
    const key = extension ?? '';
    const text = (this.partial.get(key) ?? '') + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial.set(key, lines.pop()!);
    const type: TelemetryType = extension === undefined ? 'function' : 'extension';
    for (const line of lines) {
      if (line === '') continue;
      this.publish(type, { time: new Date().toISOString(), type, record: line.endsWith('\r') ? line.slice(0, -1) : line });
    }
  }

  /** Delivers everything buffered now (SHUTDOWN: the last events go out while extensions can still take them). */
  async flush(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((sub) => this.deliver(sub)));
  }

  private publish(type: TelemetryType, event: TelemetryEvent): void {
    if (this.backlog && this.backlog.length < BACKLOG_LIMIT) this.backlog.push(event);
    for (const sub of this.subscriptions.values()) if (sub.types.has(type)) this.enqueue(sub, event);
  }

  private enqueue(sub: Subscription, event: TelemetryEvent): void {
    const shaped = sub.api === 'logs' ? asLogsEvent(event) : event;
    if (!shaped) return;
    sub.queue.push(shaped);
    sub.bytes += Buffer.byteLength(JSON.stringify(shaped));
    if (sub.queue.length >= sub.maxItems || sub.bytes >= sub.maxBytes) {
      void this.deliver(sub);
    } else if (!sub.timer) {
      sub.timer = setTimeout(() => void this.deliver(sub), sub.timeoutMs);
      sub.timer.unref();
    }
  }

  /** Sends what is buffered as one batch, after any batch still on its way. */
  private deliver(sub: Subscription): Promise<void> {
    clearTimeout(sub.timer);
    sub.timer = undefined;
    if (sub.queue.length === 0) return sub.sending;
    const batch = sub.queue.splice(0);
    sub.bytes = 0;
    sub.sending = sub.sending.then(async () => {
      try {
        if (sub.protocol === 'TCP') {
          await writeLines(sub.url, batch);
        } else {
          const res = await fetch(sub.url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(batch),
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`the destination answered ${res.status}`);
        }
      } catch (err) {
        this.logger.debug({ extension: sub.extension, url: sub.url, err: (err as Error).message }, 'telemetry batch not delivered');
        this.dropped(sub, batch);
      }
    });
    return sub.sending;
  }

  /**
   * A batch the destination did not take is dropped; a platform subscriber is told in its next batch with
   * `platform.logsDropped` (reason, droppedRecords, droppedBytes: telemetry-schema-reference.html#platform-logsDropped).
   */
  private dropped(sub: Subscription, batch: TelemetryEvent[]): void {
    // Not for a batch of such notices alone: a destination that is gone would otherwise be told forever.
    if (!sub.types.has('platform') || this.subscriptions.get(sub.extension) !== sub || batch.every((e) => e.type === 'platform.logsDropped')) return;
    const droppedBytes = batch.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
    this.enqueue(sub, {
      time: new Date().toISOString(),
      type: 'platform.logsDropped',
      record: { reason: 'The telemetry destination did not accept the batch; its events were dropped.', droppedRecords: batch.length, droppedBytes },
    });
  }

  private async subscribe(api: Api, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body } = await readCapped(req, 65_536);
    const result = identified(req.headers['lambda-extension-identifier'], this.identify);
    if ('refusal' in result) return send(res, 403, apiError(result.refusal.errorType, result.refusal.errorMessage));
    const extension = result.found;
    const parsed = parseSubscription(api, body?.toString('utf8') ?? '');
    if (typeof parsed === 'string') return send(res, 400, apiError('ValidationError', parsed));
    const previous = this.subscriptions.get(extension);
    if (previous) clearTimeout(previous.timer);
    const sub: Subscription = { ...parsed, extension, queue: [], bytes: 0, timer: undefined, sending: previous?.sending ?? Promise.resolve() };
    this.subscriptions.set(extension, sub);
    this.logger.debug({ extension, api, types: [...sub.types], url: sub.url }, 'telemetry subscription');
    // What happened since init began reaches a subscriber made during init (platform.initStart first).
    for (const event of this.backlog ?? []) if (sub.types.has(typeOf(event))) this.enqueue(sub, event);
    send(res, 200, Buffer.from('OK'), 'text/plain; charset=utf-8');
    this.platform({ type: 'platform.telemetrySubscription', record: { name: extension, state: 'Subscribed', types: [...sub.types] } });
  }
}

/** One TCP batch: a connection to `tcp://host:port`, each event a JSON line, then the connection is ended. */
function writeLines(target: string, batch: TelemetryEvent[]): Promise<void> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(url.port) });
    socket.setTimeout(DELIVERY_TIMEOUT_MS, () => socket.destroy(new Error('telemetry TCP delivery timed out')));
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
    socket.end(batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
  });
}

function typeOf(event: TelemetryEvent): TelemetryType {
  return event.type.startsWith('platform.') ? 'platform' : (event.type as TelemetryType);
}
