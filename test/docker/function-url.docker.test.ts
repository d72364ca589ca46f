// Response streaming on the Docker runner: the stand-in image's real aws-lambda-ric streams to an undici client (Function URLs) and to @aws-sdk/client-lambda (InvokeWithResponseStream).
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';
import { arrivals, cutBody, expectApart } from '../helpers/streams.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/function-url/template.yaml', import.meta.url));

describe.skipIf(!dockerAvailable)('Function URLs on the Docker runner (real aws-lambda-ric)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    await prepareStandIn();
    emu = await createEmulator({ template: TEMPLATE, runner: 'docker', skipPullImage: true, port: false, lambdaPort: 0, functionUrlPorts: 0, logLevel: 'silent' });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => emu?.close(), SETUP_TIMEOUT_MS);

  it('streams the first event long before the second, written 1 s later, with the prelude’s status, headers and cookies', async () => {
    const started = Date.now();
    const res = await request(`${emu.functionUrls.StreamFunction!.url}sse`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-stream']).toBe('sse');
    expect(res.headers['set-cookie']).toBe('session=s1; Path=/');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const got = await arrivals(res.body, started);
    expect(got.map((a) => a.text).join('')).toBe('data: one\n\ndata: two\n\n');
    expectApart(got, 'one', 'two', 600);
  }, 60_000);

  it('delivers a 30 MB stream byte-exact', async () => {
    const res = await request(`${emu.functionUrls.StreamFunction!.url}big?mb=30`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of res.body) {
      hash.update(chunk);
      size += chunk.length;
    }
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    const expected = createHash('sha256');
    for (let i = 0; i < 30 * 16; i++) expected.update(chunk);
    expect(size).toBe(30 * 1024 * 1024);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  }, 60_000);

  it('cuts the connection when the function fails mid-stream, after the first event', async () => {
    const res = await request(`${emu.functionUrls.StreamFunction!.url}fail`);
    expect(res.statusCode).toBe(206);
    expect(await cutBody(res.body)).toBe('data: one\n\n');
  }, 60_000);

  it('answers a buffered URL with an event Powertools accepts', async () => {
    const res = await request(`${emu.functionUrls.EchoFunction!.url}x?y=1`, { headers: { cookie: 'a=1' } });
    expect(res.statusCode).toBe(200);
    const event = await res.body.json();
    expect(LambdaFunctionUrlSchema.safeParse(event).success).toBe(true);
  }, 60_000);

  it('cuts the connection at the function Timeout mid-stream, after the first event, and goes on serving', async () => {
    const res = await request(`${emu.functionUrls.StallFunction!.url}stall`);
    expect(res.statusCode).toBe(200);
    expect(await cutBody(res.body)).toBe('data: one\n\n');
    const next = await request(`${emu.functionUrls.StallFunction!.url}sse`);
    expect(next.statusCode).toBe(200);
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\n');
  }, 90_000);

  it('goes on serving after a client disconnects mid-stream', async () => {
    const controller = new AbortController();
    const res = await request(`${emu.functionUrls.StreamFunction!.url}sse`, { signal: controller.signal });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    const next = await request(`${emu.functionUrls.StreamFunction!.url}sse`);
    expect(next.statusCode).toBe(200);
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\n');
  }, 60_000);

  it('streams InvokeWithResponseStream to @aws-sdk/client-lambda: chunks 1 s apart, InvokeComplete with Tail logs, a mid-stream error and a Timeout mid-stream', async () => {
    const lambda = new LambdaClient({ endpoint: emu.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      const started = Date.now();
      const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'StreamFunction', Payload: Buffer.from('{"rawPath":"/raw"}'), LogType: 'Tail' }));
      const chunks: Array<{ at: number; text: string }> = [];
      let complete: Record<string, unknown> | undefined;
      for await (const event of out.EventStream!) {
        if (event.PayloadChunk) chunks.push({ at: Date.now() - started, text: Buffer.from(event.PayloadChunk.Payload!).toString() });
        if (event.InvokeComplete) complete = { ...event.InvokeComplete };
      }
      expect(chunks.map((c) => c.text).join('')).toBe('first;second');
      expectApart(chunks, 'first;', 'second', 600);
      expect(complete!.ErrorCode).toBeUndefined();
      expect(Buffer.from(complete!.LogResult as string, 'base64').toString()).toContain('raw: first chunk written');

      const failed = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'StreamFunction', Payload: Buffer.from('{"rawPath":"/raw","fail":true}') }));
      const events = [];
      for await (const event of failed.EventStream!) events.push(event);
      expect(Buffer.from(events[0]!.PayloadChunk!.Payload!).toString()).toBe('first;');
      const end = events.at(-1)!.InvokeComplete!;
      expect(end.ErrorCode).toBe('Unhandled');
      expect(JSON.parse(end.ErrorDetails!)).toMatchObject({ errorType: 'TypeError', errorMessage: 'raw stream broke' });

      const stalled = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'StallFunction', Payload: Buffer.from('{"rawPath":"/stall"}') }));
      const stallEvents = [];
      for await (const event of stalled.EventStream!) stallEvents.push(event);
      expect(Buffer.concat(stallEvents.filter((e) => e.PayloadChunk).map((e) => e.PayloadChunk!.Payload!)).toString()).toContain('data: one');
      expect(stallEvents.at(-1)!.InvokeComplete!.ErrorCode).toBe('Sandbox.Timedout');
    } finally {
      lambda.destroy();
    }
  }, 90_000);
});
