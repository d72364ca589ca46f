// The emulator's own logs: pino, structured, rendered as JSON, as readable text on a TTY, or in RIE's format.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export type LogFormat = 'json' | 'pretty' | 'rie';

/** Log levels accepted on the command line; RIE's names (`warning`, `panic`) map onto pino's. */
export const LOG_LEVELS = ['panic', 'fatal', 'error', 'warning', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const PINO_LEVEL: Record<LogLevel, pino.LevelWithSilent> = {
  panic: 'fatal', fatal: 'fatal', error: 'error', warning: 'warn', warn: 'warn',
  info: 'info', debug: 'debug', trace: 'trace', silent: 'silent',
};

const LEVEL_NAME: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component']);

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; defaults to stderr. */
  stream?: { write(line: string): unknown };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A serialised Error (pino's `err` serializer: type, message, stack). */
function isSerialisedError(v: unknown): v is { message: string; stack?: string } {
  return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string' && 'stack' in v;
}

/** The record's own fields as ` key=value`; an error is its message, and its stack follows on the next lines only when asked (debug). */
function fields(rec: Record<string, unknown>, stacks: boolean): string {
  let out = '';
  let trailer = '';
  for (const [k, v] of Object.entries(rec)) {
    if (OMIT.has(k) || v === undefined) continue;
    if (isSerialisedError(v)) {
      out += ` ${k}=${JSON.stringify(v.message)}`;
      if (stacks && v.stack) trailer += `\n${v.stack}`;
      continue;
    }
    out += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return out + trailer;
}

/** Renders one pino JSON record as a text line (RIE's `DD Mon YYYY HH:MM:SS,mmm [LEVEL] (rapid) msg` or a short TTY form). */
export function renderLine(json: string, format: 'pretty' | 'rie', stacks = false): string {
  const rec = JSON.parse(json) as Record<string, unknown>;
  const d = new Date(rec.time as number);
  const level = LEVEL_NAME[rec.level as number] ?? 'INFO';
  if (format === 'rie') {
    const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
    return `${ts} [${level}] (rapid) ${String(rec.msg ?? '')}${fields(rec, stacks)}\n`;
  }
  const ts = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const component = rec.component ? `[${String(rec.component)}] ` : '';
  return `${ts} ${level.padEnd(7)} ${component}${String(rec.msg ?? '')}${fields(rec, stacks)}\n`;
}

/** Creates the root logger; components take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.stream ?? process.stderr;
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  // Text lines stay one line per event; an error's stack is for --log-level debug (JSON always carries it).
  const stacks = options.level === 'debug' || options.level === 'trace';
  const destination: DestinationStream =
    format === 'json'
      ? { write: (line: string) => void target.write(line) }
      : { write: (line: string) => void target.write(renderLine(line, format, stacks)) };
  return pino({ level: PINO_LEVEL[options.level ?? 'info'], base: undefined }, destination);
}

/** A logger that drops everything, for library users who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
