// Zip functions in containers on the (stand-in) AWS Node.js base image, driven through real environments and the real aws-lambda-ric.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { LABELS, removeLeftoverContainers } from '../../src/runners/docker/labels.js';
import { SANDBOX_USER } from '../../src/runners/docker/runner.js';
import { body, docker, dockerAvailable, event, LAYERS_DIR, nodeFunction, prepareStandIn, SETUP_TIMEOUT_MS, useStandInHarness } from './helpers.js';

type Echo = { generation: string; uid: number; gid: number; cwd: string; functionName: string; memoryLimitInMB: string; env: Record<string, string | undefined> };

describe.skipIf(!dockerAvailable)('Docker runner: Zip functions on the AWS base image', () => {
  const harness = useStandInHarness();

  it('answers with what the handler returned, run by aws-lambda-ric as the sandbox user with Lambda\'s variables', async () => {
    const fn = nodeFunction({ environment: { TABLE: 'items' } });
    const env = await harness().environment(fn);
    const result = await env.invoke(event({ hello: 'world' }));
    expect(result.ok).toBe(true);
    const answer = body<Echo & { event: unknown }>(result);
    expect(answer.event).toEqual({ hello: 'world' });
    expect(answer.functionName).toBe('DockerFn');
    expect(answer.memoryLimitInMB).toBe('128');
    expect(`${answer.uid}:${answer.gid}`).toBe(SANDBOX_USER);
    expect(answer.cwd).toBe('/var/task');
    expect(answer.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'DockerFn',
      LAMBDA_TASK_ROOT: '/var/task',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      _HANDLER: 'index.echo',
      TABLE: 'items',
      AWS_REGION: 'us-east-1',
      // The image's PATH, not the host's.
      PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    });
    expect(answer.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(result.initDurationMs).toBeGreaterThan(0);

    const warm = await env.invoke(event({ again: true }));
    expect(body<Echo>(warm).generation).toBe(answer.generation);
    expect(warm.initDurationMs).toBeUndefined();
  });

  it('returns a thrown error as the RIC posts it, with the function\'s log', async () => {
    const env = await harness().environment(nodeFunction({ handler: 'index.throws' }));
    const result = await env.invoke(event({}));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.kind).toBe('function');
    expect(!result.ok && result.error).toMatchObject({ errorType: 'MyCustomError', errorMessage: 'kaboom' });
    expect(result.log).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"MyCustomError"/);
  });

  it('kills and removes the container of a timed-out invocation; the next one starts a fresh container', async () => {
    const env = await harness().environment(nodeFunction({ handler: 'index.sleep', timeoutSeconds: 1 }));
    const first = await env.invoke(event({ ms: 10 }));
    const [container] = await harness().containers();
    expect(container).toBeDefined();

    const timedOut = await env.invoke(event({ ms: 10_000 }));
    expect(!timedOut.ok && timedOut.kind).toBe('timeout');
    expect(!timedOut.ok && timedOut.error.errorMessage).toContain('Task timed out after 1.00 seconds');
    await vi.waitFor(async () => expect((await harness().containers()).map((c) => c.Id)).not.toContain(container!.Id), { timeout: 5000 });

    const next = await env.invoke(event({ ms: 1 }));
    expect(next.ok).toBe(true);
    expect(body<{ generation: string }>(next).generation).not.toBe(body<{ generation: string }>(first).generation);
    expect(next.initDurationMs).toBeGreaterThan(0);
  });

  it('reports process.exit as Runtime.ExitError with the output, removes that container, and serves the next invocation', async () => {
    const fn = nodeFunction({ handler: 'index.exits' });
    const h2 = harness();
    const launch = await h2.launch(fn);
    const env = await h2.environment(fn, {}, launch);
    const crashed = await env.invoke(event({}));
    expect(!crashed.ok && crashed.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`,
    });
    expect(crashed.log).toContain('about to exit');
    await vi.waitFor(async () => expect(await harness().containers()).toEqual([]), { timeout: 5000 });

    const again = await env.invoke(event({}));
    expect(!again.ok && again.error.errorType).toBe('Runtime.ExitError');
    expect(again.initDurationMs).toBeGreaterThan(0);
  });

  it.each([
    ['/var/task/new-file', 'EROFS'],
    ['/opt/new-file', 'EROFS'],
    ['/etc/new-file', 'EROFS'],
    ['/tmp/new-file', 'ok'],
  ])('sandboxed code writing %s gets %s, as in Lambda', async (path, expected) => {
    const env = await harness().environment(nodeFunction({ handler: 'index.writes' }));
    const result = await env.invoke(event({ paths: [path] }));
    expect(body(result)).toEqual({ [path]: expected });
  });

  it('runs as root on a writable root filesystem with sandbox: false (the code mount stays read-only)', async () => {
    const env = await harness().environment(nodeFunction({ handler: 'index.writes' }), { sandbox: false });
    const result = await env.invoke(event({ paths: ['/etc/new-file', '/var/task/new-file', '/tmp/new-file'] }));
    expect(body(result)).toEqual({ '/etc/new-file': 'ok', '/var/task/new-file': 'EROFS', '/tmp/new-file': 'ok' });
  });

  it('creates the container with MemorySize as its memory limit, /tmp sized by EphemeralStorage, an init, and emulate labels', async () => {
    const fn = nodeFunction({ memorySizeMb: 256, ephemeralStorageMb: 1024 });
    const env = await harness().environment(fn);
    await env.invoke(event({}));
    const [summary] = await harness().containers();
    const info = await docker.getContainer(summary!.Id).inspect();
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.NetworkMode).toBe('host');
    expect(info.HostConfig.Tmpfs?.['/tmp']).toContain('size=1024m');
    expect(info.Config.User).toBe(SANDBOX_USER);
    expect(info.Config.Image).toBe('public.ecr.aws/lambda/nodejs:20-x86_64');
    expect(info.Config.Labels).toMatchObject({
      [LABELS.managed]: 'true',
      [LABELS.function]: 'DockerFn',
      [LABELS.instance]: harness().instance,
      [LABELS.pid]: String(process.pid),
      [LABELS.host]: hostname(),
    });
  });

  it('reports the container\'s peak memory in the REPORT line when the cgroup is readable', async () => {
    const env = await harness().environment(nodeFunction());
    const result = await env.invoke(event({}));
    const used = Number(/Max Memory Used: (\d+) MB/.exec(result.log)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(128);
  });

  it.each([
    ['its code directory is missing', { code: { kind: 'directory' as const, path: '/nonexistent/emulate-code' } }, {}, 'bind source path does not exist: /nonexistent/emulate-code'],
    ['its image is of another architecture', { architecture: 'arm64' as const }, { invokeImage: 'public.ecr.aws/lambda/nodejs:20' }, 'does not match the specified platform: wanted linux/arm64, actual: linux/amd64'],
  ])('answers Runtime.InvalidEntrypoint naming the cause when a container cannot start because %s', async (_label, overrides, options, cause) => {
    const env = await harness().environment(nodeFunction(overrides), options);
    const result = await env.invoke(event({}));
    expect(!result.ok && result.error.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(!result.ok && result.error.errorMessage).toContain(`Error: cannot start the container of function DockerFn: `);
    expect(!result.ok && result.error.errorMessage).toContain(cause);
  });

  it('leaves no container behind once the environment and the launch are closed', async () => {
    const env = await harness().environment(nodeFunction());
    await env.invoke(event({}));
    expect(await harness().containers()).toHaveLength(1);
    await harness().close();
    expect(await harness().containers()).toEqual([]);
  });

  it('runs two environments of one function in two containers at the same time', async () => {
    const fn = nodeFunction({ handler: 'index.sleep' });
    const h2 = harness();
    const launch = await h2.launch(fn);
    const [a, b] = await Promise.all([h2.environment(fn, {}, launch), h2.environment(fn, {}, launch)]);
    const both = Promise.all([a!.invoke(event({ ms: 1500 })), b!.invoke(event({ ms: 1500 }))]);
    await vi.waitFor(async () => expect((await harness().containers()).filter((c) => c.State === 'running')).toHaveLength(2), { timeout: 10_000 });
    const results = await both;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => body<{ generation: string }>(r).generation)).size).toBe(2);
  });

  it('places several layers at /opt, later layers winning, as Lambda extracts them', async () => {
    const fn = nodeFunction({
      handler: 'index.layers',
      layers: [
        { kind: 'local', logicalId: 'First', arn: 'arn:first', contentDir: `${LAYERS_DIR}first` },
        { kind: 'local', logicalId: 'Second', arn: 'arn:second', contentDir: `${LAYERS_DIR}second` },
      ],
    });
    const env = await harness().environment(fn);
    expect(body(await env.invoke(event({})))).toEqual({ modules: ['a', 'b'], shared: 'second' });
  });

  it('mounts a single layer at /opt as it is', async () => {
    const fn = nodeFunction({ handler: 'index.writes', layers: [{ kind: 'local', logicalId: 'First', arn: 'arn:first', contentDir: `${LAYERS_DIR}first` }] });
    const env = await harness().environment(fn);
    expect(body(await env.invoke(event({ paths: ['/opt/nodejs/shared.txt'] })))).toEqual({ '/opt/nodejs/shared.txt': 'EROFS' });
  });
});

describe.skipIf(!dockerAvailable)('removeLeftoverContainers', () => {
  const created: string[] = [];

  beforeAll(prepareStandIn, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(created.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
  });

  /** A pid that certainly belonged to a process that has ended. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  async function labelledContainer(pid: number, instance: string): Promise<string> {
    const container = await docker.createContainer({
      Image: 'public.ecr.aws/lambda/nodejs:20',
      Cmd: ['index.echo'],
      Labels: { [LABELS.managed]: 'true', [LABELS.function]: 'Leftover', [LABELS.instance]: instance, [LABELS.pid]: String(pid), [LABELS.host]: hostname() },
      HostConfig: { NetworkMode: 'host' },
    });
    created.push(container.id);
    return container.id;
  }

  it('removes containers of an emulator process that is gone and keeps those of live ones', async () => {
    const instance = `leftover-${process.pid}`;
    const orphan = await labelledContainer(deadPid(), instance);
    const ours = await labelledContainer(process.pid, instance);
    const removed = await removeLeftoverContainers(docker, silentLogger());
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = (await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instance}`] } })).map((c) => c.Id);
    expect(left).not.toContain(orphan);
    expect(left).toContain(ours);
  });
});
