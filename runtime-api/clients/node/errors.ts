// Errors of the Node runtime client and their wire forms, serialised exactly as aws-lambda-ric 4.0.2 does (body, log form, X-Ray cause).

/** The body posted to `/error` and `/init/error` (RIC 4.0.2 `formatError`). */
export interface ErrorBody {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** An error raised by the runtime itself; its name is the `Runtime.*` error type Lambda reports. */
export class RuntimeError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = `Runtime.${type}`;
  }
}

/** The module could not be found; the message is the original error as a string (`Error: Cannot find module 'x'`). */
export class ImportModuleError extends RuntimeError {
  constructor(original: unknown) {
    super('ImportModuleError', String(original));
  }
}

/** The module did not parse; RIC keeps the SyntaxError's own stack so the trace points at the user's file. */
export class UserCodeSyntaxError extends RuntimeError {
  constructor(original: Error) {
    super('UserCodeSyntaxError', String(original));
    this.stack = original.stack;
  }
}

/** Lambda's Node 20 runtime (RIC 3.x) reports a rejection nobody handled under this type, with the reason as message. */
export class UnhandledPromiseRejection extends RuntimeError {
  readonly reason: unknown;
  readonly promise: unknown;
  constructor(reason: unknown, promise: unknown) {
    // RIC 3.x: `reason?.toString()`, so an undefined or null reason leaves the message empty.
    super('UnhandledPromiseRejection', reason === undefined || reason === null ? '' : String(reason));
    this.reason = reason;
    this.promise = promise;
  }
}

const DEL = '\x7F';
const DEL_ESCAPED = '%7F';

/** RIC 4.0.2 `formatError`: Errors by name/message/stack lines, anything else by `typeof` and `String()`. */
export function formatError(error: unknown): ErrorBody {
  try {
    if (error instanceof Error) {
      return {
        errorType: error.name?.replaceAll(DEL, DEL_ESCAPED),
        errorMessage: error.message?.replaceAll(DEL, DEL_ESCAPED),
        trace: error.stack?.replaceAll(DEL, DEL_ESCAPED).split('\n') || [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** What the RIC logs a non-Error as: the value wrapped in an Error. */
export function intoError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** An Error's enumerable form in logs: type, message, code, own properties, stack as lines (RIC's `withEnumerableProperties`). */
function withEnumerableProperties(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const ret: Record<string, unknown> = {
      errorType: value.name,
      errorMessage: value.message,
      code: (value as { code?: unknown }).code,
    };
    Object.assign(ret, value);
    if (typeof value.stack === 'string') ret.stack = value.stack.split('\n');
    return ret;
  }
  return value;
}

/** The tab-led JSON that follows `Invoke Error` / `Init Error` in text log lines. */
export function toFormatted(error: unknown): string {
  try {
    return `\t${JSON.stringify(error, withEnumerableProperties)}`;
  } catch {
    return `\t${JSON.stringify(formatError(error))}`;
  }
}

/** One stack frame as X-Ray wants it (RIC's `parseStackTrace`). */
function parseStackTrace(stack: string | undefined): { path: string; line: number; label: string }[] {
  if (!stack) return [];
  const lines = stack.replaceAll(DEL, DEL_ESCAPED).split('\n');
  lines.shift();
  return lines.map((line) => {
    const trimmed = line.trim().replace(/[()]/g, '').replace(/^[^\s]*\s/, '');
    const lastSpace = trimmed.lastIndexOf(' ');
    const label = lastSpace >= 0 ? trimmed.slice(0, lastSpace) : 'anonymous';
    const pathParts = (lastSpace >= 0 ? trimmed.slice(lastSpace + 1) : trimmed).split(':');
    return { path: pathParts[0] ?? '', line: parseInt(pathParts[1] ?? '', 10), label };
  });
}

/** The `lambda-runtime-function-xray-error-cause` value (RIC's `formatXRayError`); empty when the error defies description. */
export function formatXRayCause(error: unknown): string {
  try {
    const e = error as { name?: string; message?: string; stack?: string };
    const stack = parseStackTrace(e.stack);
    return JSON.stringify({
      working_directory: process.cwd(),
      exceptions: [{ type: e.name?.replaceAll(DEL, DEL_ESCAPED), message: e.message?.replaceAll(DEL, DEL_ESCAPED), stack }],
      paths: stack.map((entry) => entry.path).filter((value, index, self) => self.indexOf(value) === index),
    });
  } catch {
    return '';
  }
}
