// The authorizer result cache: answers kept per authorizer and identity values for ReauthorizeEvery seconds, on an injectable clock.
import type { Clock } from '../../src/core/ids.js';

/** SAM's and API Gateway's default `ReauthorizeEvery` / `authorizerResultTtlInSeconds`. */
export const DEFAULT_REAUTHORIZE_EVERY_SECONDS = 300;
/** API Gateway's maximum TTL (3600 s); larger values are clamped, as the console refuses them. */
export const MAX_REAUTHORIZE_EVERY_SECONDS = 3600;
/** A bound on entries so that a flood of distinct tokens cannot grow memory without end (the emulator's own choice). */
const MAX_ENTRIES = 10_000;

export class AuthorizerCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** The cached value, if it has not expired. */
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps a value for `ttlSeconds`; 0 (caching disabled) keeps nothing. */
  set(key: string, value: T, ttlSeconds: number): void {
    const ttl = Math.min(ttlSeconds, MAX_REAUTHORIZE_EVERY_SECONDS);
    if (!(ttl > 0)) return;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttl * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
