// The process runner: launches a Zip function's runtime as a host process with Lambda's environment and no host leakage.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { debugFamily, debugpyArgs, nodeDebugFlags, type DebugTarget } from '../../core/debug.js';
import { emuError } from '../../core/errors.js';
import type { Launch } from '../../core/environment.js';
import type { Logger } from '../../core/logger.js';
import type { FunctionSpec } from '../../core/model.js';
import { lambdaEnvironment } from '../lambda-env.js';
import { runtimeMismatch } from '../runtime-versions.js';
import { ownedTempDir } from '../../core/temp-dirs.js';
import { findExtensions } from '../extensions.js';
import { mergedOpt, privateOptAvailable, spawnWithExtensions } from './extensions.js';

export interface ProcessRunnerOptions {
  /** Entry of emulate's Node runtime client. */
  nodeClient: string;
  /** Entry of emulate's Python runtime client. */
  pythonClient: string;
  region: string;
  /** Host variables a function may see: none by default; a list of names, or true for all. */
  hostEnv?: readonly string[] | boolean;
  /** The host's environment (default process.env); only PATH and what `hostEnv` allows are read. */
  env?: Record<string, string | undefined>;
  logger: Logger;
  /** Functions already warned about (runtime version), so that each is named once per runner. */
  warned?: Set<string>;
  /** Set when this function is the one a debugger attaches to. */
  debug?: DebugTarget;
}

/** How one runtime family starts on the host. */
interface Command {
  file: string;
  args: string[];
  /** The runtime client's folder (LAMBDA_RUNTIME_DIR); the executable's when absent. */
  runtimeDir?: string;
  /** Extra module search paths for the runtime (layers). */
  searchPath?: { name: 'NODE_PATH' | 'PYTHONPATH'; dirs: string[] };
}


const interpreters = new Map<string, string | undefined>();

/**
 * The real Python interpreter for a runtime: `python3.12`, else `python3`, asked for `sys.executable`.
 * Asking (once per runtime) skips version-manager shims that exist on PATH but cannot run, and
 * their start-up cost on every cold start.
 */
function findPython(runtime: string, path: string | undefined): string | undefined {
  const key = `${runtime}\0${path ?? ''}`;
  if (!interpreters.has(key)) {
    let found: string | undefined;
    for (const candidate of [runtime, 'python3']) {
      const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', env: { PATH: path ?? '' }, timeout: 10_000 });
      if (probe.status === 0 && probe.stdout.trim()) {
        found = probe.stdout.trim();
        break;
      }
    }
    interpreters.set(key, found);
  }
  return interpreters.get(key);
}

/** A debugged Python function needs debugpy importable by its interpreter (or under --debugger-path): a clear error otherwise. */
function assertDebugpy(fn: FunctionSpec, python: string, dirs: readonly string[], path: string | undefined): void {
  const probe = spawnSync(python, ['-c', 'import debugpy'], { encoding: 'utf8', env: { PATH: path ?? '', PYTHONPATH: dirs.join(delimiter) }, timeout: 10_000 });
  if (probe.status !== 0) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `debugging a Python function needs debugpy, and ${python} cannot import it${dirs.length ? ` (nor from --debugger-path ${dirs.join(', ')})` : ''}; install it (pip install debugpy) or pass --debugger-path DIR holding it`);
  }
}

/** The directory a function's code runs in (inline code is written to a fresh temporary directory). */
function codeDirectory(fn: FunctionSpec): string {
  switch (fn.code.kind) {
    case 'directory':
      return fn.code.path;
    case 'inline': {
      const dir = ownedTempDir('inline', fn.logicalId);
      // Lambda writes inline code as index.js (Node) or index.py (Python).
      const file = fn.runtime?.startsWith('python') ? 'index.py' : 'index.js';
      writeFileSync(join(dir, file), fn.code.source);
      return dir;
    }
    case 'archive':
      throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `a .zip CodeUri (${fn.code.path}) is not supported by the process runner yet; point CodeUri at a directory or use --runner docker`);
    case 'image':
      throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, 'PackageType Image needs the Docker runner (--runner docker)');
  }
}

function runtimeCommand(fn: FunctionSpec, codeDir: string, options: ProcessRunnerOptions, hostPath: string | undefined): Command {
  const runtime = fn.runtime ?? '';
  const localLayers = fn.layers.flatMap((l) => (l.kind === 'local' ? [l.contentDir] : []));
  if (/^nodejs\d+\.x$/.test(runtime)) {
    const major = runtime.slice(6, -2);
    return {
      file: process.execPath,
      args: [...(options.debug ? nodeDebugFlags(options.debug) : []), options.nodeClient],
      runtimeDir: dirname(options.nodeClient),
      // Lambda puts /opt/nodejs/node_modules and /opt/nodejs/nodeNN/node_modules on NODE_PATH.
      searchPath: { name: 'NODE_PATH', dirs: localLayers.flatMap((d) => [join(d, 'nodejs', `node${major}`, 'node_modules'), join(d, 'nodejs', 'node_modules')]) },
    };
  }
  if (/^python3\.\d+$/.test(runtime)) {
    const python = findPython(runtime, hostPath);
    if (!python) throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `${runtime} needs python3 on PATH for the process runner`);
    const debuggerDirs = options.debug?.debuggerPath ? [options.debug.debuggerPath] : [];
    if (options.debug) assertDebugpy(fn, python, debuggerDirs, hostPath);
    return {
      file: python,
      // -B: no __pycache__ folders in the user's code (Lambda's /var/task is read-only).
      args: ['-B', ...(options.debug ? ['-m', 'debugpy', ...debugpyArgs(options.debug)] : []), options.pythonClient],
      runtimeDir: dirname(options.pythonClient),
      searchPath: { name: 'PYTHONPATH', dirs: [...localLayers.flatMap((d) => [join(d, 'python'), join(d, 'python', 'lib', runtime, 'site-packages')]), ...debuggerDirs] },
    };
  }
  if (runtime.startsWith('provided')) {
    const bootstrap = join(codeDir, 'bootstrap');
    const fromLayer = localLayers.map((d) => join(d, 'bootstrap')).find((p) => existsSync(p));
    if (!existsSync(bootstrap) && !fromLayer) {
      throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `runtime ${runtime} needs an executable "bootstrap" in ${codeDir}`);
    }
    return { file: existsSync(bootstrap) ? bootstrap : fromLayer!, args: [] };
  }
  throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `runtime "${runtime}" cannot run as a host process (nodejs*, python3.*, provided* can); use --runner docker`);
}

/** Builds the Launch for one Zip function; throws EMU_RUNNER_UNSUPPORTED for what cannot run on the host. */
export function processLaunch(fn: FunctionSpec, options: ProcessRunnerOptions): Launch & { close(): Promise<void> } {
  if (fn.packageType === 'Image') throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, 'PackageType Image needs the Docker runner (--runner docker)');
  if (options.debug && !debugFamily(fn.runtime)) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `--debug-port debugs nodejs*.x (Node inspector) and python3.* (debugpy) functions, not ${fn.runtime ?? 'this function'}`);
  }
  const codeDir = codeDirectory(fn);
  const hostPath = (options.env ?? process.env).PATH;
  let command: Command;
  try {
    command = runtimeCommand(fn, codeDir, options, hostPath);
  } catch (err) {
    // A function that cannot run must not leave its inline code behind.
    if (fn.code.kind === 'inline') rmSync(codeDir, { recursive: true, force: true });
    throw err;
  }
  const env = lambdaEnvironment(fn, codeDir, command.runtimeDir ?? dirname(command.file), options);
  if (command.searchPath && command.searchPath.dirs.length > 0) {
    const existing = env[command.searchPath.name];
    env[command.searchPath.name] = [...command.searchPath.dirs, ...(existing ? [existing] : [])].join(delimiter);
  }
  // One warning per function and runner, not per cold start.
  if (!options.warned?.has(fn.logicalId)) {
    options.warned?.add(fn.logicalId);
    const mismatch = runtimeMismatch(fn, fn.runtime?.startsWith('python') ? command.file : undefined, hostPath);
    if (mismatch) {
      options.logger.warn({ fn: fn.functionName }, `${mismatch.runtime} asks for ${mismatch.wanted} but the process runner runs it with the host's ${mismatch.host}; --runner docker (or auto with a Docker daemon) uses the real runtime image`);
    }
  }
  // The base images' bootstrap runs the runtime through AWS_LAMBDA_EXEC_WRAPPER when it is set (wrapper, then the runtime's command line).
  // https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html#runtime-wrapper
  const wrapper = env.AWS_LAMBDA_EXEC_WRAPPER;
  const file = wrapper ? wrapper : command.file;
  const args = wrapper ? [command.file, ...command.args] : command.args;
  const layerDirs = fn.layers.flatMap((l) => (l.kind === 'local' ? [l.contentDir] : []));
  const extensions = findExtensions(layerDirs);
  let opt: string | undefined;
  if (extensions.length > 0) {
    if (privateOptAvailable()) opt = mergedOpt(layerDirs, fn.logicalId);
    else {
      options.logger.warn(
        { fn: fn.functionName, extensions: extensions.map((e) => e.name) },
        'extensions run from their layer folders: this host allows no private /opt (unshare -rm), so an extension that hard-codes /opt/<name> or listens on sandbox.localdomain should use --runner docker',
      );
    }
  }
  const launch: Launch = (ctx) =>
    spawnWithExtensions(
      extensions,
      opt,
      { command: file, args, cwd: codeDir, env: { ...env, AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi }, onOutput: (chunk) => ctx.onOutput(chunk) },
      ctx,
      options.logger,
    );
  // Inline code lives in a temporary folder of ours: it goes when the emulator closes (a killed one's is swept at the next start).
  const close = async () => {
    if (fn.code.kind === 'inline') rmSync(codeDir, { recursive: true, force: true });
    if (opt) rmSync(opt, { recursive: true, force: true });
  };
  return Object.assign(launch, { close });
}
