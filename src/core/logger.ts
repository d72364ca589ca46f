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

function fields(rec: Record<string, unknown>): string {
  let out = '';
  for (const [k, v] of Object.entries(rec)) {
    if (OMIT.has(k) || v === undefined) continue;
    out += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return out;
}

/** Renders one pino JSON record as a text line (RIE's `DD Mon YYYY HH:MM:SS,mmm [LEVEL] (rapid) msg` or a short TTY form). */
export function renderLine(json: string, format: 'pretty' | 'rie'): string {
  const rec = JSON.parse(json) as Record<string, unknown>;
  const d = new Date(rec.time as number);
  const level = LEVEL_NAME[rec.level as number] ?? 'INFO';
  if (format === 'rie') {
    const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
    return `${ts} [${level}] (rapid) ${String(rec.msg ?? '')}${fields(rec)}\n`;
  }
  const ts = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const component = rec.component ? `[${String(rec.component)}] ` : '';
  return `${ts} ${level.padEnd(7)} ${component}${String(rec.msg ?? '')}${fields(rec)}\n`;
}

/** Creates the root logger; components take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.stream ?? process.stderr;
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const destination: DestinationStream =
    format === 'json'
      ? { write: (line: string) => void target.write(line) }
      : { write: (line: string) => void target.write(renderLine(line, format)) };
  return pino({ level: PINO_LEVEL[options.level ?? 'info'], base: undefined }, destination);
}

/** A logger that drops everything, for library users who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
