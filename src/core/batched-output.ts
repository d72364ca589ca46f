// Function output to a stream, written when an invocation's log ends or at most 10 ms after it was produced: a
// short invocation's START, output, END and REPORT leave in one write, under load the lines of many invocations
// share one (instead of a system call and a wake-up of the reader each). A REPORT is out before its invocation's
// answer, except under a steady load (a write left less than 2 ms before): then it follows within 10 ms, with
// the logs of the invocations that end meanwhile.

export interface BatchedOutput {
  /** `now`: write at once, with what is pending (an invocation's log is out before its answer), unless a write left under 2 ms ago. */
  (chunk: string | Buffer, now?: boolean): void;
  /** Writes what is pending now. */
  flush(): void;
}

/** Most bytes held back before a write happens at once (a function printing megabytes is not held up). */
const MAX_PENDING_BYTES = 65_536;
/** Longest that output waits for company: too short for a person watching the log to notice. */
const MAX_DELAY_MS = 10;
/** An invocation's end writes at once unless the last write is more recent than this (then the load is steady). */
const RECENT_WRITE_MS = 2;

/** Every output with something pending writes it when the process ends (one exit listener for all of them). */
const pendingAtExit = new Set<() => void>();
let exitHooked = false;

/** `now`: the monotonic clock in ms that tells a steady load (tests inject one). */
export function batchedOutput(stream: NodeJS.WritableStream, { now: clock = () => performance.now() }: { now?: () => number } = {}): BatchedOutput {
  let pending: (string | Buffer)[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = -Infinity;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    pendingAtExit.delete(flush);
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    lastWrite = clock();
    if (chunks.length === 1) stream.write(chunks[0]!);
    else if (chunks.every((c) => typeof c === 'string')) stream.write(chunks.join(''));
    else stream.write(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  };
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const pendingFlush of [...pendingAtExit]) pendingFlush();
    });
  }
  const write = ((chunk: string | Buffer, now = false) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= MAX_PENDING_BYTES || (now && clock() - lastWrite >= RECENT_WRITE_MS)) return flush();
    if (!timer) {
      timer = setTimeout(flush, MAX_DELAY_MS).unref();
      pendingAtExit.add(flush);
    }
  }) as BatchedOutput;
  write.flush = flush;
  return write;
}
