// Labels on every container the emulator starts, and the clean-up they allow: this emulator's containers, and those a dead emulator left.
import { pidAlive } from '../../core/temp-dirs.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../core/logger.js';
import { describeDockerError, type DockerClient } from './client.js';

/** Label keys, in one table. */
export const LABELS = {
  managed: 'emulate.managed',
  function: 'emulate.function',
  instance: 'emulate.instance',
  pid: 'emulate.pid',
  host: 'emulate.host',
} as const;

/** Identifies this emulator process among others on the same daemon. */
export const EMULATOR_INSTANCE = randomUUID();

/** The labels of one function's container. */
export function containerLabels(functionName: string, instance: string = EMULATOR_INSTANCE): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.function]: functionName,
    [LABELS.instance]: instance,
    [LABELS.pid]: String(process.pid),
    [LABELS.host]: hostname(),
  };
}

/** Force-removes one container; one already gone or already being removed (AutoRemove) is not an error. */
export async function removeContainer(docker: DockerClient, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== 404 && status !== 409) throw err;
  }
}

async function removeWhere(docker: DockerClient, labels: string[], keep: (labels: Record<string, string>) => boolean, logger?: Logger): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: labels } });
  let removed = 0;
  await Promise.all(
    containers
      .filter((c) => !keep(c.Labels ?? {}))
      .map(async (c) => {
        try {
          await removeContainer(docker, c.Id);
          removed++;
        } catch (err) {
          logger?.warn({ container: c.Id.slice(0, 12), err: describeDockerError(err) }, 'could not remove a container');
        }
      }),
  );
  return removed;
}

export interface LeftoverOptions {
  /** Whether an emulator process still runs (default: a signal-0 probe). */
  isAlive?: (pid: number) => boolean;
  /** This machine's name; containers labelled by another machine (or another container) are never judged. */
  host?: string;
}

/**
 * Removes containers that an emulator on this machine started and that outlived it (the emulator was killed before
 * it could clean up). Containers of live emulators, and of emulators on other hosts, are left alone. Returns how many went.
 */
export async function removeLeftoverContainers(docker: DockerClient, logger: Logger, options: LeftoverOptions = {}): Promise<number> {
  const isAlive = options.isAlive ?? pidAlive;
  const host = options.host ?? hostname();
  const removed = await removeWhere(
    docker,
    [`${LABELS.managed}=true`, `${LABELS.host}=${host}`],
    (labels) => {
      const pid = Number(labels[LABELS.pid]);
      return !Number.isInteger(pid) || pid <= 0 || isAlive(pid);
    },
    logger,
  );
  if (removed > 0) logger.info({ removed }, 'removed containers left by an emulator that is no longer running');
  return removed;
}

/** Removes every container of one emulator instance (this one by default): the last step of closing. */
export function removeInstanceContainers(docker: DockerClient, instance: string = EMULATOR_INSTANCE, logger?: Logger): Promise<number> {
  return removeWhere(docker, [`${LABELS.managed}=true`, `${LABELS.instance}=${instance}`], () => false, logger);
}
