// Function URL results → HTTP responses: buffered results (payload 2.0 rules), the streaming HTTP prelude, and AWS's error answers.
import { responseFromV2, type GatewayResponse, type ParsedResult } from '../response.js';
import { HEADER, JSON_MEDIA_TYPE } from '../wire.js';

/**
 * A buffered result maps as an HTTP API payload 2.0 result does: `statusCode` makes it
 * structured, other valid JSON is a 200 application/json body, `cookies` become Set-Cookie lines
 * (AWS "Response payload format" for function URLs).
 */
export function responseFromFunctionUrl(payload: Buffer): ParsedResult {
  return responseFromV2(payload);
}

/** The content type a streaming function announces an HTTP prelude with (ric.md §5). */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** The prelude ends at eight NUL bytes; the body follows. */
const PRELUDE_DELIMITER = Buffer.alloc(8);

/** The prelude's status, headers and cookies, ready to write before the streamed body. */
export interface StreamPrelude {
  statusCode: number;
  headers: Array<[string, string]>;
}

export type PreludeStep =
  | { state: 'need-more' }
  | { state: 'done'; prelude: StreamPrelude; rest: Buffer }
  | { state: 'invalid'; detail: string };

/** What differs between the readers of a prelude: a Function URL's, and API Gateway's streaming metadata. */
export interface PreludeRules {
  /** Also read `multiValueHeaders` (API Gateway's streaming metadata has it; a Function URL's prelude does not). */
  multiValueHeaders?: boolean;
  /** A stream that ends without the 8 NUL bytes is invalid (API Gateway waits for "the valid metadata and delimiter"). */
  delimiterRequired?: boolean;
}

/**
 * Reads the HTTP prelude from the start of a streamed body, chunk by chunk: JSON, 8 NUL bytes,
 * then the body. Feed it until it answers `done` (what followed the delimiter is `rest`) or
 * `invalid`; `end()` settles a stream that ended without the delimiter.
 */
export class PreludeReader {
  private buffered = Buffer.alloc(0);
  /**
   * A prelude larger than `maxBytes` is not one; guards against buffering a whole body by mistake.
   * `rules` says what differs between the readers of a prelude (see PreludeRules).
   */
  constructor(
    private readonly maxBytes = 64 * 1024,
    private readonly rules: PreludeRules = {},
  ) {}

  feed(chunk: Uint8Array): PreludeStep {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const at = this.buffered.indexOf(PRELUDE_DELIMITER);
    if (at < 0) {
      return this.buffered.byteLength > this.maxBytes ? { state: 'invalid', detail: `no prelude delimiter in the first ${this.maxBytes} bytes` } : { state: 'need-more' };
    }
    if (at > this.maxBytes) return { state: 'invalid', detail: `no prelude delimiter in the first ${this.maxBytes} bytes` };
    const parsed = parsePrelude(this.buffered.subarray(0, at), this.rules);
    if (typeof parsed === 'string') return { state: 'invalid', detail: parsed };
    return { state: 'done', prelude: parsed, rest: this.buffered.subarray(at + PRELUDE_DELIMITER.byteLength) };
  }

  /** The stream ended: a prelude without its delimiter is accepted with an empty body (unless the rules require it). */
  end(): PreludeStep {
    if (this.rules.delimiterRequired) return { state: 'invalid', detail: 'the stream ended before the metadata delimiter (8 NUL bytes)' };
    const parsed = parsePrelude(this.buffered, this.rules);
    if (typeof parsed === 'string') return { state: 'invalid', detail: parsed };
    return { state: 'done', prelude: parsed, rest: Buffer.alloc(0) };
  }
}

/** `{"statusCode","headers","cookies"}`; a missing statusCode means 200, as HttpResponseStream's default. */
function parsePrelude(bytes: Buffer, rules: PreludeRules): StreamPrelude | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the prelude is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the prelude is not a JSON object';
  const { statusCode = 200, headers = {}, cookies = [] } = value as Record<string, unknown>;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return `statusCode ${JSON.stringify(statusCode)} is not an HTTP status`;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'headers must be an object';
  if (!Array.isArray(cookies)) return 'cookies must be a list';
  const lines: Array<[string, string]> = [];
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `headers.${name} must be a string`;
    lines.push([name, String(v)]);
  }
  const multi = rules.multiValueHeaders ? ((value as Record<string, unknown>).multiValueHeaders ?? {}) : {};
  if (typeof multi !== 'object' || multi === null || Array.isArray(multi)) return 'multiValueHeaders must be an object';
  for (const [name, list] of Object.entries(multi)) {
    if (!Array.isArray(list)) return `multiValueHeaders.${name} must be a list`;
    for (const v of list) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `multiValueHeaders.${name}[] must be strings`;
      lines.push([name, String(v)]);
    }
  }
  for (const cookie of cookies) {
    if (typeof cookie !== 'string') return 'cookies[] must be strings';
    lines.push([HEADER.setCookie, cookie]);
  }
  return { statusCode, headers: lines };
}

/** Why a Function URL request did not get the function's answer; each maps to one status in `FUNCTION_URL_ERRORS`. */
export type FunctionUrlProblem = 'function-error' | 'bad-result' | 'timeout' | 'throttled' | 'request-too-large' | 'response-too-large' | 'forbidden';

/**
 * AWS's statuses and bodies for a Function URL's failures (docs/function-urls.md lists the sources):
 * a function error or malformed result is 502, throttling 429, oversize requests 413, an unsigned
 * or badly signed AWS_IAM request 403.
 */
export const FUNCTION_URL_ERRORS: Record<FunctionUrlProblem, { statusCode: number; body: string }> = {
  'function-error': { statusCode: 502, body: 'Internal Server Error' },
  'bad-result': { statusCode: 502, body: 'Internal Server Error' },
  timeout: { statusCode: 502, body: 'Internal Server Error' },
  throttled: { statusCode: 429, body: 'Rate Exceeded.' },
  'request-too-large': { statusCode: 413, body: 'Request Entity Too Large' },
  'response-too-large': { statusCode: 502, body: 'Internal Server Error' },
  forbidden: { statusCode: 403, body: '{"Message":"Forbidden"}' },
};

/** The HTTP response of one failure. */
export function functionUrlErrorResponse(problem: FunctionUrlProblem): GatewayResponse {
  const { statusCode, body } = FUNCTION_URL_ERRORS[problem];
  const contentType = body.startsWith('{') ? JSON_MEDIA_TYPE : 'text/plain';
  return { statusCode, headers: [[HEADER.contentType, contentType]], body: Buffer.from(body) };
}

/** Reads a stream up to the end of its prelude (metadata); `rest` is the body after it (what followed the delimiter first). */
export async function readMetadata(body: AsyncIterable<Buffer>, reader: PreludeReader): Promise<{ step: PreludeStep; rest: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  let step: PreludeStep;
  for (;;) {
    const next = await iterator.next();
    step = next.done ? reader.end() : reader.feed(next.value);
    if (next.done || step.state !== 'need-more') break;
  }
  const first = step.state === 'done' ? step.rest : undefined;
  async function* rest(): AsyncGenerator<Buffer> {
    if (first && first.byteLength > 0) yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { step, rest: rest() };
}
