// Shared set-up of the Docker runner tests: daemon check, stand-in image, function specs, environments and container queries.
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createEnvironment } from '../../runtime-api/environment.js';
import type { ExecutionEnvironment } from '../../src/core/environment.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FunctionSpec } from '../../src/core/model.js';
import { createDockerClient, daemonAddress, isDockerAvailable, type DockerClient } from '../../src/runners/docker/client.js';
import { LABELS } from '../../src/runners/docker/labels.js';
import { dockerLaunch, type DockerLaunch, type DockerRunnerOptions } from '../../src/runners/docker/runner.js';
import { ensureLambdaStandIn } from '../../fixtures/docker/stand-in/build.mjs';

export { body, event, HANDLERS_DIR, IMAGE_FUNCTION_DIR, LAYERS_DIR, nodeFunction } from './fixtures.js';

export const docker: DockerClient = createDockerClient();
export const dockerAvailable = await isDockerAvailable(docker);
if (!dockerAvailable) {
  console.warn(`Docker tests skipped: no Docker daemon answers at ${daemonAddress(docker)} (start dockerd to run them)`);
}

/** Generous bound for hooks that may build the stand-in image. */
export const SETUP_TIMEOUT_MS = 120_000;

/** Builds the stand-in `public.ecr.aws/lambda/nodejs:20` once (a no-op when it is up to date). */
export const prepareStandIn = () => ensureLambdaStandIn({ docker });

/**
 * The hooks of a Docker runner test file: the stand-in image built once, a fresh Harness per test, and
 * no container left after it. Returns the current test's Harness.
 */
export function useStandInHarness(): () => Harness {
  let h: Harness;
  beforeAll(prepareStandIn, SETUP_TIMEOUT_MS);
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    await h.close();
    expect(await h.containers()).toEqual([]);
  });
  return () => h;
}

/** Tracks what a test created so afterEach can close it. */
export class Harness {
  readonly instance = `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly launches: DockerLaunch[] = [];
  private readonly environments: ExecutionEnvironment[] = [];
  readonly output: string[] = [];

  async launch(fn: FunctionSpec, options: Partial<DockerRunnerOptions> = {}): Promise<DockerLaunch> {
    const launch = await dockerLaunch(fn, { docker, logger: silentLogger(), region: 'us-east-1', instance: this.instance, ...options });
    this.launches.push(launch);
    return launch;
  }

  async environment(fn: FunctionSpec, options: Partial<DockerRunnerOptions> = {}, launch?: DockerLaunch): Promise<ExecutionEnvironment> {
    const l = launch ?? (await this.launch(fn, options));
    const env = await createEnvironment({
      id: `env-${this.environments.length + 1}`,
      functionName: fn.functionName,
      functionArn: fn.functionArn,
      version: '$LATEST',
      timeoutMs: fn.timeoutSeconds * 1000,
      memorySizeMb: fn.memorySizeMb,
      logger: silentLogger(),
      output: (chunk) => this.output.push(chunk.toString()),
      launch: l,
    });
    this.environments.push(env);
    return env;
  }

  /** Containers of this test's instance label, running or not. */
  containers() {
    return docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${this.instance}`] } });
  }

  async close(): Promise<void> {
    await Promise.all(this.environments.splice(0).map((e) => e.close()));
    await Promise.all(this.launches.splice(0).map((l) => l.close()));
  }
}
