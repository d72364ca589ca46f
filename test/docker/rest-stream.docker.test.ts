// start-api streams a REST route with ResponseTransferMode STREAM on the Docker runner, through the stand-in image's real aws-lambda-ric.
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';
import { expectApart } from '../helpers/streams.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/rest-stream/template.yaml', import.meta.url));

describe.skipIf(!dockerAvailable)('REST response streaming on the Docker runner (real aws-lambda-ric)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    await prepareStandIn();
    emu = await createEmulator({ template: TEMPLATE, runner: 'docker', skipPullImage: true, port: 0, lambdaPort: false, functionUrlPorts: false, logLevel: 'silent' });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => emu?.close(), SETUP_TIMEOUT_MS);

  it('streams the first event long before the second (1 s later), with the metadata’s status, headers and cookies; a failure after it cuts the connection', async () => {
    const started = Date.now();
    const res = await request(`${emu.apiUrl}/Prod/sse`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-multi']).toEqual(['a', 'b']);
    expect(res.headers['set-cookie']).toBe('session=s1; Path=/');
    const got: Array<{ at: number; text: string }> = [];
    for await (const chunk of res.body) got.push({ at: Date.now() - started, text: Buffer.from(chunk).toString() });
    expect(got.map((g) => g.text).join('')).toBe('data: one\n\ndata: two\n\n');
    expectApart(got, 'one', 'two', 600);

    const failed = await request(`${emu.apiUrl}/stream/fail`);
    expect(failed.statusCode).toBe(207);
    await expect(failed.body.text()).rejects.toThrow();
  }, 60_000);
});
