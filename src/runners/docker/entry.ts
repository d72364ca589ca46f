// The Docker runner as a Runner: checks the daemon, sweeps leftover containers, binds listeners where containers reach them.
import type { Runner, RunnerContext, RunnerEntry, RunnerLaunch } from '../../core/runner.js';
import type { FunctionSpec } from '../../core/model.js';
import { assertDockerReachable, createDockerClient, isDockerAvailable, type DockerClient } from './client.js';
import { removeLeftoverContainers } from './labels.js';
import { runtimeApiBindAddress, type DockerNetworkOptions } from './network.js';
import { dockerLaunch, type DockerLaunch } from './runner.js';

function networkOptions(ctx: RunnerContext): DockerNetworkOptions {
  return {
    ...(ctx.dockerNetwork !== undefined ? { dockerNetwork: ctx.dockerNetwork } : {}),
    ...(ctx.containerHost !== undefined ? { containerHost: ctx.containerHost } : {}),
  };
}

async function startDockerRunner(ctx: RunnerContext, docker: DockerClient = createDockerClient()): Promise<Runner> {
  await assertDockerReachable(docker);
  const removed = await removeLeftoverContainers(docker, ctx.logger);
  if (removed > 0) ctx.logger.info({ removed }, 'removed containers a previous emulator left behind');
  const runtimeApiHost = await runtimeApiBindAddress(docker, networkOptions(ctx));
  const launches = new Set<Promise<DockerLaunch>>();
  let closing: Promise<void> | undefined;
  return {
    name: 'docker',
    runtimeApiHost,
    launchFor(fn: FunctionSpec): Promise<RunnerLaunch> {
      const launch = dockerLaunch(fn, {
        docker,
        logger: ctx.logger,
        region: ctx.region,
        ...(ctx.hostEnv !== undefined ? { hostEnv: ctx.hostEnv } : {}),
        ...(ctx.skipPull !== undefined ? { skipPull: ctx.skipPull } : {}),
        ...(ctx.sandbox !== undefined ? { sandbox: ctx.sandbox } : {}),
        ...networkOptions(ctx),
        ...(ctx.debug?.logicalId === fn.logicalId ? { debug: ctx.debug } : {}),
      });
      launches.add(launch);
      launch.catch(() => launches.delete(launch));
      return launch;
    },
    close() {
      // Each launch kills the containers it started and deletes its temporary files.
      closing ??= Promise.all([...launches].map((l) => l.then((launch) => launch.close(), () => undefined))).then(() => undefined);
      return closing;
    },
  };
}

export const DOCKER_RUNNER: RunnerEntry = {
  name: 'docker',
  help: 'Docker containers on the AWS base images or the function\'s image',
  available: () => isDockerAvailable(createDockerClient()),
  start: (ctx) => startDockerRunner(ctx),
};
