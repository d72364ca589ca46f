// A streamed response reaches an Invoker caller chunk by chunk (invokeStream), from emulate's Node client and the real aws-lambda-ric.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectStream, isStreamed, type InvokeStreamed } from '../../src/core/invoke.js';
import { NODE_FIXTURES, startFunction, type ClientKind, type RunningFunction } from './harness.js';

const STREAMING = join(NODE_FIXTURES, 'streaming');
const running: RunningFunction[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.close()));
  for (const s of servers.splice(0)) s.closeAllConnections(), s.close();
});

/** A loopback URL that answers only when `open()` is called: the handler's second write waits for it. */
async function gate(): Promise<{ url: string; open(): void; asked: Promise<void> }> {
  const waiting: ServerResponse[] = [];
  let asked!: () => void;
  const askedP = new Promise<void>((r) => (asked = r));
  const server = createServer((_req, res) => {
    waiting.push(res);
    asked();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, open: () => waiting.forEach((res) => res.end('ok')), asked: askedP };
}

async function streamed(client: ClientKind, handler: string, event: unknown, timeoutMs?: number): Promise<{ fn: RunningFunction; result: InvokeStreamed }> {
  const fn = await startFunction({ client, taskRoot: STREAMING, handler, ...(timeoutMs ? { timeoutMs } : {}) });
  running.push(fn);
  const result = await fn.environment.invokeStream({ payload: Buffer.from(JSON.stringify(event)) });
  if (!isStreamed(result)) throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return { fn, result };
}

describe.each<ClientKind>(['emulate', 'ric'])('invokeStream with the %s client', (client) => {
  it('hands the first chunk to the caller before the handler writes the second, then the outcome', async () => {
    const g = await gate();
    const { result } = await streamed(client, 'index.gated', { gate: g.url });
    expect(result.contentType).toBe('text/plain');
    const it = result.body[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(Buffer.from(first.value as Buffer).toString()).toBe('first;');
    // The handler is now waiting at the gate: the second chunk cannot have been written yet.
    await g.asked;
    g.open();
    const rest: Buffer[] = [];
    for (let next = await it.next(); !next.done; next = await it.next()) rest.push(next.value as Buffer);
    expect(Buffer.concat(rest).toString()).toBe('second');
    const outcome = await result.outcome;
    expect(outcome.ok).toBe(true);
    expect(outcome.log).toMatch(/REPORT RequestId: /);
  });

  it('ends the body at the function Timeout and reports Sandbox.Timedout, and the next invocation works', async () => {
    const { fn, result } = await streamed(client, 'index.stallsAfterFirst', {}, 1000);
    const chunks: Buffer[] = [];
    for await (const chunk of result.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('first;');
    const outcome = await result.outcome;
    expect(!outcome.ok && outcome.kind).toBe('timeout');
    expect(!outcome.ok && outcome.error.errorType).toBe('Sandbox.Timedout');
    const again = await fn.environment.invokeStream({ payload: Buffer.from('{}') });
    expect(isStreamed(again)).toBe(true);
    const collected = await collectStream(again);
    expect(collected.ok).toBe(false); // it stalls again; collected after its timeout
  });

  it('collectStream turns a mid-stream error into the function error a buffered caller sees', async () => {
    const fn = await startFunction({ client, taskRoot: STREAMING, handler: 'index.failsMidStream' });
    running.push(fn);
    const result = await collectStream(await fn.environment.invokeStream({ payload: Buffer.from('{}') }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.kind).toBe('function');
    expect(!result.ok && result.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'stream broke' });
  });

  it('a buffered invoke of the same handler still gets the whole body at once', async () => {
    const fn = await startFunction({ client, taskRoot: STREAMING, handler: 'index.plain' });
    running.push(fn);
    const result = await fn.invoke({});
    expect(result.ok && result.payload.toString()).toBe('hello world');
  });
});
