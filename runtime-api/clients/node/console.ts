// The function's console: each console call becomes one Lambda log line on stdout, in RIC 4.0.2's text or JSON format.
import { format } from 'node:util';
import { intoError, toFormatted } from './errors.js';
import type { InvokeStore } from './invoke-store.js';

interface Level {
  name: string;
  priority: number;
}

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
} as const satisfies Record<string, Level>;

type LevelName = keyof typeof LEVELS;

/** The runtime's own error lines (`Invoke Error`, `Init Error`, `Uncaught Exception`), in the configured format. */
export interface RuntimeLog {
  logError(message: string, error: unknown): void;
}

const isLevelName = (value: string): value is LevelName => Object.hasOwn(LEVELS, value);

/** An Error in JSON log lines: its class name as type, then its own properties (RIC's `jsonErrorReplacer`). */
function jsonErrorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function jsonLine(timestamp: string, requestId: string, tenantId: string | undefined, level: Level, message: unknown, params: unknown[]): string {
  const record: Record<string, unknown> = { timestamp, level: level.name, requestId };
  if (tenantId) record.tenantId = tenantId;
  if (params.length === 0) {
    record.message = message;
    try {
      return JSON.stringify(record, jsonErrorReplacer);
    } catch {
      record.message = format(record.message);
      return JSON.stringify(record);
    }
  }
  record.message = format(message, ...params);
  const error = params.find((p): p is Error => p instanceof Error);
  if (error) {
    record.errorType = error.constructor?.name ?? 'UnknownError';
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(record);
}

/**
 * Replaces `console.*` (and adds `console.fatal`) as the RIC does: `timestamp\trequestId\tLEVEL\tmessage`, newlines
 * inside a message turned into `\r` so that one call is one line. `AWS_LAMBDA_LOG_FORMAT=JSON` and
 * `AWS_LAMBDA_LOG_LEVEL` are honoured like Lambda's advanced logging controls.
 */
let stdoutUsed = false;

/**
 * Waits until log lines buffered for stdout have reached the pipe. Node writes to a pipe
 * asynchronously, so without this a handler that logs megabytes would have its answer posted (and
 * the emulator's END line written) while its last lines are still on their way.
 */
export async function drainStdout(): Promise<void> {
  if (!stdoutUsed || process.stdout.writableLength === 0) return;
  await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
}

export function patchConsole(store: InvokeStore, env: NodeJS.ProcessEnv = process.env): RuntimeLog {
  const json = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const wanted = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? '';
  const minLevel: Level = isLevelName(wanted) ? LEVELS[wanted] : LEVELS.TRACE;

  const logFunction = (level: Level) => {
    if (level.priority < minLevel.priority) return () => {};
    return (message?: unknown, ...params: unknown[]) => {
      const timestamp = new Date().toISOString();
      const requestId = store.getRequestId();
      const line = json
        ? jsonLine(timestamp, requestId, store.getTenantId(), level, message, params)
        : `${timestamp}\t${requestId}\t${level.name}\t${format(message, ...params)}`;
      // process.stdout is created on first use (≈1 ms), so a function that never logs never pays for it.
      stdoutUsed = true;
      process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
    };
  };

  const patched = console as Console & { fatal?: (...args: unknown[]) => void };
  patched.trace = logFunction(LEVELS.TRACE);
  patched.debug = logFunction(LEVELS.DEBUG);
  patched.info = logFunction(LEVELS.INFO);
  patched.warn = logFunction(LEVELS.WARN);
  patched.error = logFunction(LEVELS.ERROR);
  patched.fatal = logFunction(LEVELS.FATAL);
  patched.log = patched.info;

  return {
    logError: json
      ? (_message, error) => console.error(intoError(error))
      : (message, error) => console.error(message, toFormatted(intoError(error))),
  };
}
