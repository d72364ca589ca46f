// Debugging one function (`--debug-port`): which function, on which port, with which inspector or debugpy arguments.

/** The function a debugger attaches to, as runners receive it. */
export interface DebugTarget {
  /** Logical id of the debugged function. */
  logicalId: string;
  port: number;
  /** `--debug-args`: Node flags (an `--inspect*` flag among them replaces the default) or debugpy flags. */
  args: readonly string[];
  /** `--debugger-path`: a host folder holding debugpy (mounted into containers, put on PYTHONPATH on the host). */
  debuggerPath?: string;
}

/** Where the debugged runtime listens, and whether it waits for the debugger before running the function's init. */
export interface DebugListener {
  host: string;
  port: number;
  waits: boolean;
}

/** The runtime families a debugger can attach to. */
export type DebugFamily = 'node' | 'python';

/** `nodejs20.x` → node, `python3.12` → python; undefined for runtimes no debugger here attaches to. */
export function debugFamily(runtime: string | undefined): DebugFamily | undefined {
  if (/^nodejs\d+\.x$/.test(runtime ?? '')) return 'node';
  if (/^python3\.\d+$/.test(runtime ?? '')) return 'python';
  return undefined;
}

/** Splits `--debug-args` text as a shell would for simple words (no quotes). */
export function splitDebugArgs(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Node's flags for the debugged runtime. Default `--inspect-brk`, as SAM uses: the runtime waits for
 * the debugger before its init, so a debugger attached after the first request still sees every line.
 * An `--inspect*` flag in `--debug-args` replaces it (`--inspect` runs without waiting); a flag without
 * an address gets 127.0.0.1:PORT.
 */
export function nodeDebugFlags(target: DebugTarget): string[] {
  const extra = [...target.args];
  const i = extra.findIndex((a) => /^--inspect(-brk|-wait)?(=|$)/.test(a));
  const inspect = i === -1 ? '--inspect-brk' : extra.splice(i, 1)[0]!;
  const flag = inspect.includes('=') ? inspect : `${inspect}=127.0.0.1:${target.port}`;
  return [flag, ...extra];
}

/** debugpy's arguments after `python -m debugpy` (the runtime client's script follows). */
export function debugpyArgs(target: DebugTarget): string[] {
  return target.args.length > 0 ? [...target.args] : ['--listen', `127.0.0.1:${target.port}`, '--wait-for-client'];
}

/** `HOST:PORT`, `PORT` or `[V6]:PORT` → host and port (host 127.0.0.1 when absent, as Node and debugpy default). */
function hostPort(text: string, fallbackPort: number): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(text);
  if (!m) return { host: '127.0.0.1', port: fallbackPort };
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

/** Where the debugged runtime of `family` listens with these arguments (for the "Debugger for ..." line and the port probe). */
export function debugListener(target: DebugTarget, family: DebugFamily): DebugListener {
  if (family === 'node') {
    const flag = nodeDebugFlags(target)[0]!;
    const [name, value = ''] = flag.split('=', 2) as [string, string?];
    return { ...hostPort(value, target.port), waits: name !== '--inspect' };
  }
  const args = debugpyArgs(target);
  const at = args.indexOf('--listen');
  return { ...hostPort(at === -1 ? '' : (args[at + 1] ?? ''), target.port), waits: args.includes('--wait-for-client') };
}
