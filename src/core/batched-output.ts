// Function output to a stream, written at most once per event-loop turn or when an invocation's log ends: under
// load, the lines of many invocations share one write instead of costing a system call (and a wake-up of the
// reader) each, and an invocation's REPORT is still written before its answer goes out.

export interface BatchedOutput {
  /** `now`: write at once, with what is pending (an invocation's log is out before its answer). */
  (chunk: string | Buffer, now?: boolean): void;
  /** Writes what is pending now. */
  flush(): void;
}

/** Most bytes held back before a write happens at once (a function printing megabytes is not held up). */
const MAX_PENDING_BYTES = 65_536;

export function batchedOutput(stream: NodeJS.WritableStream): BatchedOutput {
  let pending: (string | Buffer)[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    if (chunks.length === 1) stream.write(chunks[0]!);
    else if (chunks.every((c) => typeof c === 'string')) stream.write(chunks.join(''));
    else stream.write(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  };
  // What is still pending when the process ends goes out with it.
  process.once('exit', flush);
  const write = ((chunk: string | Buffer, now = false) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (now || pendingBytes >= MAX_PENDING_BYTES) return flush();
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }) as BatchedOutput;
  write.flush = flush;
  return write;
}
