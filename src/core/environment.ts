// The contract between environments and runners: a runner launches one runtime that talks to a given Runtime API.
import type { InvokeRequest, InvokeResult, InvokeStreamResult } from './invoke.js';

/** How a runtime process ended, with Go's wording that Lambda's messages use (`exit status 1`, `signal: killed`). */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  description: string;
}

/** One running runtime (a host process or a container), as a runner hands it back. */
export interface RuntimeProcess {
  /** Resolves once the runtime has ended, however it ended. */
  readonly exited: Promise<ExitInfo>;
  /** Ends the runtime at once (SIGKILL or container kill) and waits until it is gone. */
  kill(): Promise<void>;
  /** Peak memory of the runtime in MB, when the runner can measure it. */
  maxMemoryUsedMb?(): number | undefined;
  /** The names of the external extensions (executables in /opt/extensions) started with the runtime; init waits until each has registered. */
  readonly extensionNames?: readonly string[];
  /** Resolves when one of those extensions exits (its name and how). */
  readonly extensionExited?: Promise<{ name: string; exit: ExitInfo }>;
  /** Resolves once every one of those extensions has exited. */
  readonly extensionsGone?: Promise<void>;
  /** Ends the runtime alone, leaving its extensions to their SHUTDOWN (runners that can tell them apart). */
  killRuntime?(): Promise<void>;
}

export interface LaunchContext {
  /** `host:port` for `AWS_LAMBDA_RUNTIME_API`. */
  runtimeApi: string;
  /** Receives the runtime's stdout and stderr; an external extension's output names the extension. */
  onOutput(chunk: Buffer, extension?: string): void;
  /**
   * Resolves once each of these external extensions (by file name) has registered, or their init can no longer
   * succeed (an init error, the init timeout). Lambda starts the runtime only then (rapid: AwaitExternalAgentsRegistered).
   */
  extensionsRegistered?(names: readonly string[]): Promise<void>;
}

/** Starts one runtime; throws an EmulatorError (`EMU_ENV_LAUNCH_FAILED`) when it cannot even start. */
export type Launch = (context: LaunchContext) => Promise<RuntimeProcess>;

/** One execution environment: a Runtime API listener plus the runtime processes it serves, one at a time. */
export interface ExecutionEnvironment {
  readonly id: string;
  /** Runs one invocation; the caller guarantees one at a time. */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /**
   * Runs one invocation whose caller can take a streamed response: resolves with the stream as soon as
   * the runtime starts one (the environment stays busy until its `outcome` settles), else as `invoke`.
   */
  invokeStream(request: InvokeRequest): Promise<InvokeStreamResult>;
  /** Starts the runtime and waits for its init without invoking (warm start). */
  prepare(): Promise<void>;
  /**
   * Resolves when the environment can take another invocation: the answer goes to the caller as soon
   * as the runtime gives it, but extensions may still be working on the last invocation (Lambda's Invoke
   * phase ends when they are all back at /event/next). Absent or resolved: reusable now.
   */
  settled?(): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Static facts about the function an environment runs. */
export interface FunctionIdentity {
  functionName: string;
  functionArn: string;
  version: string;
  timeoutMs: number;
  memorySizeMb: number | string;
}
