// The streaming bandwidth cap: burst at full speed, then the configured rate, content unchanged (fake clock).
import { describe, expect, it } from 'vitest';
import { STREAM_BANDWIDTH, throttleAfterBurst, type ThrottleClock } from '../../src/core/bandwidth.js';

/** A clock whose sleeps advance time instantly and are recorded. */
function fakeClock(): ThrottleClock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

async function* of(...sizes: number[]) {
  let n = 0;
  for (const size of sizes) yield Uint8Array.from({ length: size }, () => n++ % 251);
}

async function collect(source: AsyncIterable<Uint8Array>, clock: ReturnType<typeof fakeClock>) {
  const out: { size: number; at: number }[] = [];
  const parts: Uint8Array[] = [];
  for await (const chunk of source) {
    out.push({ size: chunk.byteLength, at: clock.t });
    parts.push(chunk);
  }
  return { out, bytes: Buffer.concat(parts) };
}

describe('throttleAfterBurst', () => {
  it('uses AWS’s figures by default: 6 MiB uncapped, then 2 MiB/s', () => {
    expect(STREAM_BANDWIDTH).toEqual({ burstBytes: 6_291_456, bytesPerSecond: 2_097_152 });
  });

  it.each([
    ['under the burst', [100, 200], 1000],
    ['exactly the burst', [500, 500], 1000],
  ])('never waits when the stream stays %s', async (_name, sizes, burst) => {
    const clock = fakeClock();
    const { out } = await collect(throttleAfterBurst(of(...sizes), { burstBytes: burst, bytesPerSecond: 10, clock }), clock);
    expect(clock.sleeps).toEqual([]);
    expect(out.map((c) => c.size)).toEqual(sizes);
  });

  it('splits a chunk straddling the burst and paces the rest at the rate', async () => {
    const clock = fakeClock();
    // 1000-byte burst, then 100 B/s in 10-byte slices: 50 capped bytes take 0.4 s after the first slice.
    const { out } = await collect(throttleAfterBurst(of(1050), { burstBytes: 1000, bytesPerSecond: 100, sliceBytes: 10, clock }), clock);
    expect(out).toEqual([
      { size: 1000, at: 0 },
      { size: 10, at: 0 },
      { size: 10, at: 100 },
      { size: 10, at: 200 },
      { size: 10, at: 300 },
      { size: 10, at: 400 },
    ]);
  });

  it('keeps the content byte-exact whatever the chunking', async () => {
    const clock = fakeClock();
    const sizes = [7, 1, 300, 0, 64, 1024];
    const { bytes: plain } = await collect(of(...sizes), clock);
    const { bytes: throttled } = await collect(throttleAfterBurst(of(...sizes), { burstBytes: 100, bytesPerSecond: 1000, sliceBytes: 33, clock }), clock);
    expect(throttled.equals(plain)).toBe(true);
  });

  it('averages the rate over a long capped stream (10 s of time for 10 × rate bytes)', async () => {
    const clock = fakeClock();
    const rate = 2000;
    await collect(throttleAfterBurst(of(...Array(20).fill(1000)), { burstBytes: 0, bytesPerSecond: rate, clock }), clock);
    // The last slice is sent when the bytes before it have had their time: (20000 - 200) / 2000 s.
    expect(clock.t).toBeCloseTo(((20_000 - rate / 10) / rate) * 1000, 6);
  });

  it('does not make up for a slow producer with a later burst beyond the rate', async () => {
    const clock = fakeClock();
    async function* slow() {
      yield new Uint8Array(10);
      clock.t += 5000; // the function pauses for 5 s
      yield new Uint8Array(10);
      yield new Uint8Array(10);
    }
    const { out } = await collect(throttleAfterBurst(slow(), { burstBytes: 0, bytesPerSecond: 10, sliceBytes: 10, clock }), clock);
    // Time lost while the producer was idle is not banked as credit beyond what the rate allowed.
    expect(out.map((c) => c.at)).toEqual([0, 5000, 6000]);
  });

  it.each([
    [{ bytesPerSecond: 0 }],
    [{ bytesPerSecond: -1 }],
    [{ burstBytes: -1 }],
  ])('rejects a nonsensical configuration %j', async (options) => {
    await expect(collect(throttleAfterBurst(of(1), options), fakeClock())).rejects.toThrow(RangeError);
  });
});
