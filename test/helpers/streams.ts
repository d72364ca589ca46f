// Test helper: reading a streamed HTTP body as it arrives, for the tests of response streaming on every front end.
import { expect } from 'vitest';

/** Each chunk of `body` with its arrival time in ms since `started`. */
export async function arrivals(body: AsyncIterable<Uint8Array>, started: number): Promise<Array<{ at: number; text: string }>> {
  const out: Array<{ at: number; text: string }> = [];
  for await (const chunk of body) out.push({ at: Date.now() - started, text: Buffer.from(chunk).toString() });
  return out;
}

/** Reads a body that must be cut off mid-stream (the connection ends abruptly); resolves with what arrived before the cut. */
export async function cutBody(body: AsyncIterable<Uint8Array>): Promise<string> {
  const got: string[] = [];
  await expect(
    (async () => {
      for await (const chunk of body) got.push(Buffer.from(chunk).toString());
    })(),
  ).rejects.toThrow();
  return got.join('');
}

/** The chunk holding `first` arrived alone, more than `gapMs` before the one holding `second`. */
export function expectApart(got: ReadonlyArray<{ at: number; text: string }>, first: string, second: string, gapMs: number): void {
  const a = got.find((g) => g.text.includes(first))!;
  const b = got.find((g) => g.text.includes(second))!;
  expect(a.text.includes(second)).toBe(false);
  expect(b.at - a.at).toBeGreaterThan(gapMs);
}
