// InvokeWithResponseStream end to end on the process runner: the real @aws-sdk/client-lambda against start-lambda, real streaming handlers under emulate's Node client.
import { InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/function-url/template.yaml', import.meta.url));

let emu: Emulator;
let lambda: LambdaClient;
beforeAll(async () => {
  emu = await createEmulator({ template: TEMPLATE, runner: 'process', port: false, lambdaPort: 0, functionUrlPorts: false, logLevel: 'silent' });
  lambda = new LambdaClient({ endpoint: emu.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});
afterAll(async () => {
  lambda?.destroy();
  await emu?.close();
});

/** Invokes with the SDK and records every event with the time it reached the caller. */
async function stream(FunctionName: string, event: unknown, extra: { LogType?: 'Tail' | 'None' } = {}) {
  const started = Date.now();
  const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(event)), ...extra }));
  const events: Array<{ at: number; event: InvokeWithResponseStreamResponseEvent }> = [];
  for await (const event of out.EventStream!) events.push({ at: Date.now() - started, event });
  const chunks = events.filter((e) => e.event.PayloadChunk).map((e) => ({ at: e.at, text: Buffer.from(e.event.PayloadChunk!.Payload!).toString('utf8') }));
  return { out, events, chunks, complete: events.at(-1)?.event.InvokeComplete };
}

describe('InvokeWithResponseStream through @aws-sdk/client-lambda (process runner)', () => {
  it('yields the chunks in order as they are written (the second 1 s after the first), then an empty InvokeComplete', async () => {
    const { out, chunks, complete, events } = await stream('StreamFunction', { rawPath: '/raw' });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(chunks.map((c) => c.text).join('')).toBe('first;second');
    const first = chunks.find((c) => c.text.includes('first;'))!;
    const second = chunks.find((c) => c.text.includes('second'))!;
    expect(first.text.includes('second')).toBe(false);
    // Generous: the handler waits 1 s between its writes; a buffered answer would bring both at once.
    expect(second.at - first.at).toBeGreaterThan(600);
    expect(complete).toEqual({});
    expect(events.at(-1)!.event.InvokeComplete).toBeDefined();
  }, 20_000);

  it('carries the HTTP prelude of HttpResponseStream.from as the first bytes of the payload, as Lambda does outside a Function URL', async () => {
    const { chunks, complete } = await stream('StreamFunction', { rawPath: '/sse' });
    const bytes = Buffer.from(chunks.map((c) => c.text).join(''), 'utf8');
    const nul = bytes.indexOf(Buffer.alloc(8));
    expect(nul).toBeGreaterThan(0);
    expect(JSON.parse(bytes.subarray(0, nul).toString())).toMatchObject({ statusCode: 200, cookies: ['session=s1; Path=/'] });
    expect(bytes.subarray(nul + 8).toString()).toBe('data: one\n\ndata: two\n\n');
    expect(complete).toEqual({});
  }, 20_000);

  it('ends with InvokeComplete ErrorCode Unhandled and the error as ErrorDetails when the handler throws after the first chunk', async () => {
    const { chunks, complete } = await stream('StreamFunction', { rawPath: '/raw', fail: true });
    expect(chunks.map((c) => c.text).join('')).toBe('first;');
    expect(complete!.ErrorCode).toBe('Unhandled');
    expect(JSON.parse(complete!.ErrorDetails!)).toMatchObject({ errorType: 'TypeError', errorMessage: 'raw stream broke' });
  }, 20_000);

  it('returns the last 4 KB of the log as LogResult with LogType Tail', async () => {
    const { complete } = await stream('StreamFunction', { rawPath: '/raw' }, { LogType: 'Tail' });
    const log = Buffer.from(complete!.LogResult!, 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: /m);
    expect(log).toContain('raw: first chunk written');
    expect(log).toMatch(/^END RequestId: /m);
    expect(log).toMatch(/^REPORT RequestId: /m);
    expect(complete!.ErrorCode).toBeUndefined();
  }, 20_000);

  it('ends with ErrorCode Sandbox.Timedout at the function Timeout mid-stream, and the function serves the next call', async () => {
    const { chunks, complete } = await stream('StallFunction', { rawPath: '/stall' });
    expect(chunks.map((c) => c.text).join('')).toContain('data: one');
    expect(complete!.ErrorCode).toBe('Sandbox.Timedout');
    expect(complete!.ErrorDetails).toMatch(/Task timed out after 2\.\d\d seconds/);
    const next = await stream('StallFunction', { rawPath: '/raw' });
    expect(next.chunks.map((c) => c.text).join('')).toBe('first;second');
    expect(next.complete).toEqual({});
  }, 30_000);

  it('answers a function that does not stream with its whole response as one PayloadChunk, then InvokeComplete', async () => {
    // Lambda invokes every RESPONSE_STREAM Function URL through InvokeWithResponseStream, buffered handlers included
    // (Developer Guide, config-rs-invoke-furls.html): a buffered handler's response comes back whole.
    const { out, chunks, complete } = await stream('EchoFunction', { rawPath: '/plain' });
    expect(out.StatusCode).toBe(200);
    expect(chunks).toHaveLength(1);
    expect(JSON.parse(chunks[0]!.text)).toEqual({ hello: 'world' });
    expect(complete).toEqual({});
  }, 20_000);

  it('reports a buffered handler’s error in InvokeComplete, with no PayloadChunk', async () => {
    const { chunks, complete } = await stream('EchoFunction', { rawPath: '/throw' });
    expect(chunks).toEqual([]);
    expect(complete!.ErrorCode).toBe('Unhandled');
    expect(JSON.parse(complete!.ErrorDetails!)).toMatchObject({ errorType: 'Error', errorMessage: 'echo failed' });
  }, 20_000);

  it('goes on serving after a caller abandons a stream mid-way', async () => {
    const controller = new AbortController();
    const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'StreamFunction', Payload: Buffer.from('{"rawPath":"/raw"}') }), { abortSignal: controller.signal });
    const iterator = out.EventStream![Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value!.PayloadChunk!.Payload!).toString()).toBe('first;');
    controller.abort();
    await iterator.return?.(undefined).catch(() => undefined);
    const next = await stream('StreamFunction', { rawPath: '/raw' });
    expect(next.chunks.map((c) => c.text).join('')).toBe('first;second');
  }, 20_000);
});
