// Missing images and unreachable daemons: one clear error naming what failed, quickly, never a hang.
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import { createDockerClient } from '../../src/runners/docker/client.js';
import { ensureImage } from '../../src/runners/docker/pull.js';
import { docker, dockerAvailable, Harness, nodeFunction } from './helpers.js';

/** An image no daemon here has, on a registry the sandbox cannot reach. */
const MISSING = 'public.ecr.aws/lambda/emulate-missing:0-x86_64';

describe.skipIf(!dockerAvailable)('pulling images', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  it('fails a pull that cannot reach the registry with one EMU_DOCKER_PULL_FAILED line naming the image, within seconds', async () => {
    const lines: string[] = [];
    const started = performance.now();
    const err = await ensureImage(docker, MISSING, { onProgress: (l) => lines.push(l), pullInactivityTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_PULL_FAILED');
    const message = (err as Error).message;
    expect(message.startsWith(`cannot pull image "${MISSING}": `)).toBe(true);
    expect(message).not.toContain('\n');
    expect(lines[0]).toBe(`Pulling ${MISSING}`);
  });

  it('fails a Zip function whose runtime image is missing when launching, naming the image', async () => {
    const fn = nodeFunction({ runtime: 'python3.14', handler: 'app.handler' });
    const err = await h.launch(fn, { invokeImage: MISSING, pullInactivityTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_PULL_FAILED');
    expect((err as Error).message).toContain(`"${MISSING}"`);
  });

  it('tells, when a Zip function\'s image cannot be pulled, what works without a registry', async () => {
    // A loopback "registry" that refuses connections: the port was free a moment ago and nothing listens on it.
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as import('node:net').AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const image = `127.0.0.1:${port}/lambda/python:3.12`;
    const fn = nodeFunction({ runtime: 'python3.12', handler: 'app.handler' });
    const err = await h.launch(fn, { invokeImage: image, pullInactivityTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_PULL_FAILED');
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    for (const hint of ['--runner process runs this python3.12 function', `make "${image}" local`, 'node fixtures/docker/stand-in/build.mjs --python']) {
      expect(message).toContain(hint);
    }
  });

  it('abandons a pull that stalls (a registry that accepts connections and never answers) after the inactivity bound', async () => {
    // A silent "registry" on loopback: the daemon connects and waits forever for an answer.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const image = `127.0.0.1:${port}/stalled:1`;
    try {
      const started = performance.now();
      const err = await ensureImage(docker, image, { pullInactivityTimeoutMs: 1500 }).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_PULL_FAILED');
      expect((err as Error).message).toBe(`cannot pull image "${image}": no progress for 1.5 s (is the registry reachable?)`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('does not pull with skipPull: a missing image is EMU_DOCKER_IMAGE_NOT_FOUND', async () => {
    const err = await ensureImage(docker, MISSING, { skipPull: true }).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_IMAGE_NOT_FOUND');
    expect((err as Error).message).toContain(MISSING);
  });
});

describe('an unreachable daemon', () => {
  it('makes dockerLaunch throw EMU_DOCKER_UNAVAILABLE in one line naming the socket', async () => {
    const h = new Harness();
    const unreachable = createDockerClient({ socketPath: '/nonexistent/docker.sock' });
    const err = await h.launch(nodeFunction(), { docker: unreachable }).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_UNAVAILABLE');
    expect((err as Error).message).toBe(
      'cannot reach the Docker daemon at unix:///nonexistent/docker.sock: no Docker socket there (start Docker, or run functions as host processes with --runner process)',
    );
  });
});
