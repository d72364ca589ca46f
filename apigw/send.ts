// Writing a gateway response to the client, for API Gateway and Function URLs alike: whole (Content-Length) or streamed (chunked).
import { validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import type { InvokeResult } from '../src/core/invoke.js';
import type { Logger } from '../src/core/logger.js';
import { writeOrWait } from '../src/core/net.js';
import type { GatewayResponse } from './response.js';

/** Statuses whose responses carry neither a body nor a Content-Length. */
const BODYLESS_STATUS = (status: number) => status < 200 || status === 204 || status === 304;

/** A response's header lines for `writeHead`, without the ones Node would refuse (each named in a warning). */
export function validLines(headers: readonly [string, string][], logger: Logger): string[] {
  const lines: string[] = [];
  for (const [name, value] of headers) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
      lines.push(name, value);
    } catch {
      logger.warn({ header: name }, `dropped response header "${name}": not a valid HTTP header`);
    }
  }
  return lines;
}

/** Writes a whole response: its header lines as given (repeats kept), Content-Length from the exact body. */
export function sendResponse(res: ServerResponse, response: GatewayResponse, logger: Logger, closeConnection = false): void {
  if (res.destroyed || res.headersSent) return;
  const lines = validLines(response.headers, logger);
  const bodyless = BODYLESS_STATUS(response.statusCode);
  if (!bodyless) lines.push('Content-Length', String(response.body.length));
  if (closeConnection) lines.push('Connection', 'close');
  res.writeHead(response.statusCode, lines);
  res.end(bodyless ? undefined : response.body);
}

/**
 * A streamed response: status and headers at once, then the body with chunked transfer as the function
 * writes it. A failure mid-stream cuts the connection (the status was already sent); a client that went
 * away leaves the function running, its output dropped, as in Lambda.
 */
export async function sendStreamed(res: ServerResponse, head: GatewayResponse, body: AsyncIterable<Buffer>, outcome: Promise<InvokeResult>, logger: Logger): Promise<void> {
  let gone = false;
  res.once('close', () => {
    gone = !res.writableFinished;
  });
  res.writeHead(head.statusCode, validLines(head.headers, logger));
  res.flushHeaders();
  for await (const chunk of body) {
    if (gone || res.destroyed || chunk.byteLength === 0) continue;
    await writeOrWait(res, chunk);
  }
  const ended = await outcome;
  if (!ended.ok) {
    logger.warn({ kind: ended.kind, errorType: ended.error.errorType }, 'the function failed mid-stream; the response is cut off');
    res.destroy();
    return;
  }
  if (!res.destroyed) res.end();
}
