// Every listener the emulator owns binds 127.0.0.1 unless told otherwise, read from the kernel's socket table; Runtime API listeners never follow --host.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { INVOKE_PATH, startCli, type RunningCli } from '../helpers/cli.js';
import {
  descendantsOf, listenersOf, netnsAvailable, procAvailable, SECURITY_FIXTURE, startIsolatedCli, type IsolatedCli, type Listener,
} from './helpers.js';

const RIC = fileURLToPath(new URL('../../fixtures/ric/node_modules/aws-lambda-ric/index.mjs', import.meta.url));
const RIE_TASK_ROOT = fileURLToPath(new URL('../../fixtures/rie/', import.meta.url));
const LAMBDA_INVOKE = (name: string) => `/2015-03-31/functions/${name}/invocations`;
const show = (ls: readonly Listener[]) => ls.map((l) => `${l.address}:${l.port}`).join(', ');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** Listeners `pid` opened since `before`. */
const opened = (pid: number, before: readonly Listener[]) =>
  listenersOf(pid).filter((l) => !before.some((b) => b.address === l.address && b.port === l.port));

/** No runtime (or anything it started) holds a listening socket: they are clients of their Runtime API only. */
function expectQuietDescendants(pid: number): void {
  const children = descendantsOf(pid);
  for (const child of children) expect(listenersOf(child), `process ${child} below the emulator listens`).toEqual([]);
}

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(!procAvailable)('createEmulator binds loopback only', () => {
  async function emulator(host?: string): Promise<{ emu: Emulator; before: Listener[] }> {
    const before = listenersOf(process.pid);
    const emu = await createEmulator({ template: SECURITY_FIXTURE, runner: 'process', logLevel: 'silent', ...(host ? { host } : {}) });
    cleanups.push(() => emu.close());
    return { emu, before };
  }

  /** Runs invocations through both front ends and four at once through the API, so several environments exist. */
  async function drive(emu: Emulator): Promise<string[]> {
    expect((await fetch(`${emu.apiUrl}/env`)).status).toBe(200);
    const invoked = await fetch(`${emu.lambdaUrl}${LAMBDA_INVOKE('EnvFunction')}`, { method: 'POST', body: '{}' });
    expect(invoked.status).toBe(200);
    await invoked.arrayBuffer();
    const slow = await Promise.all(Array.from({ length: 4 }, async () => {
      const res = await fetch(`${emu.apiUrl}/slow`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { runtimeApi: string }).runtimeApi;
    }));
    return [...new Set(slow)];
  }

  it('binds the API front end, the Invoke API and every Runtime API listener to 127.0.0.1 by default', async () => {
    const { emu, before } = await emulator();
    const runtimeApis = await drive(emu);
    const mine = opened(process.pid, before);
    console.log(`default createEmulator listeners: ${show(mine)} (Runtime APIs the functions saw: ${runtimeApis.join(', ')})`);
    expect(mine.map((l) => l.address)).toEqual(mine.map(() => '127.0.0.1'));
    const ports = mine.map((l) => l.port);
    expect(ports).toContain(portOf(emu.apiUrl!));
    expect(ports).toContain(portOf(emu.lambdaUrl!));
    expect(runtimeApis.length).toBeGreaterThan(1);
    for (const api of runtimeApis) {
      expect(api).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(ports).toContain(Number(api.split(':')[1]));
    }
    // Front ends, EnvFunction's environment and the SlowFunction ones: nothing else opened.
    expect(mine.length).toBeGreaterThanOrEqual(2 + 1 + runtimeApis.length);
    expectQuietDescendants(process.pid);
  });

  it.each(['127.0.0.2', '::1'])('puts the front ends on host %s and keeps the Runtime API listeners on 127.0.0.1', async (host) => {
    const { emu, before } = await emulator(host);
    const runtimeApis = await drive(emu);
    const mine = opened(process.pid, before);
    console.log(`createEmulator({ host: '${host}' }) listeners: ${show(mine)}`);
    const front = [portOf(emu.apiUrl!), portOf(emu.lambdaUrl!)];
    expect(mine.filter((l) => front.includes(l.port))).toEqual(front.map((port) => ({ address: host, port })).sort((a, b) => a.port - b.port));
    const rest = mine.filter((l) => !front.includes(l.port));
    expect(rest.length).toBeGreaterThan(1);
    expect(rest.map((l) => l.address)).toEqual(rest.map(() => '127.0.0.1'));
    for (const api of runtimeApis) expect(api).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe.skipIf(!netnsAvailable())('the CLI with its real defaults, alone in a network namespace', () => {
  async function isolated(args: string[], env: Record<string, string> = {}): Promise<IsolatedCli> {
    const cli = await startIsolatedCli(args, env);
    cleanups.push(() => cli.stop());
    return cli;
  }

  it('start-api listens on 127.0.0.1:3000 without flags, and its Runtime API listeners on 127.0.0.1', async () => {
    const cli = await isolated(['start-api', '-t', SECURITY_FIXTURE, '--runner', 'process']);
    const slow = await Promise.all(Array.from({ length: 3 }, () => cli.fetch('http://127.0.0.1:3000/slow')));
    expect(slow.map((r) => r.status)).toEqual([200, 200, 200]);
    const ls = listenersOf(cli.pid);
    console.log(`emulate start-api (no flags) listeners: ${show(ls)}`);
    expect(ls).toContainEqual({ address: '127.0.0.1', port: 3000 });
    expect(ls.length).toBeGreaterThan(1);
    expect(ls.map((l) => l.address)).toEqual(ls.map(() => '127.0.0.1'));
    expectQuietDescendants(cli.pid);
  });

  it.each([
    ['start-api', 3000, '/slow'],
    ['start-lambda', 3001, LAMBDA_INVOKE('SlowFunction')],
  ])('%s --host 0.0.0.0 binds the front end there but every Runtime API listener to 127.0.0.1', async (command, port, path) => {
    const cli = await isolated([command, '-t', SECURITY_FIXTURE, '--runner', 'process', '--host', '0.0.0.0', '--warm-containers', 'EAGER']);
    const init = command === 'start-lambda' ? { method: 'POST', body: '{}' } : {};
    const answers = await Promise.all(Array.from({ length: 3 }, () => cli.fetch(`http://127.0.0.1:${port}${path}`, init)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const ls = listenersOf(cli.pid);
    console.log(`emulate ${command} --host 0.0.0.0 listeners: ${show(ls)}`);
    expect(ls.filter((l) => l.port === port)).toEqual([{ address: '0.0.0.0', port }]);
    const runtimeApis = ls.filter((l) => l.port !== port);
    // EAGER: one environment per function at start-up (3), and more for the overlapping slow requests.
    expect(runtimeApis.length).toBeGreaterThanOrEqual(3);
    expect(runtimeApis.map((l) => l.address)).toEqual(runtimeApis.map(() => '127.0.0.1'));
    for (const { body } of answers) expect(JSON.parse(body)).toEqual({ runtimeApi: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expectQuietDescendants(cli.pid);
  });

  it('rie without address flags: invoke endpoint 0.0.0.0:8080 like RIE, Runtime API 127.0.0.1:9001, extra environments on 127.0.0.1', async () => {
    const cli = await isolated(['rie', '--max-concurrency', '3', '--', process.execPath, RIC, 'handlers.sleeps'], { LAMBDA_TASK_ROOT: RIE_TASK_ROOT });
    expect(listenersOf(cli.pid)).toEqual([{ address: '0.0.0.0', port: 8080 }, { address: '127.0.0.1', port: 9001 }]);
    const answers = await Promise.all(Array.from({ length: 3 }, () => cli.fetch(`http://127.0.0.1:8080${INVOKE_PATH}`, { method: 'POST', body: '{"ms":300}' })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const ls = listenersOf(cli.pid);
    console.log(`emulate rie (no address flags, --max-concurrency 3) listeners: ${show(ls)}`);
    expect(ls[0]).toEqual({ address: '0.0.0.0', port: 8080 });
    expect(ls).toContainEqual({ address: '127.0.0.1', port: 9001 });
    const runtimeApis = ls.filter((l) => l.port !== 8080);
    expect(runtimeApis.length).toBe(new Set(answers.map((a) => (JSON.parse(a.body) as { pid: number }).pid)).size);
    expect(runtimeApis.map((l) => l.address)).toEqual(runtimeApis.map(() => '127.0.0.1'));
    expectQuietDescendants(cli.pid);
  });
});

/** Whether 127.0.0.1:9001 (rie's default Runtime API port) is free right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Without a private namespace (not root), rie's default Runtime API address is still checked when its port is free.
describe.skipIf(!procAvailable || netnsAvailable())('emulate rie on the host network', () => {
  it("keeps rie's default Runtime API on 127.0.0.1:9001", async (ctx) => {
    if (!(await portFree(9001))) ctx.skip();
    const cli: RunningCli = await startCli(['rie', '--runtime-interface-emulator-address', '127.0.0.1:0', '--', process.execPath, RIC, 'handlers.ok'], {
      env: { PATH: process.env.PATH ?? '', LAMBDA_TASK_ROOT: RIE_TASK_ROOT },
    });
    cleanups.push(() => cli.stop());
    expect((await fetch(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body: '{}' })).status).toBe(200);
    const ls = listenersOf(cli.child.pid!);
    expect(ls).toEqual([{ address: '127.0.0.1', port: portOf(cli.url) }, { address: '127.0.0.1', port: 9001 }].sort((a, b) => a.port - b.port));
  });
});
