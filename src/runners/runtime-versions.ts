// Which functions ask for a runtime version other than the one the host would run them with (Node major, Python major.minor).
import { spawnSync } from 'node:child_process';
import type { FunctionSpec } from '../core/model.js';

const pythonVersions = new Map<string, string | undefined>();

/** `3.11` for a Python interpreter (a command on PATH or an absolute path), asked once; undefined when it cannot run. */
export function pythonVersionOf(command: string, path: string | undefined): string | undefined {
  const key = `${command}\0${path ?? ''}`;
  if (!pythonVersions.has(key)) {
    const probe = spawnSync(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', env: { PATH: path ?? '' }, timeout: 10_000 });
    pythonVersions.set(key, probe.status === 0 ? probe.stdout.trim() || undefined : undefined);
  }
  return pythonVersions.get(key);
}

export interface RuntimeMismatch {
  /** `nodejs24.x` */
  runtime: string;
  /** What the runtime asks for: `Node 24`, `Python 3.14`. */
  wanted: string;
  /** What the host runs it with: `Node 20 (v20.11.1)`, `Python 3.11`. */
  host: string;
}

/**
 * The mismatch between a Zip function's runtime and the host's Node (major) or Python (major.minor), if any.
 * `python` is the interpreter the process runner would use (default: `python3.X` of the runtime, else `python3`).
 */
export function runtimeMismatch(fn: FunctionSpec, python?: string, path: string | undefined = process.env.PATH): RuntimeMismatch | undefined {
  const runtime = fn.runtime ?? '';
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node) {
    const host = process.versions.node.split('.')[0]!;
    return host === node[1] ? undefined : { runtime, wanted: `Node ${node[1]}`, host: `Node ${host} (${process.version})` };
  }
  const py = /^python(\d+\.\d+)$/.exec(runtime);
  if (py) {
    const host = python !== undefined ? pythonVersionOf(python, path) : pythonVersionOf(runtime, path) ?? pythonVersionOf('python3', path);
    if (host === undefined || host === py[1]) return undefined;
    return { runtime, wanted: `Python ${py[1]}`, host: `Python ${host}` };
  }
  return undefined;
}
