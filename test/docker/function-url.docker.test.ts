// Function URLs on the Docker runner: the stand-in image's real aws-lambda-ric streams a RESPONSE_STREAM handler to an undici client.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/function-url/template.yaml', import.meta.url));

describe.skipIf(!dockerAvailable)('Function URLs on the Docker runner (real aws-lambda-ric)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    await prepareStandIn();
    emu = await createEmulator({ template: TEMPLATE, runner: 'docker', skipPullImage: true, port: false, lambdaPort: false, functionUrlPorts: 0, logLevel: 'silent' });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => emu?.close());

  it('streams the first event long before the second, written 1 s later, with the prelude’s status, headers and cookies', async () => {
    const started = Date.now();
    const res = await request(`${emu.functionUrls.StreamFunction!.url}sse`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-stream']).toBe('sse');
    expect(res.headers['set-cookie']).toBe('session=s1; Path=/');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const arrivals: Array<{ at: number; text: string }> = [];
    for await (const chunk of res.body) arrivals.push({ at: Date.now() - started, text: Buffer.from(chunk).toString() });
    expect(arrivals.map((a) => a.text).join('')).toBe('data: one\n\ndata: two\n\n');
    const first = arrivals.find((a) => a.text.includes('one'))!;
    const second = arrivals.find((a) => a.text.includes('two'))!;
    expect(first.text.includes('two')).toBe(false);
    expect(second.at - first.at).toBeGreaterThan(600);
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
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of res.body) got.push(Buffer.from(chunk).toString());
      })(),
    ).rejects.toThrow();
    expect(got.join('')).toBe('data: one\n\n');
  }, 60_000);

  it('answers a buffered URL with an event Powertools accepts', async () => {
    const res = await request(`${emu.functionUrls.EchoFunction!.url}x?y=1`, { headers: { cookie: 'a=1' } });
    expect(res.statusCode).toBe(200);
    const event = await res.body.json();
    expect(LambdaFunctionUrlSchema.safeParse(event).success).toBe(true);
  }, 60_000);
});
