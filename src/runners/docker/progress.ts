// Turns the daemon's JSON progress events (pull and build) into a few readable lines for the user.

/** One event of a pull or build stream, as the Docker API sends it. */
export interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: unknown;
  error?: string;
  errorDetail?: { message?: string };
}

/** Receives one readable line at a time (no trailing newline). */
export type ProgressSink = (line: string) => void;

const MB = 1024 * 1024;
/** Byte-progress of one layer is reported at these steps, so a pull prints a handful of lines per layer, not hundreds. */
const PERCENT_STEP = 25;

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * Renders pull events: every status change of a layer once (`3f4a…: Pull complete`), byte progress in 25% steps
 * (`3f4a…: Downloading 50% of 27.1 MB`), and the daemon's summary lines (`Digest: …`, `Status: …`).
 */
export function pullProgressRenderer(sink: ProgressSink): (event: ProgressEvent) => void {
  const last = new Map<string, string>();
  return (event) => {
    if (!event.status) return;
    if (!event.id) {
      sink(event.status);
      return;
    }
    const current = event.progressDetail?.current;
    const total = event.progressDetail?.total;
    let key = event.status;
    let line = `${event.id}: ${event.status}`;
    if (current !== undefined && total) {
      const step = Math.min(100, Math.floor((current / total) * 100 / PERCENT_STEP) * PERCENT_STEP);
      key = `${event.status} ${step}`;
      line = `${event.id}: ${event.status} ${step}% of ${mb(total)}`;
    }
    if (last.get(event.id) === key) return;
    last.set(event.id, key);
    sink(line);
  };
}

/** CSI sequences (colours, cursor moves) and OSC titles, as terminals' output carries them. */
const ANSI_ESCAPE = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07]*\x07/g;

/** Renders build events: the builder's output line by line (`Step 2/3 : COPY …`), pulls of base images as above. */
export function buildProgressRenderer(sink: ProgressSink): (event: ProgressEvent) => void {
  const pull = pullProgressRenderer(sink);
  let pending = '';
  return (event) => {
    if (event.stream !== undefined) {
      // The builder splits its output anywhere; only whole lines are passed on.
      pending += event.stream;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        // A RUN step's colours (npm, pip) would reach the log as raw escape codes: the log gets plain text.
        const line = raw.replace(ANSI_ESCAPE, '');
        if (line.trim()) sink(line.trimEnd());
      }
      return;
    }
    if (event.status) pull(event);
  };
}

/** The error a stream reported in-band (the HTTP status was already 200), if any. */
export function progressError(event: ProgressEvent): string | undefined {
  return event.error ?? event.errorDetail?.message;
}
