// Lambda's log framing: the START, END and REPORT lines and the timeout line, formatted as Lambda prints them.

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number | string;
  /** The runtime's measured peak; the field is left out when nothing measured it (never MemorySize standing in). */
  maxMemoryUsedMb?: number;
  initDurationMs?: number;
}

export const startLine = (requestId: string, version: string) =>
  `START RequestId: ${requestId} Version: ${version}\n`;

export const endLine = (requestId: string) => `END RequestId: ${requestId}\n`;

/** Lambda prints Init Duration last (RIE prints it before Duration); every field ends with a TAB. */
export function reportLine(f: ReportFields): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${Math.ceil(f.durationMs)} ms\tMemory Size: ${f.memorySizeMb} MB\t`;
  if (f.maxMemoryUsedMb !== undefined) line += `Max Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  return `${line}\n`;
}

/** `Task timed out after 3.00 seconds`: the message Lambda uses for a function timeout. */
export const timeoutMessage = (timeoutMs: number) => `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;

/** The platform line Lambda writes to the function's log when an invocation times out. */
export const timeoutLogLine = (nowMs: number, requestId: string, timeoutMs: number) =>
  `${new Date(nowMs).toISOString()} ${requestId} ${timeoutMessage(timeoutMs)}\n`;
