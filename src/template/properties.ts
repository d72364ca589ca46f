// Typed reads of resolved resource properties, turning what cannot be resolved into a warning, or an error where the value is required.
import { joinPath, type Diagnostics, type Pos, type Positions } from './diagnostics.js';
import type { Resolver } from './intrinsics.js';
import type { ResourceEntry } from './refs.js';
import { NO_VALUE, Unresolved, findUnresolved, isPlainMap, isRecord, type Value } from './values.js';

export interface ReaderContext {
  diag: Diagnostics;
  positions: Positions;
  resolver: Resolver;
}

type Key = string | number;

/**
 * Reads the properties of one resource (or of one nested map, such as an event's `Properties`).
 * `required` names why a value is needed; without it, an unresolvable value is a warning and is
 * treated as absent.
 */
export class PropertyReader {
  constructor(
    private readonly ctx: ReaderContext,
    /** The raw (merged, unresolved) properties, for positions. */
    readonly raw: Record<string, unknown>,
    /** The dotted path of `raw`: `Resources.Fn.Properties`. */
    readonly base: string,
    private readonly entry?: ResourceEntry,
    /** Where to point for a property that is absent: the `Properties:` key, typically. */
    private readonly anchor?: Pos,
  ) {}

  /** A reader for a map inside a property (`FunctionUrlConfig.Cors`), so that messages name the full path. */
  nested(key: string): PropertyReader {
    const raw = this.raw[key];
    return new PropertyReader(this.ctx, isRecord(raw) ? raw : {}, joinPath(this.base, key), undefined, this.ctx.positions.locate(this.raw, [key]) ?? this.anchor);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  /** `file:line:col: path` of a property or of something inside it. */
  at(...keys: Key[]): string {
    const path = keys.reduce<string>((p, k) => joinPath(p, k), this.base);
    const absent = keys.length > 0 && this.raw[keys[0] as string] === undefined;
    const anchor = this.anchor ?? this.entry?.anchor;
    const pos = absent && anchor ? anchor : this.ctx.positions.locate(this.raw, keys) ?? anchor;
    return this.ctx.diag.at(pos, path);
  }

  /** The resolved value; `undefined` when absent or removed by `AWS::NoValue`. */
  value(key: string): Value | undefined {
    if (this.raw[key] === undefined) return undefined;
    const value = this.entry
      ? this.ctx.resolver.resolveProperty(this.entry, key)
      : this.ctx.resolver.resolve(this.raw[key], joinPath(this.base, key));
    return value === NO_VALUE || value === null ? undefined : value;
  }

  /**
   * Reports an unresolved value and says whether the caller should go on as if it were absent.
   * A parameter without a value is an error wherever it is used (a silent parameter name, SAM's
   * behaviour, hides the mistake).
   */
  unresolved(value: Unresolved, keys: Key[], required?: string, consequence = 'ignored'): void {
    if (value.kind === 'error') return;
    if (required || value.kind === 'no-value') {
      this.ctx.diag.error('EMU_TEMPLATE_UNRESOLVED', this.at(...keys), value.reason, required ?? 'the emulator needs this value');
    } else {
      this.ctx.diag.warn(`${this.at(...keys)}: ${value.reason}; ${consequence}`);
    }
  }

  /** A resolved value with nothing unresolved inside, else `undefined` (reported). */
  known(key: string, required?: string): Value | undefined {
    const value = this.value(key);
    if (value === undefined) {
      if (required) this.missing(key, required);
      return undefined;
    }
    const unresolved = findUnresolved(value);
    if (unresolved) {
      this.unresolved(unresolved, [key], required);
      return undefined;
    }
    return value;
  }

  missing(key: string, why: string): void {
    this.ctx.diag.error('EMU_TEMPLATE_MISSING_PROPERTY', this.at(key), why);
  }

  bad(keys: Key[], message: string): void {
    this.ctx.diag.error('EMU_TEMPLATE_BAD_PROPERTY', this.at(...keys), message);
  }

  /** A start-up warning at a property: read, but not (fully) emulated. */
  warn(keys: Key[], message: string): void {
    this.ctx.diag.warn(`${this.at(...keys)}: ${message}`);
  }

  string(key: string, required?: string): string | undefined {
    const value = this.known(key, required);
    if (value === undefined) return undefined;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') {
      this.bad([key], `must be a string, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** One of `choices` (compared as written). */
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      this.bad([key], `"${value}" is not one of ${choices.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  /** A whole number within AWS's limits; numeric strings (from parameters) are accepted. */
  integer(key: string, min: number, max: number): number | undefined {
    const value = this.known(key);
    if (value === undefined) return undefined;
    return this.integerValue(value, [key], min, max);
  }

  integerValue(value: Value, keys: Key[], min: number, max: number): number | undefined {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.bad(keys, `must be a whole number from ${min} to ${max}, not ${describe(value)}`);
      return undefined;
    }
    return n;
  }

  /** A list of strings (scalars are turned into strings). */
  stringList(key: string): string[] | undefined {
    const value = this.known(key);
    if (value === undefined) return undefined;
    return this.stringListValue(value, [key]);
  }

  stringListValue(value: Value, keys: Key[]): string[] | undefined {
    if (!Array.isArray(value) || value.some((v) => v === null || typeof v === 'object')) {
      this.bad(keys, `must be a list of strings, not ${describe(value)}`);
      return undefined;
    }
    return value.map(String);
  }

  map(key: string): Record<string, Value> | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (value instanceof Unresolved) {
      this.unresolved(value, [key]);
      return undefined;
    }
    if (!isPlainMap(value)) {
      this.bad([key], `must be a map, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }
}

export function describe(value: Value): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Unresolved) return 'an unresolved value';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}
