// A small HTTP load generator for the soak tests: N requests over C keep-alive connections (undici), counting every failure by kind.
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  ok: number;
  /** Failures by kind: `status 502`, `unexpected body`, or the socket error's code (ECONNRESET, UND_ERR_SOCKET, ...). */
  failures: Record<string, number>;
  errors: number;
  durationMs: number;
}

export interface LoadOptions {
  /** Requests to send in all. */
  requests: number;
  connections: number;
  /** The answer every request must get, byte for byte. */
  expectBody: string;
  /** Called after every `every` requests completed (for memory samples). */
  onProgress?: (done: number) => void;
  every?: number;
}

/** Sends `requests` GETs to `url` over `connections` connections, one request at a time on each. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const { origin, pathname, search } = new URL(url);
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 });
  const failures: Record<string, number> = {};
  const fail = (kind: string) => (failures[kind] = (failures[kind] ?? 0) + 1);
  let started = 0;
  let done = 0;
  let ok = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < options.requests) {
      started++;
      try {
        const res = await pool.request({ path: `${pathname}${search}`, method: 'GET' });
        const body = await res.body.text();
        if (res.statusCode < 200 || res.statusCode > 299) fail(`status ${res.statusCode}`);
        else if (body !== options.expectBody) fail('unexpected body');
        else ok++;
      } catch (err) {
        fail((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
      done++;
      if (options.onProgress && options.every && done % options.every === 0) options.onProgress(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    await pool.close();
  }
  const errors = Object.values(failures).reduce((a, b) => a + b, 0);
  return { requests: done, ok, failures, errors, durationMs: performance.now() - t0 };
}
