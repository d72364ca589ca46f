// The live memory of a Node process started with --inspect: a full garbage collection through the inspector, then
// process.memoryUsage() read inside it. What a leak keeps shows here; V8's heap sizing and the allocator do not.
import { CdpSession } from '../debug/cdp.js';

export interface LiveMemory {
  /** V8 heap in use after the collection, in bytes. */
  heapUsed: number;
  /** Memory outside the heap that JavaScript objects hold (Buffers, ArrayBuffers), in bytes. */
  external: number;
}

/** Collects garbage in the process whose inspector listens on 127.0.0.1:`port`, then reads its memory. */
export async function liveMemory(port: number): Promise<LiveMemory> {
  const session = await CdpSession.open({ address: '127.0.0.1', port, outFiles: [] });
  try {
    // Twice: objects with finalizers or weak references are freed by the second collection.
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.collectGarbage');
    const evaluated = (await session.send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    const usage = JSON.parse(evaluated.result.value) as { heapUsed: number; external: number };
    return { heapUsed: usage.heapUsed, external: usage.external };
  } finally {
    session.close();
  }
}
