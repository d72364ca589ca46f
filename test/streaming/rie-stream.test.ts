// `emulate rie` streams a streaming function's body as it comes (as newer RIE builds do), with the real aws-lambda-ric.
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { INVOKE_PATH, startCli, type RunningCli } from '../helpers/cli.js';
import { arrivals, cutBody, expectApart } from '../helpers/streams.js';

const RIC = fileURLToPath(new URL('../../fixtures/ric/node_modules/aws-lambda-ric/index.mjs', import.meta.url));
const TASK_ROOT = fileURLToPath(new URL('../../fixtures/function-url/src/', import.meta.url));
const ANY_PORTS = ['--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0'];

let running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.map((cli) => cli.stop()));
  running = [];
});

async function rie(env: Record<string, string> = {}): Promise<RunningCli> {
  const cli = await startCli(['rie', ...ANY_PORTS, '--', 'node', RIC, 'stream.handler'], {
    env: { PATH: process.env.PATH ?? '', LAMBDA_TASK_ROOT: TASK_ROOT, ...env },
  });
  running.push(cli);
  return cli;
}

/** Reads a body chunk by chunk, with each chunk's arrival time. */
describe('emulate rie with a streaming handler (real aws-lambda-ric)', () => {
  it('sends the first chunk long before the second is written (1 s later), chunked, with the function’s Content-Type', async () => {
    const cli = await rie();
    const started = Date.now();
    const res = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw"}' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const got = await arrivals(res.body, started);
    expect(got.map((a) => a.text).join('')).toBe('first;second');
    expectApart(got, 'first;', 'second', 600);
  }, 20_000);

  it('ends the body abruptly when the handler throws after the first chunk, and serves the next invocation', async () => {
    const cli = await rie();
    const res = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw","fail":true}' });
    expect(res.statusCode).toBe(200);
    expect(await cutBody(res.body)).toBe('first;');
    const next = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw"}' });
    expect(await next.body.text()).toBe('first;second');
  }, 20_000);

  it('ends the body at AWS_LAMBDA_FUNCTION_TIMEOUT mid-stream, and serves the next invocation', async () => {
    const cli = await rie({ AWS_LAMBDA_FUNCTION_TIMEOUT: '2' });
    const res = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/stall"}' });
    expect(await cutBody(res.body)).toContain('data: one');
    const next = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw"}' });
    expect(await next.body.text()).toBe('first;second');
  }, 30_000);

  it('goes on serving after a client disconnects mid-stream', async () => {
    const cli = await rie();
    const controller = new AbortController();
    const res = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw"}', signal: controller.signal });
    const iterator = res.body[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value as Buffer).toString()).toBe('first;');
    controller.abort();
    const next = await request(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{"rawPath":"/raw"}' });
    expect(await next.body.text()).toBe('first;second');
  }, 20_000);
});
