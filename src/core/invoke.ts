// The invocation vocabulary shared by front ends, the pool and environments: requests, results, the Invoker.
import { LIMITS } from './wire.js';

/** One invocation as a front end hands it to an Invoker. */
export interface InvokeRequest {
  /** The event bytes, exactly as the runtime will receive them. */
  payload: Buffer;
  /** Request id; generated when absent. */
  requestId?: string;
  /** Decoded client context JSON (what `Lambda-Runtime-Client-Context` carries). */
  clientContext?: string;
  /** Cognito identity JSON (what `Lambda-Runtime-Cognito-Identity` carries). */
  cognitoIdentity?: string;
  /** X-Ray trace header value; generated when absent, as Lambda does. */
  traceId?: string;
  tenantId?: string;
}

/** The error object Lambda returns for a failed invocation (the Node RIC's shape, plus what runtimes add). */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  stackTrace?: unknown[];
  [key: string]: unknown;
}

/** Why an invocation failed, as far as the emulator can tell. */
export type FailureKind =
  | 'function' // the runtime posted /error
  | 'init' // the runtime failed before its first /next
  | 'timeout'
  | 'exit' // the runtime process exited mid-invocation
  | 'response-too-large'
  | 'runtime' // the runtime broke the protocol (bad response mode, ...)
  | 'throttled' // Lambda refused to run it: the function is at its concurrency limit (nothing ran)
  | 'request-too-large'; // Lambda refused to run it: the event is over the synchronous payload limit (nothing ran)

/** Why Lambda throttled an invocation (the `Reason` field of its TooManyRequestsException). */
export type ThrottleReason =
  | 'ConcurrentInvocationLimitExceeded'
  | 'ReservedFunctionConcurrentInvocationLimitExceeded';

interface ResultBase {
  requestId: string;
  /** Duration of the invocation in ms, as the REPORT line prints it. */
  durationMs: number;
  /** Present on the first invocation after a cold start. */
  initDurationMs?: number;
  /** The invocation's log: the function's output framed by START/END/REPORT. */
  log: string;
}

export interface InvokeSuccess extends ResultBase {
  ok: true;
  /** The response bytes the runtime posted. */
  payload: Buffer;
  contentType?: string;
}

export interface InvokeFailure extends ResultBase {
  ok: false;
  kind: FailureKind;
  error: FunctionError;
  /** The error body exactly as Lambda returns it (often the runtime's own bytes). */
  payload: Buffer;
  /** Present when `kind` is `throttled`: the reason Lambda gives. */
  reason?: ThrottleReason;
}

/** The outcome of an invocation: a failure of user code is a value, never an exception. */
export type InvokeResult = InvokeSuccess | InvokeFailure;

/**
 * A response the runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`), handed on as it
 * arrives, beside the buffered result as the Node RIC keeps a buffered and a streaming processor.
 */
export interface InvokeStreamed {
  ok: true;
  streamed: true;
  requestId: string;
  /** The content type the runtime declared (the HTTP integration prelude's type for Function URLs). */
  contentType?: string;
  /** The body, chunk by chunk as the runtime writes it; reading it is what lets the runtime go on (backpressure). */
  body: AsyncIterable<Buffer>;
  /**
   * How the invocation ended, once the body has: success (its payload holds no bytes: they went to
   * `body`), a failure mid-stream from the trailers (`function`), `timeout`, or `exit`. Never rejects.
   */
  outcome: Promise<InvokeResult>;
}

/** What a streaming-capable caller gets: the stream when the runtime streams, else the buffered result. */
export type InvokeStreamResult = InvokeResult | InvokeStreamed;

/** Anything that runs invocations: a pool of environments, or one environment. */
export interface Invoker {
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Set for the function a debugger may hold at a breakpoint (`--debug-port`): front ends do not time its invocations out. */
  readonly debugged?: boolean;
}

/** An Invoker whose callers can take a streamed response as it comes (Function URLs, InvokeWithResponseStream, rie). */
export interface StreamingInvoker extends Invoker {
  invokeStream(request: InvokeRequest): Promise<InvokeStreamResult>;
}

/** Whether a streaming-capable call got a stream (else it holds the buffered result). */
export function isStreamed(result: InvokeStreamResult): result is InvokeStreamed {
  return 'streamed' in result;
}

/**
 * For front ends that cannot stream (API Gateway's buffered routes): reads the whole body and answers
 * the buffered result, the bytes as its payload.
 */
export async function collectStream(result: InvokeStreamResult): Promise<InvokeResult> {
  if (!isStreamed(result)) return result;
  const chunks: Buffer[] = [];
  for await (const chunk of result.body) chunks.push(chunk);
  const outcome = await result.outcome;
  if (!outcome.ok) return outcome;
  return { ...outcome, payload: Buffer.concat(chunks), ...(result.contentType ? { contentType: result.contentType } : {}) };
}

/** Parses an error body into a FunctionError, tolerating any bytes. */
export function parseFunctionError(body: Buffer, fallbackType: string): FunctionError {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const obj = parsed as Record<string, unknown>;
      return {
        ...obj,
        errorType: typeof obj.errorType === 'string' ? obj.errorType : fallbackType,
        errorMessage: typeof obj.errorMessage === 'string' ? obj.errorMessage : '',
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { errorType: fallbackType, errorMessage: body.toString('utf8') };
}

/** Serialises an emulator-made error as Lambda does: errorType first, then errorMessage. */
export function errorBody(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

/**
 * A throttle as a value: nothing ran, so no log and no duration. Lambda answers a throttle with
 * TooManyRequestsException "Rate Exceeded." (AWS Lambda API Reference, Invoke: Errors).
 */
/**
 * Lambda's refusal of an event over the 6,291,456-byte synchronous limit, before anything runs
 * (invoke-api.md; AWS Lambda quotas: "Invocation payload (request and response) 6 MB each for synchronous").
 * Every path reaches it through the pool, so `emu.invoke`, `emulate invoke` and every front end refuse alike.
 */
export function requestTooLarge(requestId: string, bytes: number): InvokeFailure | undefined {
  if (bytes <= LIMITS.syncRequestBytes) return undefined;
  const error: FunctionError = {
    errorType: 'RequestEntityTooLargeException',
    errorMessage: `Request must be smaller than ${LIMITS.syncRequestBytes} bytes for the InvokeFunction operation`,
  };
  return { ok: false, kind: 'request-too-large', requestId, durationMs: 0, log: '', error, payload: errorBody(error.errorType, error.errorMessage) };
}

export function throttledResult(requestId: string, reason: ThrottleReason): InvokeFailure {
  const error: FunctionError = { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' };
  return { ok: false, kind: 'throttled', reason, requestId, durationMs: 0, log: '', error, payload: errorBody(error.errorType, error.errorMessage) };
}
