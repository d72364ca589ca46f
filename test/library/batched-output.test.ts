// batchedOutput: what the CLI prints function output with — one write per event-loop turn, nothing lost or reordered.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { batchedOutput } from '../../src/index.js';

function recorder() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream, writes };
}

describe('batchedOutput', () => {
  it('joins the chunks of 10 ms into one write, in order, strings and bytes alike', async () => {
    const { stream, writes } = recorder();
    const out = batchedOutput(stream);
    out('START\n');
    out(Buffer.from('log line\n'));
    out('END\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes).toEqual(['START\nlog line\nEND\n']);
    out('next turn\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes).toEqual(['START\nlog line\nEND\n', 'next turn\n']);
  });

  it('writes at once, with what is pending, when told the chunk ends an invocation’s log', () => {
    const { stream, writes } = recorder();
    const out = batchedOutput(stream);
    out('START\n');
    out('END\nREPORT\n', true);
    expect(writes).toEqual(['START\nEND\nREPORT\n']);
  });

  it('under a steady load (a write under 2 ms before) an invocation\'s end joins the 10 ms batch instead of writing at once', async () => {
    const { stream, writes } = recorder();
    let clock = 1_000;
    const out = batchedOutput(stream, { now: () => clock });
    out('END\nREPORT 1\n', true);
    expect(writes).toEqual(['END\nREPORT 1\n']);
    clock += 1.5;
    out('START 2\n');
    out('END\nREPORT 2\n', true);
    clock += 0.3;
    out('END\nREPORT 3\n', true);
    expect(writes).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes).toEqual(['END\nREPORT 1\n', 'START 2\nEND\nREPORT 2\nEND\nREPORT 3\n']);
    // Quiet again: the next invocation's end is out at once.
    clock += 2;
    out('END\nREPORT 4\n', true);
    expect(writes.at(-1)).toBe('END\nREPORT 4\n');
  });

  it('writes at once when a turn holds 64 KiB, and on flush()', () => {
    const { stream, writes } = recorder();
    const out = batchedOutput(stream);
    out('x'.repeat(70_000));
    expect(writes.map((w) => w.length)).toEqual([70_000]);
    out('tail');
    out.flush();
    expect(writes.at(-1)).toBe('tail');
  });

  it('adds one exit listener however many outputs are made (a library may make one per startRie)', () => {
    batchedOutput(recorder().stream);
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) batchedOutput(recorder().stream)('x');
    expect(process.listenerCount('exit')).toBe(before);
  });
});
