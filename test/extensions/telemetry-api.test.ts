// Telemetry and Logs API subscriptions on one Runtime API listener: bad bodies get 400 with the reason, buffering by maxItems and timeoutMs, the Logs API's shapes.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../runtime-api/server.js';
import { silentLogger } from '../../src/core/logger.js';

let api: RuntimeApiServer;
let sink: Server;
let batches: Array<Array<{ type: string; record: unknown }>>;
let sinkUri: string | undefined;
/** Status the HTTP sink answers for each request, in turn (200 once they are used up). */
let statuses: number[];
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(fileURLToPath(new URL('./telemetry-event.schema.json', import.meta.url)), 'utf8')) as object);

beforeEach(async () => {
  api = await RuntimeApiServer.listen({ logger: silentLogger() });
  api.reset();
  batches = [];
  statuses = [];
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  // sandbox.localdomain is where the extension listens; emulate delivers to it on the loopback.
  sinkUri = `http://sandbox.localdomain:${(sink.address() as { port: number }).port}/`;
});
afterEach(async () => {
  await api.close();
  await new Promise((resolve) => sink.close(resolve));
});

async function register(name = 'ext'): Promise<string> {
  const res = await fetch(`http://${api.address}/2020-01-01/extension/register`, { method: 'POST', headers: { 'Lambda-Extension-Name': name }, body: '{"events":["INVOKE"]}' });
  return res.headers.get('lambda-extension-identifier')!;
}

const subscribe = (id: string, body: unknown, path = '/2022-07-01/telemetry') =>
  fetch(`http://${api.address}${path}`, { method: 'PUT', headers: { 'Lambda-Extension-Identifier': id, 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const valid = (over: Record<string, unknown> = {}) => ({ schemaVersion: '2022-12-13', destination: { protocol: 'HTTP', URI: sinkUri ?? 'http://sandbox.localdomain:4243/' }, types: ['platform', 'function'], buffering: { timeoutMs: 25 }, ...over });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Telemetry API subscriptions', () => {
  it.each([
    ['not JSON', '{', 'the request body is not JSON'],
    ['an unknown schema version', valid({ schemaVersion: '2020-01-01' }), 'schemaVersion must be one of 2022-07-01, 2022-12-13, 2025-01-29'],
    ['a TCP destination without a port', valid({ destination: { protocol: 'TCP', URI: 'sandbox.localdomain' } }), 'destination.URI sandbox.localdomain has no port'],
    ['a TCP port out of range', valid({ destination: { protocol: 'TCP', port: 70_000 } }), 'destination.port must be an integer from 1 to 65535'],
    ['another protocol', valid({ destination: { protocol: 'UDP', URI: 'sandbox.localdomain:9' } }), 'destination.protocol must be HTTP or TCP'],
    ['a remote host', valid({ destination: { protocol: 'HTTP', URI: 'http://example.com:80/' } }), 'destination.URI host example.com must be sandbox.localdomain (or localhost, 0.0.0.0)'],
    ['an unknown type', valid({ types: ['platform', 'metrics'] }), 'unknown type metrics; types are platform, function, extension'],
    ['timeoutMs below 25', valid({ buffering: { timeoutMs: 10 } }), 'buffering.timeoutMs must be an integer from 25 to 30000'],
    ['maxItems above 10,000', valid({ buffering: { maxItems: 10_001 } }), 'buffering.maxItems must be an integer from 1000 to 10000'],
    ['maxBytes below 262,144', valid({ buffering: { maxBytes: 1024 } }), 'buffering.maxBytes must be an integer from 262144 to 1048576'],
  ])('refuses %s with 400 ValidationError and the reason', async (_what, body, message) => {
    const res = await subscribe(await register(), body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorType: 'ValidationError', errorMessage: message });
  });

  it('refuses an unknown extension identifier with 403', async () => {
    const res = await subscribe('not-an-id', valid());
    expect(res.status).toBe(403);
  });

  it('answers 200 OK, replays init events to a subscriber made during init, and delivers a batch timeoutMs after the first event', async () => {
    api.telemetry.platform({ type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', functionName: 'f', functionVersion: '$LATEST' } });
    const id = await register();
    const res = await subscribe(id, valid());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK');
    api.telemetry.output(Buffer.from('hello\nwor'));
    api.telemetry.output(Buffer.from('ld\n'));
    await until(() => batches.flat().length >= 5);
    expect(batches.flat().map((e) => [e.type, e.record])).toEqual([
      ['platform.initStart', { initializationType: 'on-demand', phase: 'init', functionName: 'f', functionVersion: '$LATEST' }],
      ['platform.extension', { name: 'ext', state: 'Ready', events: ['INVOKE'] }],
      ['platform.telemetrySubscription', { name: 'ext', state: 'Subscribed', types: ['platform', 'function'] }],
      ['function', 'hello'],
      ['function', 'world'],
    ]);
  });

  it.each([
    ['a tcp URI', (port: number) => ({ protocol: 'TCP', URI: `tcp://sandbox.localdomain:${port}` })],
    ['a host:port URI', (port: number) => ({ protocol: 'TCP', URI: `sandbox.localdomain:${port}` })],
    ['a bare port', (port: number) => ({ protocol: 'TCP', port })],
  ])('delivers to a TCP destination named by %s as newline-delimited JSON, each line a valid event', async (_what, destination) => {
    const received: Buffer[] = [];
    const tcp = createTcpServer((socket) => socket.on('data', (c: Buffer) => received.push(c)));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const id = await register();
      const res = await subscribe(id, valid({ destination: destination((tcp.address() as { port: number }).port) }));
      expect(res.status).toBe(200);
      api.telemetry.output(Buffer.from('one\ntwo\n'));
      const lines = () => Buffer.concat(received).toString('utf8').split('\n').filter(Boolean);
      await until(() => lines().length >= 4);
      const text = Buffer.concat(received).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      const events = lines().map((l) => JSON.parse(l) as { type: string; record: unknown });
      expect(events.map((e) => [e.type, e.record])).toEqual([
        ['platform.extension', { name: 'ext', state: 'Ready', events: ['INVOKE'] }],
        ['platform.telemetrySubscription', { name: 'ext', state: 'Subscribed', types: ['platform', 'function'] }],
        ['function', 'one'],
        ['function', 'two'],
      ]);
      for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    } finally {
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('tells a platform subscriber with platform.logsDropped how many events and bytes a refused batch lost', async () => {
    statuses = [500];
    const id = await register();
    await subscribe(id, valid());
    await until(() => batches.length >= 1);
    const lost = batches[0]!;
    api.telemetry.output(Buffer.from('after\n'));
    await until(() => batches.length >= 2);
    const dropped = batches[1]!.find((e) => e.type === 'platform.logsDropped');
    expect(dropped?.record).toEqual({ reason: expect.any(String), droppedRecords: lost.length, droppedBytes: lost.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) });
    expect(validate(dropped), JSON.stringify(validate.errors)).toBe(true);
    expect(batches[1]!.map((e) => e.type)).toContain('function');
  });

  it('sends a batch as soon as maxItems events are buffered', async () => {
    const id = await register();
    await subscribe(id, valid({ types: ['function'], buffering: { maxItems: 1000, timeoutMs: 30_000 } }));
    api.telemetry.output(Buffer.from('line\n'.repeat(1000)));
    await until(() => batches.length >= 1);
    expect(batches[0]).toHaveLength(1000);
  });

  it('gives Logs API subscribers its own names and record shapes', async () => {
    const id = await register();
    expect((await subscribe(id, { destination: { protocol: 'HTTP', URI: sinkUri }, types: ['platform'], buffering: { timeoutMs: 25 } }, '/2020-08-15/logs')).status).toBe(200);
    api.telemetry.platform({ type: 'platform.runtimeDone', record: { requestId: 'r1', status: 'success', metrics: { durationMs: 1.5 } } });
    await until(() => batches.flat().some((e) => e.type === 'platform.runtimeDone'));
    const types = batches.flat().map((e) => e.type);
    expect(types).toContain('platform.logsSubscription');
    expect(batches.flat().find((e) => e.type === 'platform.runtimeDone')!.record).toEqual({ requestId: 'r1', status: 'success' });
  });
});
