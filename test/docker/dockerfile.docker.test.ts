// The emulator's own Dockerfile, built on a local stand-in for node:20-bookworm-slim; opt-in, as it installs from the npm registry.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseStandIn, NODE_BASE_STAND_IN_TAG } from '../../fixtures/docker/stand-in/build.mjs';
import { docker, dockerAvailable } from './helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TAG = 'emulate:dockerfile-test';
const enabled = dockerAvailable && process.env.EMULATE_TEST_DOCKERFILE === '1';
if (dockerAvailable && !enabled) console.warn('Dockerfile test skipped: set EMULATE_TEST_DOCKERFILE=1 to build the image (needs the npm registry, about a minute)');

/** A port nothing listens on now (the OS picks it), for the container's host-network listeners. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const run = (args: string[]) => spawnSync('docker', args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });

describe.skipIf(!enabled)('the emulator Dockerfile', () => {
  beforeAll(async () => {
    await ensureNodeBaseStandIn({ docker });
    const build = run(['build', '--network', 'host', '--build-arg', `BASE_IMAGE=${NODE_BASE_STAND_IN_TAG}`, '-t', TAG, '.']);
    expect(build.status, build.stdout + build.stderr).toBe(0);
  }, 600_000);
  afterAll(() => {
    run(['rmi', TAG]);
  });

  it('runs the emulate CLI as a non-root user', () => {
    const version = run(['run', '--rm', '--network', 'host', TAG, '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const user = run(['inspect', '--format', '{{.Config.User}}', TAG]);
    expect(user.stdout.trim()).toBe('1000:1000');
  });

  it('runs emulate rie inside the image, answering an invocation of a bootstrap mounted into it', { timeout: 60_000 }, async () => {
    const name = `emulate-rie-${process.pid}`;
    const [port, apiPort] = [await freePort(), await freePort()];
    const started = run([
      'run', '-d', '--rm', '--name', name, '--network', 'host',
      '-v', `${REPO}fixtures/rie:/fixtures:ro`,
      TAG, 'rie', '--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', `127.0.0.1:${apiPort}`, '--', '/fixtures/scripted-runtime.mjs',
    ]);
    expect(started.status, started.stderr).toBe(0);
    try {
      let answer: Response | undefined;
      // Up to 30 s: the container's node starts slowly while the rest of the suite loads both cores.
      for (let i = 0; i < 300 && !answer; i++) {
        answer = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`, { method: 'POST', body: '{"action":"echo","in":"image"}' }).catch(() => undefined);
        if (!answer) await new Promise((r) => setTimeout(r, 100));
      }
      expect(answer?.status, run(['logs', name]).stdout + run(['logs', name]).stderr).toBe(200);
      expect(await answer!.json()).toMatchObject({ echo: { action: 'echo', in: 'image' } });
    } finally {
      run(['rm', '-f', name]);
    }
  });

  it('ships production dependencies only (no aws-lambda-ric, TypeScript or vitest)', () => {
    const probe = run(['run', '--rm', '--network', 'host', '--entrypoint', 'node', TAG, '-e', 'console.log(JSON.stringify(require("fs").readdirSync("node_modules")))']);
    const modules = JSON.parse(probe.stdout) as string[];
    expect(modules).toContain('dockerode');
    expect(modules.filter((m) => ['aws-lambda-ric', 'typescript', 'vitest'].includes(m))).toEqual([]);
  });
});
