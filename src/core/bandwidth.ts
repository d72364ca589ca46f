// Response-streaming bandwidth cap: the first bytes pass at full speed, the rest at a fixed rate, as Lambda streams.
//
// "The first 6 MB of your function's response payload has uncapped bandwidth. After this initial
// burst, Lambda streams your response at a maximum rate of 2 MBps."
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html

/** Lambda's burst and rate; MB counted as MiB, as the 6 MB buffered limit (6,291,456 bytes) is. */
export const STREAM_BANDWIDTH = {
  burstBytes: 6 * 1024 * 1024,
  bytesPerSecond: 2 * 1024 * 1024,
} as const;

/** Time as the throttle sees it; tests inject a fake one. */
export interface ThrottleClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realThrottleClock: ThrottleClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ThrottleOptions {
  /** Bytes passed at full speed before the cap applies. */
  readonly burstBytes?: number;
  /** The cap after the burst, in bytes per second. */
  readonly bytesPerSecond?: number;
  readonly clock?: ThrottleClock;
  /**
   * Largest slice handed on at once after the burst, so a big chunk trickles out smoothly
   * rather than in one late lump; default a tenth of a second's worth.
   */
  readonly sliceBytes?: number;
}

/**
 * Passes `source` on unchanged in content: the first `burstBytes` as fast as they come, then
 * no faster than `bytesPerSecond` (a chunk straddling the boundary is split there).
 */
export async function* throttleAfterBurst(source: AsyncIterable<Uint8Array>, options: ThrottleOptions = {}): AsyncGenerator<Uint8Array> {
  const burst = options.burstBytes ?? STREAM_BANDWIDTH.burstBytes;
  const rate = options.bytesPerSecond ?? STREAM_BANDWIDTH.bytesPerSecond;
  const clock = options.clock ?? realThrottleClock;
  if (!(rate > 0) || !(burst >= 0)) throw new RangeError('throttleAfterBurst: bytesPerSecond must be > 0 and burstBytes >= 0');
  const sliceBytes = Math.max(1, Math.floor(options.sliceBytes ?? rate / 10));
  let passed = 0;
  let capStart: number | undefined;
  let capped = 0;
  for await (const chunk of source) {
    let rest = chunk;
    if (passed < burst) {
      const free = Math.min(rest.byteLength, burst - passed);
      passed += free;
      if (free === rest.byteLength) {
        yield rest;
        continue;
      }
      yield rest.subarray(0, free);
      rest = rest.subarray(free);
    }
    while (rest.byteLength > 0) {
      const slice = rest.subarray(0, sliceBytes);
      rest = rest.subarray(slice.byteLength);
      capStart ??= clock.now();
      // Each slice waits until the bytes already sent after the burst have had their time at `rate`.
      const due = capStart + (capped * 1000) / rate;
      const wait = due - clock.now();
      if (wait > 0) await clock.sleep(wait);
      // An idle producer banks no credit: the schedule restarts from now, so the rate is never exceeded.
      else capStart -= wait;
      capped += slice.byteLength;
      passed += slice.byteLength;
      yield slice;
    }
  }
}
