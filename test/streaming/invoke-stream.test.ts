// emu.invokeStream (prelude, chunks as they come, outcome) and what Lambda imposes on a stream: the bandwidth cap after 6 MiB and the 200 MiB limit.
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isStreamed } from '../../src/core/invoke.js';
import { shapeStream, STREAMED_RESPONSE_LIMIT_BYTES } from '../../src/core/stream-shaping.js';
import { createEmulator, type Emulator, type StreamedInvocation } from '../../src/index.js';
import { startFunction, type RunningFunction } from '../clients/harness.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/function-url/template.yaml', import.meta.url));
const SRC = fileURLToPath(new URL('../../fixtures/function-url/src/', import.meta.url));
const MiB = 1024 * 1024;

const options = { template: TEMPLATE, runner: 'process', port: false, lambdaPort: false, functionUrlPorts: false, logLevel: 'silent' } as const;
let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator(options);
});
afterAll(() => emu?.close());

/** Reads a streamed invocation's body with each chunk's arrival time. */
async function read(streamed: StreamedInvocation, started = Date.now()) {
  const chunks: Array<{ at: number; text: string }> = [];
  for await (const chunk of streamed.body) chunks.push({ at: Date.now() - started, text: chunk.toString('utf8') });
  return { chunks, text: chunks.map((c) => c.text).join(''), outcome: await streamed.outcome };
}

describe('emu.invokeStream', () => {
  it('gives the HTTP prelude first, then the body as an async iterable chunk by chunk as written, then the outcome', async () => {
    const started = Date.now();
    const streamed = await emu.invokeStream('StreamFunction', { rawPath: '/sse' });
    expect(streamed.streamed).toBe(true);
    expect(streamed.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The status and header lines a Function URL would send; cookies become Set-Cookie lines.
    expect(streamed.prelude).toEqual({
      statusCode: 200,
      headers: [
        ['content-type', 'text/event-stream'],
        ['cache-control', 'no-cache'],
        ['x-stream', 'sse'],
        ['set-cookie', 'session=s1; Path=/'],
      ],
    });
    const { chunks, text, outcome } = await read(streamed, started);
    expect(text).toBe('data: one\n\ndata: two\n\n');
    const first = chunks.find((c) => c.text.includes('one'))!;
    const second = chunks.find((c) => c.text.includes('two'))!;
    expect(first.text.includes('two')).toBe(false);
    expect(second.at - first.at).toBeGreaterThan(600);
    expect(outcome.ok).toBe(true);
    expect(outcome.requestId).toBe(streamed.requestId);
    expect(outcome.log).toMatch(/^REPORT RequestId: /m);
  }, 20_000);

  it('has no prelude and the declared content type for a raw stream', async () => {
    const streamed = await emu.invokeStream('StreamFunction', { rawPath: '/raw' });
    expect(streamed.prelude).toBeUndefined();
    expect(streamed.contentType).toBe('text/plain');
    const { text, outcome } = await read(streamed);
    expect(text).toBe('first;second');
    expect(outcome.ok).toBe(true);
  }, 20_000);

  it('ends with the function error as the outcome when the handler throws mid-stream', async () => {
    const { text, outcome } = await read(await emu.invokeStream('StreamFunction', { rawPath: '/raw', fail: true }));
    expect(text).toBe('first;');
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.kind).toBe('function');
    expect(!outcome.ok && outcome.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'raw stream broke' });
  }, 20_000);

  it('ends with a timeout outcome at the function Timeout mid-stream', async () => {
    const { text, outcome } = await read(await emu.invokeStream('StallFunction', { rawPath: '/stall' }));
    expect(text).toBe('data: one\n\n');
    expect(!outcome.ok && outcome.kind).toBe('timeout');
    expect(!outcome.ok && outcome.error.errorType).toBe('Sandbox.Timedout');
  }, 20_000);

  it('answers a function that does not stream the same way: streamed false, its whole response as one chunk', async () => {
    const streamed = await emu.invokeStream('EchoFunction', { rawPath: '/plain' });
    expect(streamed.streamed).toBe(false);
    const { chunks, outcome } = await read(streamed);
    expect(chunks).toHaveLength(1);
    expect(JSON.parse(chunks[0]!.text)).toEqual({ hello: 'world' });
    expect(outcome.ok).toBe(true);
  }, 20_000);

  it('lets a caller break out mid-stream: the function runs to its end and the next invocation is served', async () => {
    const streamed = await emu.invokeStream('StreamFunction', { rawPath: '/raw' });
    for await (const chunk of streamed.body) {
      expect(chunk.toString()).toBe('first;');
      break;
    }
    expect((await streamed.outcome).ok).toBe(true);
    const { text } = await read(await emu.invokeStream('StreamFunction', { rawPath: '/raw' }));
    expect(text).toBe('first;second');
  }, 20_000);
});

describe('the streaming bandwidth cap (first 6 MiB uncapped, then 2 MiB/s)', () => {
  let uncapped: Emulator;
  beforeAll(async () => {
    uncapped = await createEmulator({ ...options, streamBandwidthLimit: false });
  });
  afterAll(() => uncapped?.close());

  /** Streams `mb` MiB and says how long the bytes after the first 6 MiB took to arrive. */
  async function tailMs(target: Emulator, mb: number): Promise<{ bytes: number; tailMs: number }> {
    const streamed = await target.invokeStream('StreamFunction', { rawPath: '/big', queryStringParameters: { mb: String(mb) } });
    let bytes = 0;
    let burstEnd: number | undefined;
    for await (const chunk of streamed.body) {
      bytes += chunk.length;
      if (burstEnd === undefined && bytes >= 6 * MiB) burstEnd = performance.now();
    }
    const tail = performance.now() - burstEnd!;
    expect((await streamed.outcome).ok).toBe(true);
    return { bytes, tailMs: tail };
  }

  it('delivers the 8 MiB after the burst no faster than ~2 MiB/s with the cap on (default), and much faster with it off', async () => {
    const capped = await tailMs(emu, 14);
    expect(capped.bytes).toBe(14 * MiB);
    // 8 MiB at 2 MiB/s is 4 s; generous lower bound (the first capped slice leaves at once).
    expect(capped.tailMs).toBeGreaterThan(3000);
    const free = await tailMs(uncapped, 14);
    expect(free.bytes).toBe(14 * MiB);
    // An ordering, not a speed claim: without the cap the same tail is not held to the rate.
    expect(free.tailMs).toBeLessThan(capped.tailMs / 2);
  }, 60_000);
});

describe('the streamed response limit', () => {
  const running: RunningFunction[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((f) => f.close()));
  });

  it('is AWS’s 200 MiB', () => {
    // "response streaming functions can return payloads up to 200 MB" (Developer Guide, configuration-response-streaming.html).
    expect(STREAMED_RESPONSE_LIMIT_BYTES).toBe(200 * MiB);
  });

  it('ends the stream at a lowered limit with Function.ResponseSizeTooLarge, drains the rest, and the function serves again (real aws-lambda-ric)', async () => {
    const fn = await startFunction({ client: 'ric', taskRoot: SRC, handler: 'stream.handler' });
    running.push(fn);
    const event = { rawPath: '/big', queryStringParameters: { mb: '3' } };
    const result = shapeStream(await fn.environment.invokeStream({ payload: Buffer.from(JSON.stringify(event)) }), { bandwidth: false, maxBytes: MiB });
    expect(isStreamed(result)).toBe(true);
    if (!isStreamed(result)) return;
    let bytes = 0;
    for await (const chunk of result.body) bytes += chunk.length;
    expect(bytes).toBe(MiB);
    const outcome = await result.outcome;
    expect(!outcome.ok && outcome.kind).toBe('response-too-large');
    expect(!outcome.ok && outcome.error).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${MiB} bytes).`,
    });
    const again = await fn.environment.invokeStream({ payload: Buffer.from('{"rawPath":"/raw"}') });
    if (!isStreamed(again)) throw new Error('expected a stream');
    const parts: Buffer[] = [];
    for await (const chunk of again.body) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe('first;second');
    expect((await again.outcome).ok).toBe(true);
  }, 30_000);

  it('ends a 201 MiB stream at 200 MiB through createEmulator (cap off so the test stays short)', async () => {
    const uncapped = await createEmulator({ ...options, streamBandwidthLimit: false });
    try {
      const streamed = await uncapped.invokeStream('StreamFunction', { rawPath: '/big', queryStringParameters: { mb: '201' } });
      let bytes = 0;
      for await (const chunk of streamed.body) bytes += chunk.length;
      // The limit counts every byte the function streamed, its HTTP prelude (a few dozen bytes) included.
      expect(bytes).toBeLessThanOrEqual(200 * MiB);
      expect(bytes).toBeGreaterThan(200 * MiB - 1024);
      const outcome = await streamed.outcome;
      expect(!outcome.ok && outcome.error.errorType).toBe('Function.ResponseSizeTooLarge');
    } finally {
      await uncapped.close();
    }
  }, 120_000);
});
