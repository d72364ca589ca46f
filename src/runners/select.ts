// The one registry of runners: `auto`, the option check, the CLI's --runner choices and its --help all derive from it.
import type { Runner, RunnerContext, RunnerEntry } from '../core/runner.js';
import { DOCKER_RUNNER } from './docker/entry.js';
import { PROCESS_RUNNER } from './process/entry.js';
import { runtimeMismatch } from './runtime-versions.js';

/** Every runner, in `auto`'s order of preference: the first one available runs the functions. */
export const RUNNERS = [DOCKER_RUNNER, PROCESS_RUNNER] as const satisfies readonly RunnerEntry[];

/** What `--runner` accepts: `auto` and every registered runner's name. */
export const RUNNER_CHOICES = ['auto', ...RUNNERS.map((r) => r.name)] as const;
export type RunnerChoice = 'auto' | (typeof RUNNERS)[number]['name'];

/** The `--runner` help line, built from the registry. */
export const RUNNER_HELP = `where functions run (auto: the first of ${RUNNERS.map((r) => r.name).join(', ')} that can run here; ${RUNNERS.map((r) => `${r.name}: ${r.help}`).join('; ')})`;

/** Starts the runner a choice names; `auto` takes the first registered runner that is available. */
export async function selectRunner(choice: RunnerChoice, ctx: RunnerContext): Promise<Runner> {
  let entry: RunnerEntry | undefined = RUNNERS.find((r) => r.name === choice);
  if (!entry) {
    for (const candidate of RUNNERS) {
      if (await candidate.available(ctx)) {
        entry = candidate;
        break;
      }
      ctx.logger.info(`${candidate.name} cannot run here; trying the next runner`);
    }
  }
  // The last registry entry (host processes) is always available, so auto always finds one.
  const runner = await (entry ?? RUNNERS[RUNNERS.length - 1]!).start(ctx);
  ctx.logger.info(`functions run with the ${runner.name} runner (--runner ${choice})`);
  if (choice === 'auto' && runner.name === DOCKER_RUNNER.name) {
    // auto prefers Docker whenever a daemon answers; for these functions that matters: the host's version differs.
    for (const fn of ctx.functions ?? []) {
      if (fn.packageType !== 'Zip') continue;
      const mismatch = runtimeMismatch(fn);
      if (mismatch) ctx.logger.info({ fn: fn.functionName }, `${mismatch.runtime} runs in its real runtime image with Docker (auto prefers it: the host has ${mismatch.host})`);
    }
  }
  return runner;
}
