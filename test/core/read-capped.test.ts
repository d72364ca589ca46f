// readCapped (src/core/net.ts), the body reader of the Runtime API and the Invoke API: a whole body, an oversized
// one drained and counted, and a client that goes away mid-body (a rejection, never a hang).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readCapped } from '../../src/core/net.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose handler hands each request to `onRequest`; resolves with its port. */
async function serve(onRequest: (req: IncomingMessage) => void): Promise<number> {
  server = createServer((req, res) => {
    onRequest(req);
    req.once('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function send(port: number, chunks: Buffer[], { abortAfterFirst = false } = {}): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Content-Length': 1_000_000 } });
    req.on('error', () => resolve());
    req.on('response', (res) => res.resume().on('end', resolve));
    if (abortAfterFirst) {
      req.write(chunks[0], () => setTimeout(() => (req.destroy(), resolve()), 50));
      return;
    }
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readCapped', () => {
  it('returns the whole body when it is within the limit, in order', async () => {
    let got: Promise<{ body?: Buffer; size: number }> | undefined;
    const port = await serve((req) => (got = readCapped(req, 2_000_000)));
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.alloc(100_000, 97 + i));
    await send(port, chunks);
    const { body, size } = await got!;
    expect(size).toBe(1_000_000);
    expect(body!.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('drains an oversized body and reports its full size without keeping it', async () => {
    let got: Promise<{ body?: Buffer; size: number }> | undefined;
    const port = await serve((req) => (got = readCapped(req, 999_999)));
    await send(port, Array.from({ length: 10 }, () => Buffer.alloc(100_000, 120)));
    expect(await got!).toEqual({ size: 1_000_000 });
  });

  it('rejects when the client goes away mid-body', async () => {
    let got: Promise<{ body?: Buffer; size: number }> | undefined;
    const port = await serve((req) => (got = readCapped(req, 2_000_000)));
    await send(port, [Buffer.alloc(1000, 120)], { abortAfterFirst: true });
    await expect(got!).rejects.toThrow();
  });
});
