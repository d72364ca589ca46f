// The live memory of a Node process started with --inspect: a full garbage collection through the inspector, then
// process.memoryUsage() read inside it. What a leak keeps shows here; V8's heap sizing and the allocator do not.
import WebSocket from 'ws';

export interface LiveMemory {
  /** V8 heap in use after the collection, in bytes. */
  heapUsed: number;
  /** Memory outside the heap that JavaScript objects hold (Buffers, ArrayBuffers), in bytes. */
  external: number;
}

/** Collects garbage in the process whose inspector listens on 127.0.0.1:`port`, then reads its memory. */
export async function liveMemory(port: number): Promise<LiveMemory> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 0;
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (message.id !== id) return;
        ws.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    // Twice: objects with finalizers or weak references are freed by the second collection.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const evaluated = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const usage = JSON.parse((evaluated.result as { value: string }).value) as { heapUsed: number; external: number };
    return { heapUsed: usage.heapUsed, external: usage.external };
  } finally {
    ws.close();
  }
}
