// Command-line parsing helpers shared by the subcommands: flags through one typed table, addresses, one-line errors.
import { emuError } from '../index.js';

export interface FlagSpec {
  /** Long name without dashes, e.g. `log-level`. */
  name: string;
  short?: string;
  /** Takes a value (`--flag V` or `--flag=V`); otherwise a boolean switch. */
  value: boolean;
}

export interface Parsed {
  flags: Map<string, string | true>;
  positional: string[];
}

/**
 * Parses argv with a flag table. Known flags may appear anywhere; `--` ends flag parsing.
 * With `keepUnknown` an unknown `--xyz` stays positional (RIE's behaviour), else it is an error.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], keepUnknown: boolean): Parsed {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const eq = token.indexOf('=');
    const name = token.startsWith('--') ? token.slice(2, eq === -1 ? undefined : eq) : undefined;
    const spec = specs.find((s) => (name !== undefined && s.name === name) || (s.short !== undefined && token === `-${s.short}`));
    if (!spec) {
      if (!keepUnknown && token.startsWith('-') && token !== '-') throw emuError('EMU_CLI_BAD_FLAG', `unknown option "${token}" (see --help)`);
      positional.push(token);
      continue;
    }
    if (!spec.value) {
      flags.set(spec.name, true);
      continue;
    }
    let value: string | undefined;
    if (name !== undefined && eq !== -1) value = token.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw emuError('EMU_CLI_BAD_FLAG', `option "--${spec.name}" needs a value`);
    flags.set(spec.name, value);
  }
  return { flags, positional };
}

/** Parses `host:port` or `[v6]:port` as RIE does; anything else is a one-line error naming the flag. */
export function parseAddress(value: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw emuError('EMU_CLI_BAD_ADDRESS', `--${flag}`, value);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export function parsePositiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" needs a whole number of at least 1, got "${value}"`);
  return Number(value);
}

export function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" needs a port number (0 for a free one), got "${value}"`);
  return Number(value);
}
