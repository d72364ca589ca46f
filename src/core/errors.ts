// Coded emulator errors: one registry of codes and messages, so every fault of the emulator itself is one clear line.

/** Every code the emulator can throw, with a message template. `%s` slots are filled in order. */
export const ERROR_CODES = {
  EMU_APIGW_UNKNOWN_API: 'route "%s" names API "%s", which is not among the APIs served (%s)',
  EMU_CLI_BAD_ADDRESS: 'the %s value "%s" is not a valid network address (expected host:port)',
  EMU_CLI_BAD_FLAG: '%s',
  EMU_CLI_BAD_LOG_LEVEL: 'invalid log level "%s"; valid levels are: %s',
  EMU_CONFIG_BAD_TIMEOUT: 'AWS_LAMBDA_FUNCTION_TIMEOUT must be a whole number of seconds, got "%s"',
  EMU_CONFIG_UNKNOWN_OPTION: 'unknown option "%s"%s',
  EMU_CONFIG_BAD_OPTION: 'option "%s" %s',
  EMU_LISTEN_FAILED: 'cannot listen on %s: %s',
  EMU_BOOTSTRAP_NOT_FOUND: 'bootstrap "%s" %s',
  EMU_POOL_CLOSED: 'the environment pool of function "%s" is closed',
  EMU_ENV_CLOSED: 'the execution environment is closed',
  EMU_ENV_LAUNCH_FAILED: 'cannot start the runtime: %s',
  EMU_FUNCTION_NOT_FOUND: 'function "%s" is not in the template (%s)',
  EMU_RUNNER_UNSUPPORTED: 'function %s cannot run here: %s',
  EMU_TEMPLATE_NOT_FOUND: 'template file "%s" does not exist',
  EMU_TEMPLATE_READ_FAILED: 'cannot read %s: %s',
  EMU_TEMPLATE_SYNTAX: '%s: %s',
  EMU_TEMPLATE_UNSUPPORTED: '%s template feature(s) make functions unrunnable here:\n%s\npass --allow-unsupported (option allowUnsupported: true) to start anyway',
  EMU_TEMPLATE_INVALID: '%s errors in the template:\n%s',
  EMU_TEMPLATE_BAD_STRUCTURE: '%s: %s',
  EMU_TEMPLATE_UNKNOWN_REFERENCE: '%s: %s "%s" is not %s of this template',
  EMU_TEMPLATE_BAD_INTRINSIC: '%s: %s',
  EMU_TEMPLATE_CYCLE: '%s: circular reference: %s',
  EMU_TEMPLATE_BAD_PARAMETER: '%s: %s',
  EMU_TEMPLATE_MISSING_PROPERTY: '%s: missing; %s',
  EMU_TEMPLATE_BAD_PROPERTY: '%s: %s',
  EMU_TEMPLATE_UNRESOLVED: '%s: %s; %s',
  EMU_TEMPLATE_CODE_NOT_FOUND: '%s: %s "%s" does not exist',
  EMU_TEMPLATE_PATH_OUTSIDE: '%s: "%s" resolves to %s, outside the project %s (the git repository around the template, else its directory)',
  EMU_TEMPLATE_DUPLICATE_ROUTE: '%s: route %s is already defined by %s',
  EMU_TEMPLATE_BAD_OVERRIDES: 'invalid --parameter-overrides: %s',
  EMU_TEMPLATE_BAD_ENV_VARS: 'invalid --env-vars file %s: %s',
  EMU_DOCKER_UNAVAILABLE: 'cannot reach the Docker daemon at %s: %s (start Docker, or run functions as host processes with --runner process)',
  EMU_DOCKER_PULL_FAILED: 'cannot pull image "%s": %s',
  EMU_DOCKER_IMAGE_NOT_FOUND: 'image "%s" is not available locally and pulling is off (--skip-pull-image); pull or build it first',
  EMU_DOCKER_BUILD_FAILED: 'cannot build the image of function %s: %s',
  EMU_DOCKER_CONTAINER_FAILED: 'cannot start the container of function %s: %s',
  EMU_DOCKER_NETWORK: 'Docker network "%s": %s',
  EMU_BUILD_BAD_ZIP: 'cannot unpack the .zip CodeUri %s: %s',
  EMU_BUILD_ZIP_SLIP: 'the .zip CodeUri %s has an entry "%s" that would be written outside its folder (zip slip); it is refused',
  EMU_BUILD_FAILED: 'cannot build function %s: %s',
  EMU_AUTH_BAD_IDENTITY_SOURCE: '%s: "%s" is not an identity source (expected $request.header.X, $request.querystring.X, $context.X, $stageVariables.X, or method.request.header.X, method.request.querystring.X, context.X, stageVariables.X)',
  EMU_AUTH_BAD_VALIDATION_EXPRESSION: 'ValidationExpression "%s" is not a valid regular expression',
  EMU_AUTH_BAD_CONFIG: 'authorizer %s: %s',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A fault of the emulator itself (never a failure of user code, which is a value). */
export class EmulatorError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, args: readonly unknown[] = [], options?: { cause?: unknown }) {
    let i = 0;
    super(
      ERROR_CODES[code].replace(/%s/g, () => String(args[i++] ?? '')),
      options,
    );
    this.name = 'EmulatorError';
    this.code = code;
  }
}

/** Creates a coded error; the usual way to raise one. */
export function emuError(code: ErrorCode, ...args: unknown[]): EmulatorError {
  return new EmulatorError(code, args);
}

export function isEmulatorError(err: unknown): err is EmulatorError {
  return err instanceof EmulatorError;
}
