// Source positions of template values and the collection of errors and warnings that name them (file:line:col: path: message).
import { EmulatorError, emuError, type ErrorCode } from '../core/errors.js';

/** A 1-based line and column in the template file. */
export interface Pos {
  line: number;
  col: number;
}

interface NodeInfo {
  pos: Pos;
  /** Map keys → position of the key; array indexes → position of the item. */
  entries?: Map<string | number, Pos>;
}

/**
 * Positions of parsed values, kept beside the plain JS tree rather than in it, so that the rest
 * of the reader works on ordinary objects and arrays. Primitives have no identity, so a value's
 * position is looked up through its container and key.
 */
export class Positions {
  private readonly info = new WeakMap<object, NodeInfo>();

  set(node: object, pos: Pos): void {
    const existing = this.info.get(node);
    if (existing) existing.pos = pos;
    else this.info.set(node, { pos });
  }

  setEntry(container: object, key: string | number, pos: Pos): void {
    let info = this.info.get(container);
    if (!info) {
      info = { pos };
      this.info.set(container, info);
    }
    (info.entries ??= new Map()).set(key, pos);
  }

  /** Position of a container or intrinsic node itself. */
  of(node: unknown): Pos | undefined {
    return typeof node === 'object' && node !== null ? this.info.get(node)?.pos : undefined;
  }

  /** Position of `container[key]`'s key (or array item), else of the container. */
  entry(container: unknown, key: string | number): Pos | undefined {
    if (typeof container !== 'object' || container === null) return undefined;
    const info = this.info.get(container);
    return info?.entries?.get(key) ?? info?.pos;
  }

  /** Copies the position of `from[fromKey]` to `to[toKey]`, for merged or rebuilt containers. */
  copyEntry(from: object, fromKey: string | number, to: object, toKey: string | number): void {
    const pos = this.info.get(from)?.entries?.get(fromKey);
    if (pos) this.setEntry(to, toKey, pos);
  }

  /** Gives a rebuilt container the position of the one it replaces. */
  copyNode(from: object, to: object): void {
    const pos = this.info.get(from)?.pos;
    if (pos && !this.info.has(to)) this.info.set(to, { pos });
  }

  /** The position of the deepest existing node along `keys` from `root` (keys of missing nodes fall back to their parent). */
  locate(root: unknown, keys: readonly (string | number)[]): Pos | undefined {
    let node: unknown = root;
    let best = this.of(root);
    for (const key of keys) {
      if (typeof node !== 'object' || node === null) break;
      const pos = this.entry(node, key);
      if (pos) best = pos;
      node = (node as Record<string | number, unknown>)[key];
      if (node === undefined) break;
    }
    return best;
  }
}

/** Joins key segments into the dotted path used in messages: `Resources.Fn.Properties.Layers[0]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** Several template errors at once; `errors` holds each one. */
export class TemplateErrors extends EmulatorError {
  readonly errors: readonly EmulatorError[];
  constructor(errors: readonly EmulatorError[]) {
    super('EMU_TEMPLATE_INVALID', [errors.length, errors.map((e) => `  ${e.message}`).join('\n')]);
    this.errors = errors;
  }
}

/** Collects errors (thrown together at the end) and warnings (returned in the model) for one template file. */
export class Diagnostics {
  readonly errors: EmulatorError[] = [];
  readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly file: string) {}

  /** The `file:line:col: path` prefix of a message. */
  at(pos: Pos | undefined, path: string): string {
    const place = pos ? `${this.file}:${pos.line}:${pos.col}` : this.file;
    return path ? `${place}: ${path}` : place;
  }

  error(code: ErrorCode, ...args: unknown[]): EmulatorError {
    // One line per error: names taken from the template may hold line breaks.
    const err = emuError(code, ...args.map((a) => (typeof a === 'string' ? a.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : a)));
    // One mistake can be met twice (the reference check and the resolver); report it once.
    if (!this.seen.has(err.message)) {
      this.seen.add(err.message);
      this.errors.push(err);
    }
    return err;
  }

  warn(text: string): void {
    const message = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
    if (!this.seen.has(message)) {
      this.seen.add(message);
      this.warnings.push(message);
    }
  }

  /** Throws the one error, or all of them together in the order of the file. */
  throwIfErrors(): void {
    if (this.errors.length === 1) throw this.errors[0];
    if (this.errors.length > 1) {
      const place = (e: EmulatorError) => {
        const m = /^.*?:(\d+):(\d+): /.exec(e.message);
        return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
      };
      throw new TemplateErrors([...this.errors].sort((a, b) => place(a) - place(b)));
    }
  }
}
