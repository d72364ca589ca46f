// A Docker daemon that stops mid-run: invocations fail with one clear error and the emulator keeps serving;
// when the daemon is back, so are the functions. Runs its own dockerd so that other tests keep theirs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLambdaStandIn } from '../../fixtures/docker/stand-in/build.mjs';
import { createEmulator, type Emulator } from '../../src/index.js';
import { createDockerClient, type DockerClient } from '../../src/runners/docker/client.js';
import { dockerAvailable, SETUP_TIMEOUT_MS } from '../docker/helpers.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/lambda/template.yaml', import.meta.url));
const canRunDaemon = dockerAvailable && process.getuid?.() === 0 && spawnSync('dockerd', ['--version']).status === 0;

describe.skipIf(!canRunDaemon)('the Docker daemon stopping mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulate-dockerd-'));
  const socket = join(dir, 'docker.sock');
  let daemon: ChildProcess | undefined;
  let docker: DockerClient;
  let emu: Emulator;
  const previousHost = process.env.DOCKER_HOST;

  async function startDaemon(): Promise<void> {
    // Host networking only, as every daemon here: no bridge, no iptables.
    daemon = spawn('dockerd', ['--host', `unix://${socket}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '--bridge=none', '--iptables=false'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 120; i++) {
      try {
        await docker.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error('the test daemon did not start');
  }

  async function stopDaemon(): Promise<void> {
    const d = daemon;
    daemon = undefined;
    if (!d || d.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      d.once('exit', () => resolve());
      d.kill('SIGTERM');
    });
  }

  beforeAll(async () => {
    process.env.DOCKER_HOST = `unix://${socket}`;
    docker = createDockerClient();
    await startDaemon();
    await ensureLambdaStandIn({ docker });
    emu = await createEmulator({ template: TEMPLATE, runner: 'docker', logLevel: 'silent', port: false, lambdaPort: false });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await emu?.close();
    await stopDaemon();
    if (previousHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previousHost;
    // The daemon leaves mounts (its network namespace) under its exec root: detach them, then remove the folder.
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const target = line.split(' ')[1];
      if (target?.startsWith(dir)) spawnSync('umount', ['-l', target]);
    }
    rmSync(dir, { recursive: true, force: true });
  }, SETUP_TIMEOUT_MS);

  it('answers with one clear error while the daemon is gone, and serves again once it is back', async () => {
    expect((await emu.invoke('echo', { n: 1 })).ok).toBe(true);

    await stopDaemon();
    for (let i = 0; i < 2; i++) {
      const down = await emu.invoke('echo', { n: 2 });
      expect(down.ok).toBe(false);
      expect(!down.ok && down.error).toMatchObject({
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: expect.stringMatching(/^RequestId: \S+ Error: cannot start the container of function echo: /),
      });
    }

    await startDaemon();
    const back = await emu.invoke('echo', { n: 3 });
    expect(back.ok).toBe(true);
    expect(back.value).toMatchObject({ event: { n: 3 } });
    await emu.close();
    expect(await docker.listContainers({ all: true })).toEqual([]);
  }, SETUP_TIMEOUT_MS);
});
