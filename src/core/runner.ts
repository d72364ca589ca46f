// The Runner contract: where a runner's runtimes reach their Runtime API, how it launches a function's runtime, and how it closes.
import type { DebugTarget } from './debug.js';
import type { Launch } from './environment.js';
import type { Logger } from './logger.js';
import type { FunctionSpec } from './model.js';

/** A Launch a runner hands back; `close()` (when present) stops what the launch started and drops its files. */
export type RunnerLaunch = Launch & { close?(): Promise<void> };

/** One way of running execution environments (Docker containers, host processes, ...). */
export interface Runner {
  /** The runner's registry name (`docker`, `process`). */
  readonly name: string;
  /** Where each environment's Runtime API listener binds so this runner's runtimes can reach it (and no wider). */
  readonly runtimeApiHost: string;
  /** Prepares a function once (image pull or build, code folder) and returns the Launch that starts its runtimes. */
  launchFor(fn: FunctionSpec): Promise<RunnerLaunch>;
  /** Stops every runtime and launch this runner started; idempotent. */
  close(): Promise<void>;
}

/** What the composition root hands every runner: options it understands, and entries it may not import itself. */
export interface RunnerContext {
  logger: Logger;
  region: string;
  /** Host variables a function may see: none by default; a list of names, or true for all. */
  hostEnv?: readonly string[] | boolean;
  skipPull?: boolean;
  sandbox?: boolean;
  dockerNetwork?: string;
  containerHost?: string;
  /** The function a debugger attaches to (`--debug-port`), if any. */
  debug?: DebugTarget;
  /** Entry of emulate's Node runtime client (runtime-api/clients), for runners that start runtimes on the host. */
  nodeClient: string;
  /** Entry of emulate's Python runtime client. */
  pythonClient: string;
  /** The functions to run, for a start-up note about them (runtime versions under `auto`). */
  functions?: readonly FunctionSpec[];
}

/** One registry entry: a runner's name, its `--help` words, and how it starts. */
export interface RunnerEntry {
  readonly name: string;
  readonly help: string;
  /** Whether the runner can run here now (a daemon answers); `auto` takes the first available entry. */
  available(ctx: RunnerContext): Promise<boolean>;
  /** Per-runner start-up (checks, sweeping leftovers); throws a coded EmulatorError when it cannot run. */
  start(ctx: RunnerContext): Promise<Runner>;
}
