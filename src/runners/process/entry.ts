// The process runner as a Runner: functions run as host processes, their Runtime API listeners on the loopback.
import type { Runner, RunnerContext, RunnerEntry, RunnerLaunch } from '../../core/runner.js';
import { processLaunch } from './runner.js';

function startProcessRunner(ctx: RunnerContext): Runner {
  const launches: Promise<RunnerLaunch>[] = [];
  const warned = new Set<string>();
  let closing: Promise<void> | undefined;
  return {
    name: 'process',
    runtimeApiHost: '127.0.0.1',
    // Deferred by a tick so that an unsupported runtime rejects this launch instead of throwing at the caller.
    launchFor: (fn) => {
      const launch = Promise.resolve().then(() =>
        processLaunch(fn, {
          nodeClient: ctx.nodeClient,
          pythonClient: ctx.pythonClient,
          region: ctx.region,
          ...(ctx.hostEnv !== undefined ? { hostEnv: ctx.hostEnv } : {}),
          logger: ctx.logger,
          warned,
          ...(ctx.debug?.logicalId === fn.logicalId ? { debug: ctx.debug } : {}),
        }),
      );
      launches.push(launch);
      return launch;
    },
    // Runtimes end with their environments; what is left is a launch's files (inline code).
    close() {
      closing ??= Promise.all(launches.map((l) => l.then((launch) => launch.close?.(), () => undefined))).then(() => undefined);
      return closing;
    },
  };
}

export const PROCESS_RUNNER: RunnerEntry = {
  name: 'process',
  help: 'host processes (no Docker needed)',
  available: async () => true,
  start: async (ctx) => startProcessRunner(ctx),
};
