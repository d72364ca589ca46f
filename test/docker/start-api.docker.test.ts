// start-api --runner docker end to end, as a user runs it: answers, failures, the sandbox, memory, fan-out, an Image
// function built from its Dockerfile, and no container left after SIGINT, or after SIGKILL and a new start.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';
import { LABELS } from '../../src/runners/docker/labels.js';

const ARGS = ['start-api', '-t', 'fixtures/docker/app/template.yaml', '--runner', 'docker', '--skip-pull-image', '-p', '0'];

/** Containers a given emulator process started (they carry its pid). */
const containersOf = (pid: number) =>
  docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.pid}=${pid}`] } });

async function get(cli: RunningCli, path: string) {
  const res = await fetch(`${cli.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe.skipIf(!dockerAvailable)('emulate start-api --runner docker', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    await prepareStandIn();
    cli = await startCli(ARGS);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    if (cli.child.exitCode === null) await cli.stop();
  });

  it('answers from a container, as the unprivileged sandbox user', async () => {
    const ok = await get(cli, '/app/ok');
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, uid: 993 });
  });

  it('answers a function error with 500', async () => {
    const res = await get(cli, '/app/throw');
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it.each([
    ['a timeout', '/app/sleep?ms=3000'],
    ['a crash', '/app/crash'],
    ['memory past MemorySize', '/app/hog'],
  ])('answers %s with 500, and the next request gets a fresh container', async (_label, path) => {
    const before = (await get(cli, '/app/ok')).json().container;
    expect((await get(cli, path)).status).toBe(500);
    const after = await get(cli, '/app/ok');
    expect(after.status).toBe(200);
    expect(after.json().container).not.toBe(before);
  });

  it('fails a write outside /tmp, as in Lambda, and lets /tmp be written', async () => {
    expect((await get(cli, '/app/write')).json()).toEqual({ '/var/task/x': 'EROFS', '/opt/x': 'EROFS', '/x': 'EROFS', '/tmp/x': 'ok' });
  });

  it('lands concurrent requests in different containers', async () => {
    const [a, b] = await Promise.all([get(cli, '/app/sleep?ms=700'), get(cli, '/app/sleep?ms=700')]);
    expect(a.json().container).not.toBe(b.json().container);
  });

  it('serves an Image function built from its Dockerfile with the template\'s build arguments', async () => {
    const res = await get(cli, '/image');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ from: 'handler', greeting: 'from the template' });
  });

  it('leaves no container behind after SIGINT', async () => {
    const pid = cli.child.pid!;
    expect((await containersOf(pid)).length).toBeGreaterThan(0);
    cli.child.kill('SIGINT');
    await new Promise((r) => cli.child.once('exit', r));
    expect(cli.child.exitCode).toBe(0);
    expect(await containersOf(pid)).toEqual([]);
  });

  it('removes what a SIGKILLed emulator left behind at the next start', async () => {
    const killed = await startCli(ARGS);
    const pid = killed.child.pid!;
    // A request in flight keeps its container busy while the emulator dies.
    const inFlight = get(killed, '/app/sleep?ms=900').catch(() => undefined);
    await vi.waitFor(async () => expect((await containersOf(pid)).length).toBeGreaterThan(0), { timeout: 20_000, interval: 100 });
    killed.child.kill('SIGKILL');
    await inFlight;
    const next = await startCli(ARGS);
    try {
      await vi.waitFor(async () => expect(await containersOf(pid)).toEqual([]), { timeout: 20_000, interval: 200 });
    } finally {
      await next.stop();
    }
  }, 60_000);
});
