// The Docker runner's pure parts, which need no daemon: image table, networking plans, exit wording, progress lines, create options, layers.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Architecture } from '../../src/core/model.js';
import type { DockerClient } from '../../src/runners/docker/client.js';
import { createOptions, describeContainerExit, type ContainerSpec } from '../../src/runners/docker/container.js';
import { baseImageFor, RUNTIME_IMAGES } from '../../src/runners/docker/images.js';
import { prepareLayers } from '../../src/runners/docker/layers.js';
import { containerRuntimeApi, planNetwork, runtimeApiBindAddress } from '../../src/runners/docker/network.js';
import { buildProgressRenderer, pullProgressRenderer } from '../../src/runners/docker/progress.js';
import { LAYERS_DIR, nodeFunction } from './fixtures.js';

describe('baseImageFor', () => {
  it.each<[string, Architecture, string]>([
    ['nodejs20.x', 'x86_64', 'public.ecr.aws/lambda/nodejs:20-x86_64'],
    ['nodejs24.x', 'arm64', 'public.ecr.aws/lambda/nodejs:24-arm64'],
    ['python3.12', 'arm64', 'public.ecr.aws/lambda/python:3.12-arm64'],
    ['python3.14', 'x86_64', 'public.ecr.aws/lambda/python:3.14-x86_64'],
    ['java8.al2', 'x86_64', 'public.ecr.aws/lambda/java:8.al2-x86_64'],
    ['java21', 'arm64', 'public.ecr.aws/lambda/java:21-arm64'],
    ['dotnet8', 'x86_64', 'public.ecr.aws/lambda/dotnet:8-x86_64'],
    ['ruby3.4', 'x86_64', 'public.ecr.aws/lambda/ruby:3.4-x86_64'],
    ['provided.al2023', 'arm64', 'public.ecr.aws/lambda/provided:al2023-arm64'],
    ['provided.al2', 'x86_64', 'public.ecr.aws/lambda/provided:al2-x86_64'],
    // Runtimes with one architecture keep the bare tag, as SAM names them.
    ['provided', 'x86_64', 'public.ecr.aws/lambda/provided:alami'],
    ['go1.x', 'x86_64', 'public.ecr.aws/lambda/go:1'],
    ['java8', 'x86_64', 'public.ecr.aws/lambda/java:8'],
  ])('%s on %s runs on %s', (runtime, arch, image) => {
    expect(baseImageFor('Fn', runtime, arch)).toBe(image);
  });

  it.each([
    ['an unknown runtime', 'cobol1.x', 'x86_64', /runtime "cobol1.x" has no Lambda base image/],
    ['no runtime', undefined, 'x86_64', /runtime "" has no Lambda base image/],
    ['an architecture the runtime lacks', 'go1.x', 'arm64', /runtime go1.x has no arm64 image \(only x86_64\)/],
  ] as const)('refuses %s with EMU_RUNNER_UNSUPPORTED', (_label, runtime, arch, message) => {
    const err = (() => {
      try {
        return baseImageFor('Fn', runtime, arch);
      } catch (e) {
        return e;
      }
    })();
    expect(isEmulatorError(err) && err.code).toBe('EMU_RUNNER_UNSUPPORTED');
    expect((err as Error).message).toMatch(message);
  });

  it('gives every runtime in the table an image reference Docker accepts', () => {
    for (const [runtime, entry] of Object.entries(RUNTIME_IMAGES)) {
      for (const arch of entry.architectures) {
        expect(baseImageFor('Fn', runtime, arch)).toMatch(/^public\.ecr\.aws\/lambda\/[a-z]+:[a-z0-9._-]+$/);
      }
    }
  });
});

describe('planNetwork', () => {
  it.each([
    ['Linux by default', { platform: 'linux' as const }, { networkMode: 'host', hostNetwork: true, extraHosts: [], containerHost: undefined }],
    ['macOS by default', { platform: 'darwin' as const }, { networkMode: 'bridge', hostNetwork: false, extraHosts: ['host.docker.internal:host-gateway'], containerHost: 'host.docker.internal' }],
    ['Windows by default', { platform: 'win32' as const }, { networkMode: 'bridge', hostNetwork: false, extraHosts: ['host.docker.internal:host-gateway'], containerHost: 'host.docker.internal' }],
    ['a named network on Linux', { platform: 'linux' as const, dockerNetwork: 'my-net' }, { networkMode: 'my-net', hostNetwork: false, extraHosts: ['host.docker.internal:host-gateway'], containerHost: 'host.docker.internal' }],
    ['--container-host on a bridge', { platform: 'darwin' as const, containerHost: 'gateway.local' }, { networkMode: 'bridge', hostNetwork: false, extraHosts: ['host.docker.internal:host-gateway'], containerHost: 'gateway.local' }],
    ['--docker-network host elsewhere', { platform: 'darwin' as const, dockerNetwork: 'host' }, { networkMode: 'host', hostNetwork: true, extraHosts: [], containerHost: undefined }],
  ])('%s', (_label, options, plan) => {
    expect(planNetwork(options)).toEqual(plan);
  });

  it.each([
    [{ platform: 'linux' as const }, '127.0.0.1:9001', '127.0.0.1:9001'],
    [{ platform: 'darwin' as const }, '127.0.0.1:9001', 'host.docker.internal:9001'],
    [{ platform: 'linux' as const, containerHost: 'localhost' }, '127.0.0.1:9001', 'localhost:9001'],
  ])('gives containers of %j the Runtime API %s as %s', (options, listener, seen) => {
    expect(containerRuntimeApi(planNetwork(options), listener)).toBe(seen);
  });

  it('binds the Runtime API on loopback for host networking and Docker Desktop, on the network gateway for a Linux bridge', async () => {
    // Bridge networking cannot run here (dockerd --bridge=none); a two-method stand-in answers the network inspect.
    const fake = { getNetwork: (name: string) => ({ inspect: async () => ({ Name: name, IPAM: { Config: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Gateway: '172.17.0.1' }] } }) }) } as unknown as DockerClient;
    expect(await runtimeApiBindAddress(fake, { platform: 'linux' })).toBe('127.0.0.1');
    expect(await runtimeApiBindAddress(fake, { platform: 'darwin' })).toBe('127.0.0.1');
    expect(await runtimeApiBindAddress(fake, { platform: 'linux', dockerNetwork: 'bridge' })).toBe('172.17.0.1');
  });
});

describe('describeContainerExit', () => {
  it.each([
    [0, 'exit status 0'],
    [1, 'exit status 1'],
    [3, 'exit status 3'],
    [137, 'signal: killed'],
    [139, 'signal: segmentation fault'],
    [143, 'signal: terminated'],
    [255, 'exit status 255'],
    [null, 'exit status unknown (the daemon stopped reporting)'],
  ])('reads status %s as "%s"', (status, description) => {
    expect(describeContainerExit(status).description).toBe(description);
  });
});

describe('progress lines', () => {
  it('prints each layer status once and byte progress in quarter steps', () => {
    const lines: string[] = [];
    const render = pullProgressRenderer((l) => lines.push(l));
    const total = 20 * 1024 * 1024;
    render({ status: 'Pulling from lambda/nodejs', id: '20-x86_64' });
    render({ status: 'Pulling fs layer', id: 'a1' });
    render({ status: 'Waiting', id: 'a1' });
    for (const current of [0, 1, 2, 5, 6, 10, 12, 15, 19, 20].map((mb) => mb * 1024 * 1024)) {
      render({ status: 'Downloading', id: 'a1', progressDetail: { current, total } });
    }
    render({ status: 'Download complete', id: 'a1' });
    render({ status: 'Pull complete', id: 'a1' });
    render({ status: 'Digest: sha256:abc' });
    render({ status: 'Status: Downloaded newer image for public.ecr.aws/lambda/nodejs:20-x86_64' });
    expect(lines).toEqual([
      '20-x86_64: Pulling from lambda/nodejs',
      'a1: Pulling fs layer',
      'a1: Waiting',
      'a1: Downloading 0% of 20.0 MB',
      'a1: Downloading 25% of 20.0 MB',
      'a1: Downloading 50% of 20.0 MB',
      'a1: Downloading 75% of 20.0 MB',
      'a1: Downloading 100% of 20.0 MB',
      'a1: Download complete',
      'a1: Pull complete',
      'Digest: sha256:abc',
      'Status: Downloaded newer image for public.ecr.aws/lambda/nodejs:20-x86_64',
    ]);
  });

  it('passes build output on as whole lines, however the builder split it', () => {
    const lines: string[] = [];
    const render = buildProgressRenderer((l) => lines.push(l));
    render({ stream: 'Step 1/2 : FROM x\n ---> ab' });
    render({ stream: 'c123\n' });
    render({ aux: { ID: 'sha256:1' } });
    render({ stream: '\n' });
    render({ stream: 'Successfully built abc123\n' });
    expect(lines).toEqual(['Step 1/2 : FROM x', ' ---> abc123', 'Successfully built abc123']);
  });

  it('passes build output on as plain text: colour and cursor escapes are dropped', () => {
    const lines: string[] = [];
    const render = buildProgressRenderer((l) => lines.push(l));
    render({ stream: '\x1b[1m\x1b[32madded 3 packages\x1b[39m\x1b[22m in 2s\n\x1b[2K\x1b[1G\x1b]0;npm\x07done\n' });
    expect(lines).toEqual(['added 3 packages in 2s', 'done']);
  });
});

describe('createOptions', () => {
  const spec = (overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
    functionName: 'Fn',
    image: 'public.ecr.aws/lambda/nodejs:20-x86_64',
    cmd: ['index.handler'],
    env: { A: '1' },
    mounts: [{ source: '/code', target: '/var/task' }],
    labels: { 'emulate.managed': 'true' },
    memoryMb: 128,
    tmpMb: 512,
    sandbox: true,
    user: '993:990',
    network: planNetwork({ platform: 'linux' }),
    ...overrides,
  });

  it('makes a sandboxed container Lambda-like: read-only root, sandbox user, no capabilities, sized /tmp, memory without swap', () => {
    const options = createOptions(spec());
    expect(options).toMatchObject({
      Image: 'public.ecr.aws/lambda/nodejs:20-x86_64',
      Cmd: ['index.handler'],
      Env: ['A=1'],
      User: '993:990',
      HostConfig: {
        Init: true,
        AutoRemove: true,
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        NetworkMode: 'host',
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        PidsLimit: 1024,
        Tmpfs: { '/tmp': 'rw,exec,nosuid,nodev,size=512m,mode=1777' },
        Mounts: [{ Type: 'bind', Source: '/code', Target: '/var/task', ReadOnly: true }],
      },
    });
    expect(options.Entrypoint).toBeUndefined();
  });

  it('drops the sandbox and the memory limit when told to, and adds host.docker.internal on a bridge', () => {
    const { memoryMb: _memoryMb, ...noLimit } = spec({ sandbox: false, network: planNetwork({ platform: 'darwin' }) });
    const options = createOptions(noLimit);
    expect(options.User).toBeUndefined();
    expect(options.HostConfig?.ReadonlyRootfs).toBeUndefined();
    expect(options.HostConfig?.Memory).toBeUndefined();
    expect(options.HostConfig?.ExtraHosts).toEqual(['host.docker.internal:host-gateway']);
    expect(options.HostConfig?.NetworkMode).toBe('bridge');
  });
});

describe('prepareLayers', () => {
  const local = (name: string) => ({ kind: 'local' as const, logicalId: name, arn: `arn:${name}`, contentDir: join(LAYERS_DIR, name) });

  it('mounts nothing without local layers, and skips remote ones', () => {
    const mount = prepareLayers(nodeFunction({ layers: [{ kind: 'remote', arn: 'arn:aws:lambda:us-east-1:1:layer:x:1' }] }), silentLogger());
    expect(mount.source).toBeUndefined();
  });

  it('mounts a single layer directory read-only at /opt without copying', () => {
    expect(prepareLayers(nodeFunction({ layers: [local('first')] }), silentLogger()).source).toBe(join(LAYERS_DIR, 'first'));
  });

  it('merges several layers into one temporary directory, later layers winning, and deletes it on dispose', () => {
    const mount = prepareLayers(nodeFunction({ layers: [local('first'), local('second')] }), silentLogger());
    const dir = mount.source!;
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(readdirSync(join(dir, 'nodejs', 'node_modules')).sort()).toEqual(['a', 'b']);
    expect(readFileSync(join(dir, 'nodejs', 'shared.txt'), 'utf8').trim()).toBe('second');
    mount.dispose();
    expect(() => readdirSync(dir)).toThrow();
  });
});
