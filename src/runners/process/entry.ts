// The process runner as a Runner: functions run as host processes, their Runtime API listeners on the loopback.
import type { Runner, RunnerContext, RunnerEntry } from '../../core/runner.js';
import { processLaunch } from './runner.js';

function startProcessRunner(ctx: RunnerContext): Runner {
  return {
    name: 'process',
    runtimeApiHost: '127.0.0.1',
    // Deferred by a tick so that an unsupported runtime rejects this launch instead of throwing at the caller.
    launchFor: (fn) =>
      Promise.resolve().then(() =>
        processLaunch(fn, {
          nodeClient: ctx.nodeClient,
          pythonClient: ctx.pythonClient,
          region: ctx.region,
          ...(ctx.hostEnv !== undefined ? { hostEnv: ctx.hostEnv } : {}),
          logger: ctx.logger,
        }),
      ),
    // A host process ends with its environment; nothing is left to stop here.
    close: async () => {},
  };
}

export const PROCESS_RUNNER: RunnerEntry = {
  name: 'process',
  help: 'host processes (no Docker needed)',
  available: async () => true,
  start: async (ctx) => startProcessRunner(ctx),
};
