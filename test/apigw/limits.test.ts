// AWS's limits enforced by the server without invoking the function: 6 MB Lambda event (after base64), 10 MB API payload, 10 KB headers.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { LIMITS } from '../../src/core/wire.js';
import { api, capturingLogger, inProcessInvoker, route, send, startWith } from './helpers.js';

const MiB = 1024 * 1024;

describe('request limits', () => {
  const http = api('http');
  const rest = api('rest');
  const fn = inProcessInvoker(async (event) => ({ statusCode: 200, body: String((event.body ?? '').length) }));
  const { logger, records } = capturingLogger();
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith([http, rest], [route(http, 'POST /up', 'Fn'), route(rest, 'POST /up', 'Fn')], { Fn: fn }, { logger });
  });
  afterAll(() => server.close());

  const warnings = (limit: string) => records.filter((r) => r.level === 40 && r.limit === limit);

  it('accepts a 4 MiB binary body, whose base64 event stays under 6 MB', async () => {
    const calls = fn.calls;
    const res = await send(server.url, { method: 'POST', path: '/up', headers: [['Content-Type', 'application/octet-stream']], body: Buffer.alloc(4 * MiB, 7) });
    expect(res.status).toBe(200);
    expect(fn.calls).toBe(calls + 1);
  });

  it.each([
    ['HTTP API', '/up', '{"message":"Internal Server Error"}'],
    ['REST', '/Prod/up', '{"message": "Internal server error"}'],
  ])('%s refuses a 4.6 MiB binary body that base64s past 6,291,456 bytes with 500, without invoking', async (_kind, path, body) => {
    const calls = fn.calls;
    const before = warnings('lambda-payload').length;
    const payload = Buffer.alloc(Math.round(4.6 * MiB), 0xab);
    expect(payload.length).toBeLessThan(LIMITS.syncRequestBytes);
    const contentType = path === '/up' ? 'application/octet-stream' : 'text/plain';
    // REST sends text bodies as they are; make its event grow past 6 MB with JSON escaping instead.
    const bytes = path === '/up' ? payload : Buffer.from('"'.repeat(Math.round(3.2 * MiB)));
    const res = await send(server.url, { method: 'POST', path, headers: [['Content-Type', contentType]], body: bytes });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe(body);
    expect(fn.calls).toBe(calls);
    const warning = warnings('lambda-payload').at(-1)!;
    expect(warnings('lambda-payload')).toHaveLength(before + 1);
    expect(warning).toMatchObject({ limitBytes: 6_291_456 });
    expect(warning.actualBytes).toBeGreaterThan(6_291_456);
    expect(warning.overByBytes).toBe(warning.actualBytes - 6_291_456);
  });

  it.each([
    ['HTTP API', '/up', '{"message":"Request Entity Too Large"}'],
    ['REST', '/Prod/up', '{"message":"Request Too Long"}'],
  ])('%s refuses a declared body over 10 MB with 413 before reading it', async (_kind, path, body) => {
    const calls = fn.calls;
    // Headers only: the server must answer without waiting for the 11 MB it was promised.
    const res = await rawExchange(server.port, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${11 * MiB}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 413 /);
    expect(res).toMatch(/connection: close/i);
    expect(res.endsWith(body)).toBe(true);
    expect(fn.calls).toBe(calls);
    expect(warnings('api-payload').at(-1)).toMatchObject({ limitBytes: 10_485_760, actualBytes: 11 * MiB, overByBytes: MiB });
  });

  it('refuses a chunked body as soon as it passes 10 MB, and stops reading it', async () => {
    const calls = fn.calls;
    const before = warnings('api-payload').length;
    const res = await chunkedUpload(server.port, '/up', 64 * MiB);
    // The server answered 413 and closed: the 64 MiB upload was cut off (socket buffers hold a few MiB),
    // and when the close raced the answer the client may not have read it, but never another status.
    expect(res.sent).toBeLessThan(32 * MiB);
    if (res.response !== '') expect(res.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(fn.calls).toBe(calls);
    expect(warnings('api-payload')).toHaveLength(before + 1);
    expect(warnings('api-payload').at(-1)!.actualBytes).toBeGreaterThan(10_485_760);
    expect(warnings('api-payload').at(-1)!.actualBytes).toBeLessThan(11 * MiB);
  });

  it('accepts a body of exactly 10 MB (then refuses its event for Lambda\'s 6 MB)', async () => {
    const res = await send(server.url, { method: 'POST', path: '/up', headers: [['Content-Type', 'text/plain']], body: Buffer.alloc(LIMITS.apiPayloadBytes, 0x61) });
    expect(res.status).toBe(500);
    expect(warnings('lambda-payload').at(-1)!.actualBytes).toBeGreaterThan(LIMITS.apiPayloadBytes);
  });

  it.each([
    ['HTTP API', '/up'],
    ['REST', '/Prod/up'],
  ])('%s refuses request headers over 10,240 bytes with 431 and a JSON message', async (_kind, path) => {
    const calls = fn.calls;
    const res = await send(server.url, { method: 'POST', path, headers: [['X-Big', 'x'.repeat(11_000)]], body: 'a' });
    expect(res.status).toBe(431);
    expect(res.json()).toEqual({ message: 'Request Header Fields Too Large' });
    expect(fn.calls).toBe(calls);
    expect(warnings('request-headers').at(-1)!.actualBytes).toBeGreaterThan(11_000);
  });

  it('drops a request whose client leaves before the body is complete, without invoking or logging an error', async () => {
    const calls = fn.calls;
    const errors = records.filter((r) => r.level >= 50).length;
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789', () => socket.destroy());
      });
      socket.on('close', () => resolve());
    });
    // The gateway notices the close; a following request proves it is still serving.
    expect((await send(server.url, { method: 'POST', path: '/up', body: 'x' })).status).toBe(200);
    expect(fn.calls).toBe(calls + 1);
    expect(records.filter((r) => r.level >= 50).length).toBe(errors);
  });

  it('accepts headers just under the limit', async () => {
    const res = await send(server.url, { method: 'POST', path: '/up', headers: [['X-Big', 'x'.repeat(9_500)]], body: 'a' });
    expect(res.status).toBe(200);
  });

  it('answers headers beyond what Node parses with the same 431 JSON', async () => {
    const res = await rawExchange(server.port, `GET /up HTTP/1.1\r\nHost: x\r\nX-Huge: ${'y'.repeat(70 * 1024)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 431 /);
    expect(res.endsWith('{"message":"Request Header Fields Too Large"}')).toBe(true);
  });
});

/** Writes raw bytes on a new connection and resolves with everything the server sent until it closed. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', () => resolve(out));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' && out ? resolve(out) : reject(err)));
  });
}

/** Streams a chunked upload until the server answers or closes; reports what came back and how much went out. */
function chunkedUpload(port: number, path: string, total: number): Promise<{ response: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let sent = 0;
    let response = '';
    let finished = false;
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const pump = () => {
      while (sent < total && response === '' && !socket.destroyed) {
        sent += chunk.length;
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        if (!socket.write('\r\n')) return void socket.once('drain', pump);
      }
      if (sent >= total && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
    socket.on('data', (d) => (response += d.toString('latin1')));
    const done = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve({ response, sent });
    };
    socket.on('end', done);
    socket.on('close', done);
    // EPIPE / ECONNRESET: the server closed the connection on the rest of the upload.
    socket.on('error', done);
  });
}
