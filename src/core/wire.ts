// Wire names and limits of the Lambda service, in one table: headers, paths and byte limits.

/** Headers of the Runtime API (`/2018-06-01/runtime/...`). Node lowercases incoming names. */
export const RUNTIME_HEADER = {
  requestId: 'Lambda-Runtime-Aws-Request-Id',
  deadlineMs: 'Lambda-Runtime-Deadline-Ms',
  functionArn: 'Lambda-Runtime-Invoked-Function-Arn',
  traceId: 'Lambda-Runtime-Trace-Id',
  clientContext: 'Lambda-Runtime-Client-Context',
  cognitoIdentity: 'Lambda-Runtime-Cognito-Identity',
  tenantId: 'Lambda-Runtime-Aws-Tenant-Id',
  errorType: 'lambda-runtime-function-error-type',
  errorBody: 'lambda-runtime-function-error-body',
  xrayErrorCause: 'lambda-runtime-function-xray-error-cause',
  responseMode: 'lambda-runtime-function-response-mode',
  /**
   * Not Lambda's: emulate's own clients send it on a `/response` to have that POST answered with the next
   * invocation instead of a 202 (one write each way per invocation); every other runtime sees the API unchanged.
   */
  thenNext: 'x-emulate-then-next',
} as const;

/** Headers of the Lambda Invoke API (`/2015-03-31/functions/.../invocations`). */
export const INVOKE_HEADER = {
  invocationType: 'x-amz-invocation-type',
  logType: 'x-amz-log-type',
  clientContext: 'x-amz-client-context',
  traceId: 'x-amzn-trace-id',
  tenantId: 'x-amz-tenant-id',
  functionError: 'X-Amz-Function-Error',
  logResult: 'X-Amz-Log-Result',
  executedVersion: 'X-Amz-Executed-Version',
  requestId: 'x-amzn-RequestId',
  errorType: 'x-amzn-ErrorType',
} as const;

export const RUNTIME_PATH = {
  prefix: '/2018-06-01',
  next: '/2018-06-01/runtime/invocation/next',
  invocation: '/2018-06-01/runtime/invocation/',
  initError: '/2018-06-01/runtime/init/error',
  ping: '/2018-06-01/ping',
  logs: '/2020-08-15/logs',
  telemetry: '/2022-07-01/telemetry',
} as const;

export const RIE_INVOKE_PATH = '/2015-03-31/functions/function/invocations';

/** The Lambda Invoke API path; the function segment is a name, an ARN or a partial ARN, URL-encoded by SDKs. */
export const LAMBDA_INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** InvokeWithResponseStream's path (invoke-api.md §7). */
export const LAMBDA_STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/;

/** Byte limits, as AWS measures them. */
export const LIMITS = {
  /** Synchronous Invoke request payload (Lambda rejects above it with 413). */
  syncRequestBytes: 6_291_456,
  /** Response a runtime may post (RIE's and Lambda's MaxPayloadSize: 6 MiB + 100). */
  runtimeResponseBytes: 6_291_556,
  /** Asynchronous (Event) invoke payload: 1 MB since October 2025. */
  asyncRequestBytes: 1_048_576,
  /** X-Amz-Log-Result carries the last 4 KB of the log. */
  logTailBytes: 4096,
  /** API Gateway (REST and HTTP API) request payload: 10 MB. */
  apiPayloadBytes: 10_485_760,
  /** API Gateway request line plus headers: 10,240 bytes. */
  apiRequestHeaderBytes: 10_240,
} as const;

/** The streaming response mode value a runtime sends in `Lambda-Runtime-Function-Response-Mode`. */
export const STREAMING_MODE = 'streaming';

/** Content type of an error cause body (RIE re-serialises it without `errorCause`). */
export const ERROR_CAUSE_CONTENT_TYPE = 'application/vnd.aws.lambda.error.cause+json';
