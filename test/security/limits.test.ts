// Request limits hold before buffering: a 50 MB body or a 1 MB header block is refused without the emulator's memory growing by anything like it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { mb, memoryOf, procAvailable, rawExchange, SECURITY_FIXTURE } from './helpers.js';

const FIFTY_MB = 50 * 1024 * 1024;
const SYNC_LIMIT = 6_291_456;
const LAMBDA_INVOKE = '/2015-03-31/functions/EchoFunction/invocations';
const DRAINED_BYTES = 400 * 1024 * 1024;
/**
 * Growth of start-api's peak resident memory a refused 50 MB body may cause: it holds at most its
 * 10 MB limit before it refuses, so a server that buffered the body would grow by 50 MB or more
 * (twice that with a concatenation); 25 MB leaves room for the 10 MB, socket buffers and garbage
 * the collector has not returned yet. Measured: about 10 MB.
 */
const PEAK_GROWTH_BOUND_MB = 25;
/**
 * The Invoke API reads a payload past 6 MB to its end (answering mid-upload would reset the client)
 * and drops it chunk by chunk. The dropped chunks are memory outside V8's heap, which V8 lets pile up
 * to its external-allocation limit (64 MB) before collecting, so its peak grows by tens of MB
 * whatever the size (measured: about 30 MB for 50 MB, 45 to 55 MB for 200 or 400 MB). A 400 MB
 * payload shows the difference: kept, it would add at least 400 MB; dropped, the growth stays
 * under 100 MB.
 */
const DRAIN_GROWTH_BOUND_MB = 100;
/**
 * start-api refuses without reading the rest and closes the connection; a client still writing may
 * then get a reset instead of the 413 (see the todo below). Either way nothing was buffered.
 */
const REFUSED = [413, 0];

const head = (method: string, path: string, headers: Record<string, string | number>) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

/** Invocations the emulator ran so far (the START lines of the function log on its stdout). */
const starts = (cli: RunningCli) => (cli.stdout().match(/START RequestId/g) ?? []).length;

/** Runs `work` and reports how the process's resident memory (now and peak) moved. */
async function measured<T>(pid: number, label: string, work: () => Promise<T>): Promise<{ result: T; rssGrowthMb: number; peakGrowthMb: number }> {
  const before = memoryOf(pid);
  const result = await work();
  const after = memoryOf(pid);
  const rssGrowthMb = (after.rssKb - before.rssKb) / 1024;
  const peakGrowthMb = (after.peakKb - before.peakKb) / 1024;
  console.log(`${label}: RSS ${mb(before.rssKb)} → ${mb(after.rssKb)} MB, peak ${mb(before.peakKb)} → ${mb(after.peakKb)} MB`);
  return { result, rssGrowthMb, peakGrowthMb };
}

describe.skipIf(!procAvailable)('start-api refuses oversized requests before buffering them', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['start-api', '-t', SECURITY_FIXTURE, '--runner', 'process', '-p', '0', '--log-level', 'error']);
    // Warm: the function's environment exists and the server's buffers are allocated.
    const res = await fetch(`${cli.url}/echo`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(await res.json()).toEqual({ bytes: 1024 });
  });
  afterAll(() => cli?.stop());

  it('answers a 50 MB chunked body with 413 after at most its 10 MB limit, and closes the connection', async () => {
    const invocations = starts(cli);
    const { result, peakGrowthMb } = await measured(cli.child.pid!, 'start-api, 50 MB chunked body', () =>
      rawExchange(cli.url, head('POST', '/echo', { 'Transfer-Encoding': 'chunked', 'Content-Type': 'application/octet-stream' }), FIFTY_MB, { chunked: true }));
    console.log(`start-api, 50 MB chunked body: ${mb(result.sentBytes / 1024)} MB written before the answer (status ${result.status || 'reset'})`);
    // 8 MB more are read and dropped (never kept) for the client to hear the 413; past that the
    // connection closes, and a client still writing may see a reset instead.
    expect(REFUSED).toContain(result.status);
    if (result.status === 413) {
      expect(result.body).toBe('{"message":"Request Entity Too Large"}');
      expect(result.headers).toMatch(/\r\nConnection: close/i);
    }
    expect(result.sentBytes).toBeLessThan(FIFTY_MB);
    expect(peakGrowthMb).toBeLessThan(PEAK_GROWTH_BOUND_MB);
    expect(starts(cli)).toBe(invocations);
  });

  it('answers a declared 50 MB Content-Length with 413 (or a close) without keeping the body', async () => {
    const { result, peakGrowthMb } = await measured(cli.child.pid!, 'start-api, Content-Length 50 MB', () =>
      rawExchange(cli.url, head('POST', '/echo', { 'Content-Length': FIFTY_MB }), FIFTY_MB));
    expect(REFUSED).toContain(result.status);
    expect(result.sentBytes).toBeLessThan(FIFTY_MB);
    expect(peakGrowthMb).toBeLessThan(PEAK_GROWTH_BOUND_MB);
  });

  it.each([
    ['12 KB', 12 * 1024],
    ['1 MB', 1024 * 1024],
  ])('answers a %s header block with 431 and never reads it all', async (_label, bytes) => {
    const big = 'a'.repeat(bytes);
    const { result, peakGrowthMb } = await measured(cli.child.pid!, `start-api, ${_label} header`, () =>
      rawExchange(cli.url, head('GET', '/env', { 'X-Big': big })));
    expect(result.status).toBe(431);
    expect(result.body).toBe('{"message":"Request Header Fields Too Large"}');
    expect(peakGrowthMb).toBeLessThan(PEAK_GROWTH_BOUND_MB);
  });

  it('still serves requests afterwards', async () => {
    const res = await fetch(`${cli.url}/echo`, { method: 'POST', body: 'ok' });
    expect(await res.json()).toEqual({ bytes: 2 });
  });

  it('delivers the 413 to a client still sending a body somewhat over 10 MB, every time (no connection reset)', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${cli.url}/echo`, { method: 'POST', body: Buffer.alloc(15 * 1024 * 1024), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
    }
  });

  it('refuses a declared body over 10 MB sent with Expect: 100-continue without asking for it', async () => {
    const { request } = await import('node:http');
    const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(`${cli.url}/echo`, { method: 'POST', headers: { Expect: '100-continue', 'Content-Length': FIFTY_MB } });
      req.on('continue', () => {
        continued = true;
        req.destroy();
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, continued });
        req.destroy();
      });
      req.on('error', (err) => (continued ? resolve({ status: 0, continued }) : reject(err)));
      req.flushHeaders();
    });
    expect(outcome).toEqual({ status: 413, continued: false });
  });
});

describe.skipIf(!procAvailable)("the Invoke API holds no more than Lambda's 6 MB of a request", () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['start-lambda', '-t', SECURITY_FIXTURE, '--runner', 'process', '-p', '0', '--log-level', 'error']);
    const res = await fetch(`${cli.url}${LAMBDA_INVOKE}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
  afterAll(() => cli?.stop());

  const tooLarge = { Type: 'User', message: `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation` };

  it.each([
    ['50 MB', FIFTY_MB, DRAIN_GROWTH_BOUND_MB / 2],
    ['400 MB', DRAINED_BYTES, DRAIN_GROWTH_BOUND_MB],
  ])('answers a %s chunked payload with 413 RequestEntityTooLargeException, dropping the excess as it arrives', async (label, bytes, bound) => {
    const { result, peakGrowthMb } = await measured(cli.child.pid!, `Invoke API, ${label} chunked payload`, () =>
      rawExchange(cli.url, head('POST', LAMBDA_INVOKE, { 'Transfer-Encoding': 'chunked' }), bytes, { chunked: true }));
    expect(result.status).toBe(413);
    expect(result.headers).toMatch(/\r\nx-amzn-ErrorType: RequestEntityTooLargeException/i);
    expect(JSON.parse(result.body)).toEqual(tooLarge);
    expect(peakGrowthMb).toBeLessThan(bound);
  });

  it('refuses a declared 50 MB payload sent with Expect: 100-continue before the client sends it', async () => {
    const { result, peakGrowthMb } = await measured(cli.child.pid!, 'Invoke API, Expect: 100-continue 50 MB', () =>
      rawExchange(cli.url, head('POST', LAMBDA_INVOKE, { 'Content-Length': FIFTY_MB, Expect: '100-continue' }), FIFTY_MB, { waitForContinue: true }));
    expect(result.status).toBe(413);
    expect(result.sentBytes).toBe(0);
    expect(JSON.parse(result.body)).toEqual(tooLarge);
    expect(peakGrowthMb).toBeLessThan(5);
  });

  it.each([
    [SYNC_LIMIT, 200],
    [SYNC_LIMIT + 1, 413],
  ])('answers a %i-byte payload with %i', async (size, status) => {
    // A JSON string of exactly `size` bytes.
    const body = `"${'x'.repeat(size - 2)}"`;
    const res = await fetch(`${cli.url}${LAMBDA_INVOKE}`, { method: 'POST', body });
    expect(res.status).toBe(status);
    await res.arrayBuffer();
  });

  it('answers a 1 MB header block with 431', async () => {
    const result = await rawExchange(cli.url, head('POST', LAMBDA_INVOKE, { 'X-Big': 'a'.repeat(1024 * 1024), 'Content-Length': 2 }));
    expect(result.status).toBe(431);
  });
});
