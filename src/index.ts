// The public library surface of emulate: named re-exports only.

/** Starts `emulate rie`: the RIE invoke endpoint in front of a bootstrap command. */
export { startRie, RIE_DEFAULTS } from './rie.js';
export type { RieOptions, RieServer, HostPort } from './rie.js';
/** The invocation vocabulary: requests, results (failures are values), the Invoker interface. */
export type { InvokeRequest, InvokeResult, InvokeSuccess, InvokeFailure, FunctionError, FailureKind, Invoker } from './core/invoke.js';
/** Coded emulator errors (faults of the emulator itself, never of user code). */
export { EmulatorError, isEmulatorError, emuError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
/** Log levels and formats accepted by the emulator's logger. */
export { LOG_LEVELS, isLogLevel } from './core/logger.js';
export type { LogLevel, LogFormat } from './core/logger.js';
