// The fault suite: misbehaving runtimes and clients through every front end and both runners. Each case gets
// Lambda's or API Gateway's answer, the emulator keeps serving, the next invocation is right, nothing leaks.
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { INVOKE_PATH, startCli, type RunningCli } from '../helpers/cli.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/faults/template.yaml', import.meta.url));
const TASK_ROOT = fileURLToPath(new URL('../../fixtures/faults/src/', import.meta.url));
const PROTOCOL = fileURLToPath(new URL('../../fixtures/faults/protocol/bootstrap', import.meta.url));
const RIC = fileURLToPath(new URL('../../fixtures/ric/node_modules/aws-lambda-ric/index.mjs', import.meta.url));

/** Runtime processes this test process started that are still alive (runners spawn them as our children). */
function childPids(): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps')
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}

interface Answer {
  status: number;
  headers: Headers;
  functionError: string | null;
  body: string;
  json(): Record<string, unknown>;
}

async function call(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(url, { method: init.method ?? 'POST', ...(init.body !== undefined ? { body: init.body } : {}), ...(init.headers ? { headers: init.headers } : {}) });
  const body = await res.text();
  return { status: res.status, headers: res.headers, functionError: res.headers.get('x-amz-function-error'), body, json: () => JSON.parse(body) as Record<string, unknown> };
}

/**
 * The Invoke API (start-lambda) cases: the function's answer or Lambda's error JSON with X-Amz-Function-Error.
 * The runtime that is killed 50 ms after answering would take down an invocation that reached it in those 50 ms
 * (as in Lambda), so the next invocation waits until the exit has happened and been seen.
 */
const SETTLE_MS: Record<string, number> = { 'exit-after': 500 };
const settle = (mode: string) => new Promise((r) => setTimeout(r, SETTLE_MS[mode] ?? 0));
const INVOKE_CASES: Array<[string, string, (a: Answer) => void]> = [
  ['a crash mid-invocation', 'crash', (a) => {
    expect(a.functionError).toBe('Unhandled');
    expect(a.json()).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 1') });
  }],
  ['a hang', 'hang', (a) => {
    expect(a.functionError).toBe('Unhandled');
    expect(a.json()).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 2.00 seconds') });
  }],
  ['an exit right after answering', 'exit-after', (a) => {
    expect(a.functionError).toBeNull();
    expect(a.json()).toMatchObject({ mode: 'exit-after' });
  }],
  ['megabytes of logs', 'logs', (a) => {
    expect(a.functionError).toBeNull();
    expect(a.json()).toEqual({ mode: 'logs', wrote: 3 * 1024 * 1024 });
  }],
  ['a response of 6 MB + 1 byte', 'big', (a) => {
    expect(a.functionError).toBe('Unhandled');
    expect(a.json()).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
  }],
];

/** The same faults through start-api: API Gateway's HTTP API answers. */
const API_CASES: Array<[string, string, number]> = [
  ['a crash mid-invocation', 'crash', 500],
  ['a hang (function timeout)', 'hang', 500],
  ['an exit right after answering', 'exit-after', 200],
  ['megabytes of logs', 'logs', 200],
  ['a response of 6 MB + 1 byte', 'big', 500],
];

function runnerSuite(runner: 'process' | 'docker') {
  let emu: Emulator;
  const invoke = (fn: string, event: unknown, headers: Record<string, string> = {}) =>
    call(`${emu.lambdaUrl}/2015-03-31/functions/${fn}/invocations`, { body: JSON.stringify(event), headers });
  const ok = async () => {
    const a = await invoke('Faulty', { mode: 'ok' });
    expect(a.status).toBe(200);
    expect(a.json()).toMatchObject({ mode: 'ok' });
  };

  beforeAll(async () => {
    if (runner === 'docker') await prepareStandIn();
    emu = await createEmulator({ template: TEMPLATE, runner, logLevel: 'silent' });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await emu?.close();
  });

  it.each(INVOKE_CASES)('start-lambda answers %s as Lambda does, then serves the next invocation', async (_label, mode, check) => {
    const a = await invoke('Faulty', { mode });
    expect(a.status).toBe(200);
    check(a);
    await settle(mode);
    await ok();
  });

  it.each(API_CASES)('start-api answers %s (/faulty/%s) with %i, then serves the next request', async (_label, mode, status) => {
    const a = await call(`${emu.apiUrl}/faulty/${mode}`, { method: 'GET' });
    expect(a.status).toBe(status);
    await settle(mode);
    if (status === 500) expect(a.json()).toEqual({ message: 'Internal Server Error' });
    expect((await call(`${emu.apiUrl}/faulty/ok`, { method: 'GET' })).status).toBe(200);
  });

  it.each([
    ['InitThrow', 'cannot initialise'],
    ['InitExit', 'exit status 2'],
  ])('answers a runtime that fails at init (%s) with the init error, every time', async (fn, text) => {
    for (let i = 0; i < 2; i++) {
      const a = await invoke(fn, {});
      expect(a.status).toBe(200);
      expect(a.functionError).toBe('Unhandled');
      expect(a.body).toContain(text);
    }
    expect((await call(`${emu.apiUrl}/init-throw`, { method: 'GET' })).status).toBe(500);
  });

  it('keeps only the tail of a flood of logs: X-Amz-Log-Result is the last 4 KB', async () => {
    const a = await invoke('Faulty', { mode: 'logs' }, { 'X-Amz-Log-Type': 'Tail' });
    expect(a.status).toBe(200);
    const tail = Buffer.from(a.headers.get('x-amz-log-result')!, 'base64');
    expect(tail.length).toBe(4096);
    expect(tail.toString()).toMatch(/xxxx\n(?:.*\n)?END RequestId: \S+\nREPORT RequestId: \S+\tDuration: [^\n]+\n$/);
  });

  it('survives a client that disconnects mid-invocation; the invocation ends and the next one is right', async () => {
    const controller = new AbortController();
    const pending = fetch(`${emu.apiUrl}/faulty/hang`, { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await ok();
  });

  it('reads a body sent slowly, chunk by chunk', async () => {
    const chunks = ['{"mode"', ':', '"ok"', ',"slow":', 'true}'];
    const body = Readable.from(
      (async function* () {
        for (const c of chunks) {
          await new Promise((r) => setTimeout(r, 100));
          yield Buffer.from(c);
        }
      })(),
    );
    const res = await request(`${emu.lambdaUrl}/2015-03-31/functions/Faulty/invocations`, { method: 'POST', body });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ mode: 'ok' });
  });

  if (runner === 'process') {
    it.each([
      ['garbage instead of a result', 'garbage', 500, undefined],
      ['a second response (the first one wins)', 'second-response', 200, 'first'],
      ['a response to the wrong request id first', 'wrong-id', 200, 'right id'],
      ['an answer and never a /next again', 'no-next', 200, 'answered, never back'],
    ])('start-api answers a runtime that posts %s (/protocol/%s) with %i', async (_label, mode, status, body) => {
      const a = await call(`${emu.apiUrl}/protocol/${mode}`, { method: 'GET' });
      expect(a.status).toBe(status);
      if (body !== undefined) expect(a.body).toBe(body);
      const next = await call(`${emu.apiUrl}/protocol/ok`, { method: 'GET' });
      expect(next.status).toBe(200);
      expect(next.body).toMatch(/^ok \d+$/);
    });

    it('tells the runtime 403 for a second response and 400 for a wrong request id', () => {
      const log = emu.logs.map((l) => l.text).join('');
      expect(log).toContain('second response answered 403');
      expect(log).toContain('wrong id answered 400');
    });
  }

  it('leaves no runtime behind after close', async () => {
    await emu.close();
    if (runner === 'process') {
      expect(childPids()).toEqual([]);
    } else {
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.instance}=${EMULATOR_INSTANCE}`] } });
      expect(left).toEqual([]);
    }
  });
}

describe('faults on the process runner', () => runnerSuite('process'));
describe.skipIf(!dockerAvailable)('faults on the Docker runner', () => runnerSuite('docker'));

describe('faults through emulate rie (RIE invoke endpoint)', () => {
  const ANY = ['--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0'];
  let ric: RunningCli;
  let protocol: RunningCli;
  beforeAll(async () => {
    ric = await startCli(['rie', ...ANY, '--', 'node', RIC, 'faulty.handler'], {
      env: { PATH: process.env.PATH ?? '', LAMBDA_TASK_ROOT: TASK_ROOT, AWS_LAMBDA_FUNCTION_TIMEOUT: '2' },
    });
    protocol = await startCli(['rie', ...ANY, '--', PROTOCOL], { env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_FUNCTION_TIMEOUT: '2' } });
  });
  afterAll(async () => {
    expect(await ric.stop()).toBe(0);
    expect(await protocol.stop()).toBe(0);
    expect(childPids()).toEqual([]);
  });

  it.each(INVOKE_CASES)('answers %s under the real aws-lambda-ric, then the next invocation', async (_label, mode, check) => {
    const a = await call(`${ric.url}${INVOKE_PATH}`, { body: JSON.stringify({ mode }) });
    expect(a.status).toBe(200);
    check(a);
    await settle(mode);
    const next = await call(`${ric.url}${INVOKE_PATH}`, { body: '{"mode":"ok"}' });
    expect(next.json()).toMatchObject({ mode: 'ok' });
  });

  it.each([
    ['garbage', '\u0000\u0001 not json at all'],
    ['second-response', '{"statusCode":200,"body":"first"}'],
    ['wrong-id', '{"statusCode":200,"body":"right id"}'],
    ['no-next', '{"statusCode":200,"body":"answered, never back"}'],
  ])('passes what a protocol-breaking runtime (%s) answered first, then serves the next invocation', async (mode, body) => {
    const a = await call(`${protocol.url}${INVOKE_PATH}`, { body: JSON.stringify({ mode }) });
    expect(a.status).toBe(200);
    expect(a.body).toBe(body);
    const next = await call(`${protocol.url}${INVOKE_PATH}`, { body: '{"mode":"ok"}' });
    expect(next.json()).toMatchObject({ statusCode: 200 });
  });

  it('survives a client that disconnects mid-invocation', async () => {
    const controller = new AbortController();
    const pending = fetch(`${ric.url}${INVOKE_PATH}`, { method: 'POST', body: '{"mode":"hang"}', signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    const next = await call(`${ric.url}${INVOKE_PATH}`, { body: '{"mode":"ok"}' });
    expect(next.json()).toMatchObject({ mode: 'ok' });
  });
});
