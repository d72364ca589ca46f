// The values the resolver produces: plain JSON-like data, a marker for `AWS::NoValue`, and `Unresolved` for what only AWS knows.

/** What `!Ref AWS::NoValue` gives: the key or list item holding it is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
export type NoValue = typeof NO_VALUE;

/**
 * Why a value cannot be known locally (an `!ImportValue`, an SSM parameter, a deploy-time
 * attribute) or could not be worked out (`kind: 'error'`, already reported). Consumers turn it
 * into a warning naming the property, or an error where the value is required.
 */
export class Unresolved {
  constructor(
    /** A full clause: `Fn::ImportValue "Shared" cannot be resolved locally`. */
    readonly reason: string,
    /** `no-value`: a parameter without value (an error wherever used); `error`: already reported. */
    readonly kind: 'unknown' | 'no-value' | 'error' = 'unknown',
  ) {}
}

/** A resolved template value. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | Unresolved;

/** A map in the raw (unresolved) tree: an object that is not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPlainMap(value: unknown): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unresolved);
}

/** The first `Unresolved` inside a value, if any (a list of ARNs with one `!ImportValue`, say). */
export function findUnresolved(value: Value): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnresolved(item);
      if (found) return found;
    }
  } else if (isPlainMap(value)) {
    for (const item of Object.values(value)) {
      const found = findUnresolved(item);
      if (found) return found;
    }
  }
  return undefined;
}
