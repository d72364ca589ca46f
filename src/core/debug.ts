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
