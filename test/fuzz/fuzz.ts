// Shared settings and building blocks of the property tests: seeded runs, AWS's schemas, and the tricky strings every generator mixes in.
import fc from 'fast-check';
import { APIGatewayProxyEventSchema, APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas';

/**
 * Runs are seeded so that a failure reproduces: fast-check's report names the seed and the path
 * of the shrunk counterexample; rerun with `FUZZ_SEED=<seed> FUZZ_PATH=<path>`. `FUZZ_RUNS`
 * multiplies the run counts (say 10 for a long local session), and `FUZZ_SEED=random` explores.
 */
const seedSetting = process.env.FUZZ_SEED;
export const FUZZ_SEED = seedSetting === 'random' ? Math.floor(Math.random() * 2 ** 31) : seedSetting ? Number(seedSetting) : 424242;
const RUN_FACTOR = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1;

/** fast-check parameters: the shared seed, a bounded number of runs, a replay path when given. */
export function runs<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const params: fc.Parameters<T> = { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(numRuns * RUN_FACTOR)), ...extra };
  if (process.env.FUZZ_PATH) params.path = process.env.FUZZ_PATH;
  return params;
}

/**
 * Keys that live on `Object.prototype`: a translator that fills a plain `{}` by key (`map[key] ??= …`,
 * `key in map`) reads or writes the prototype instead of an own entry. Every generator of names mixes them in.
 */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'] as const;

/** Problems of an event against Powertools' schema for its format (payload 2.0, or REST / payload 1.0), as one line each. */
export function schemaProblems(event: { version?: string }): string[] {
  const schema = event.version === '2.0' ? APIGatewayProxyEventV2Schema : APIGatewayProxyEventSchema;
  const result = schema.safeParse(event);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** A JSON round trip loses nothing: no `undefined`, functions or prototype tricks hide in the value. */
export function jsonRoundTrips(value: unknown): boolean {
  return isDeepStrictEqualJson(JSON.parse(JSON.stringify(value)), value);
}

function isDeepStrictEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && isDeepStrictEqualJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A printable text of 1–n characters mixing ASCII, Latin-1, other Unicode and spaces. */
export const mixedText = (maxLength = 12) =>
  fc.string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019-_.~ +%&=?#/;,:@!$\'()*[]{}"<>\\^`|'.split('')) },
      { weight: 2, arbitrary: fc.constantFrom('é', 'ü', 'ß', 'ÿ', '€', '中', '文', '😀', '\u00a0', '\u200b') },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
    ),
    maxLength,
  });

/** Percent-encodes the UTF-8 bytes of one character, hex digits in either case. */
export function percentEncode(ch: string, lowerHex = false): string {
  const hex = [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  return lowerHex ? hex.toLowerCase() : hex;
}
