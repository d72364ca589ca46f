// The `context` object a handler receives: RIC 4.0.2's fields in RIC 4.0.2's order, plus the legacy callback controls of Lambda's Node 20 runtime.
import type { IncomingHttpHeaders } from 'node:http';
import { RUNTIME_HEADER } from '../../../src/core/wire.js';

/** What the function knows about itself, read once from the environment at start (the RIC reads it per invocation; it never changes). */
export interface FunctionFacts {
  functionName: string | undefined;
  functionVersion: string | undefined;
  memoryLimitInMB: string | undefined;
  logGroupName: string | undefined;
  logStreamName: string | undefined;
}

/** The per-invocation values of the `/next` headers. */
export interface InvocationHeaders {
  requestId: string;
  deadlineMs: number;
  functionArn: string | undefined;
  traceId: string | undefined;
  clientContext: string | undefined;
  cognitoIdentity: string | undefined;
  tenantId: string | undefined;
}

/** The completion controls of the Node 20 programming model; RIC 4.x dropped them, emulate keeps them. */
export interface LegacyControls {
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  callbackWaitsForEmptyEventLoop: boolean;
}

export function readFunctionFacts(env: NodeJS.ProcessEnv): FunctionFacts {
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/** Reads the `/next` headers; a missing request id or deadline is a broken Runtime API, not a function error. */
export function readInvocationHeaders(headers: IncomingHttpHeaders): InvocationHeaders {
  const requestId = header(headers, RUNTIME_HEADER.requestId);
  if (!requestId) throw new Error(`Missing required headers: ${RUNTIME_HEADER.requestId.toLowerCase()}`);
  const deadlineMs = parseInt(header(headers, RUNTIME_HEADER.deadlineMs) ?? '', 10);
  if (Number.isNaN(deadlineMs)) throw new Error('Invalid deadline timestamp');
  return {
    requestId,
    deadlineMs,
    functionArn: header(headers, RUNTIME_HEADER.functionArn),
    traceId: header(headers, RUNTIME_HEADER.traceId),
    clientContext: header(headers, RUNTIME_HEADER.clientContext),
    cognitoIdentity: header(headers, RUNTIME_HEADER.cognitoIdentity),
    tenantId: header(headers, RUNTIME_HEADER.tenantId),
  };
}

function parseJsonHeader(value: string | undefined, name: string): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Failed to parse ${name.toLowerCase()} as JSON: ${(err as Error).message}`);
  }
}

/**
 * Builds the context. Its enumerable keys are exactly RIC 4.0.2's, so `JSON.stringify(context)` reads the same under
 * both; `callbackWaitsForEmptyEventLoop`, `done`, `succeed` and `fail` are there but not enumerable.
 */
export function buildContext(inv: InvocationHeaders, facts: FunctionFacts, controls: LegacyControls): Record<string, unknown> {
  const deadline = inv.deadlineMs;
  const context: Record<string, unknown> = {
    clientContext: parseJsonHeader(inv.clientContext, RUNTIME_HEADER.clientContext),
    identity: parseJsonHeader(inv.cognitoIdentity, RUNTIME_HEADER.cognitoIdentity),
    invokedFunctionArn: inv.functionArn,
    awsRequestId: inv.requestId,
    tenantId: inv.tenantId,
    xRayTraceId: inv.traceId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    functionName: facts.functionName,
    functionVersion: facts.functionVersion,
    memoryLimitInMB: facts.memoryLimitInMB,
    logGroupName: facts.logGroupName,
    logStreamName: facts.logStreamName,
  };
  Object.defineProperties(context, {
    callbackWaitsForEmptyEventLoop: {
      get: () => controls.callbackWaitsForEmptyEventLoop,
      set: (value: boolean) => {
        controls.callbackWaitsForEmptyEventLoop = value;
      },
    },
    done: { value: controls.done, writable: true },
    succeed: { value: controls.succeed, writable: true },
    fail: { value: controls.fail, writable: true },
  });
  return context;
}
