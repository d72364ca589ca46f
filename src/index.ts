// The public library surface of emulate: named re-exports only.

/** Starts an emulator for a SAM template: the Lambda Invoke API, the API Gateway front end, `invoke()` for tests. */
export { createEmulator, findFunction, loadTemplate } from './emulator.js';
export type { Emulator, FunctionUrlInfo, InvocationOutcome, InvokeOptions } from './emulator.js';
/** Options of createEmulator, and their defaults. */
export { DEFAULTS } from './options.js';
export type { EmulatorOptions, FunctionLogChunk, RunnerChoice, WarmContainers } from './options.js';
/** The registered runners: what `--runner` accepts and its help text. */
export { RUNNER_CHOICES, RUNNER_HELP } from './runners/select.js';
/** The template model: functions, APIs and routes as the emulator read them (a route names its API by `apiLogicalId`). */
export type { FunctionSpec, RouteSpec, ApiSpec, TemplateModel } from './core/model.js';
/** Reads a SAM template into functions, APIs and routes, and prints the summary `emulate validate` shows. */
export { formatTemplateSummary, parseParameterOverrides } from './template/index.js';
/** The table of mounted routes `emulate start-api` prints, from the routes and the APIs they name (`formatRouteTable(emu, emu.apiUrl)`). */
export { formatRouteTable, formatFunctionUrls } from '../apigw/index.js';
/** Sample events for `emulate invoke` (HTTP API, REST, S3, SQS, SNS, EventBridge, DynamoDB streams). */
export { sampleEvent, EVENT_SOURCES } from './events/samples.js';
export type { EventSource } from './events/samples.js';
/** Starts `emulate rie`: the RIE invoke endpoint in front of a bootstrap command. */
export { startRie, RIE_DEFAULTS } from './rie.js';
export type { RieOptions, RieServer, HostPort } from './rie.js';
/** The invocation vocabulary: requests, results (failures are values), the Invoker interface. */
export type { StreamedInvocation } from './emulator.js';
export type { StreamPrelude } from '../apigw/function-url/response.js';
export type { InvokeRequest, InvokeResult, InvokeSuccess, InvokeFailure, InvokeStreamed, InvokeStreamResult, FunctionError, FailureKind, Invoker, StreamingInvoker } from './core/invoke.js';
/** Coded emulator errors (faults of the emulator itself, never of user code). */
export { EmulatorError, isEmulatorError, emuError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
/** Log levels and formats accepted by the emulator's logger. */
export { LOG_LEVELS, isLogLevel } from './core/logger.js';
export type { LogLevel, LogFormat } from './core/logger.js';
/** Function output to a stream at most one write per event-loop turn (how the CLI prints `onFunctionOutput`). */
export { batchedOutput } from './core/batched-output.js';
export type { BatchedOutput } from './core/batched-output.js';
