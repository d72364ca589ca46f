// The emulator's own Dockerfile, built on a local stand-in for node:20-bookworm-slim; opt-in, as it installs from the npm registry.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseStandIn, NODE_BASE_STAND_IN_TAG } from '../../fixtures/docker/stand-in/build.mjs';
import { docker, dockerAvailable } from './helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TAG = 'emulate:dockerfile-test';
const enabled = dockerAvailable && process.env.EMULATE_TEST_DOCKERFILE === '1';
if (dockerAvailable && !enabled) console.warn('Dockerfile test skipped: set EMULATE_TEST_DOCKERFILE=1 to build the image (needs the npm registry, about a minute)');

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

  it('ships production dependencies only (no aws-lambda-ric, TypeScript or vitest)', () => {
    const probe = run(['run', '--rm', '--network', 'host', '--entrypoint', 'node', TAG, '-e', 'console.log(JSON.stringify(require("fs").readdirSync("node_modules")))']);
    const modules = JSON.parse(probe.stdout) as string[];
    expect(modules).toContain('dockerode');
    expect(modules.filter((m) => ['aws-lambda-ric', 'typescript', 'vitest'].includes(m))).toEqual([]);
  });
});
