// How a runtime ended, in Go's words; shared by every runner that reports an exit (process, container).
import type { ExitInfo } from '../core/environment.js';

/** Go's names for signals, as `exec.ExitError` prints them (`signal: killed`). */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted', SIGHUP: 'hangup', SIGQUIT: 'quit', SIGBUS: 'bus error', SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction', SIGPIPE: 'broken pipe', SIGUSR1: 'user defined signal 1', SIGUSR2: 'user defined signal 2',
};

/** How a runtime ended, in Go's words (`exit status 1`, `signal: killed`), which Lambda's messages carry. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): ExitInfo {
  if (signal) return { code, signal, description: `signal: ${SIGNAL_TEXT[signal] ?? signal}` };
  return { code, signal, description: `exit status ${code ?? 0}` };
}
