// Entry of emulate's Node runtime client: reads the Lambda environment, loads the handler (or reports the init error), then serves invocations.
import { formatError, toFormatted, UnhandledPromiseRejection, RuntimeError } from './errors.js';
import { HANDLER_HIGHWATERMARK, HANDLER_STREAMING, loadHandler, STREAM_RESPONSE, type UserHandler } from './handler-loader.js';
import { InvocationRunner } from './invoke.js';
import { InvokeStore } from './invoke-store.js';
import { patchConsole, type RuntimeLog } from './console.js';
import { readFunctionFacts } from './context.js';
import { HttpResponseStream } from './response-stream.js';
import { RuntimeClient } from './runtime-client.js';

/** Exit codes of Lambda's Node 20 runtime after it reported a crash. */
const EXIT_UNCAUGHT_EXCEPTION = 129;
const EXIT_UNHANDLED_REJECTION = 128;

/** `awslambda.streamifyResponse`, `awslambda.HttpResponseStream`, `awslambda.InvokeStore`, unless the function opted out. */
function installGlobals(store: InvokeStore, env: NodeJS.ProcessEnv): void {
  const optOut = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (optOut === '1' || optOut === 'true') return;
  const scope = globalThis as { awslambda?: Record<string, unknown> };
  scope.awslambda = {
    ...scope.awslambda,
    streamifyResponse: (handler: UserHandler, options?: { highWaterMark?: unknown }) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = Math.trunc(options.highWaterMark);
      return handler;
    },
    HttpResponseStream,
    InvokeStore: store,
  };
}

/** A failure of the runtime itself (no Runtime API, a broken one): one line on stderr, exit 1, as the RIC does. */
function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Loads the handler, or reports the init error to `/init/error` and exits 1 as the RIC does. */
async function initialise(client: RuntimeClient, store: InvokeStore, log: RuntimeLog, env: NodeJS.ProcessEnv): Promise<InvocationRunner> {
  // RIC 4.0.2 ignores argv; taking the handler from argv too lets `emulate rie -- node main.js app.handler` work.
  const handlerString = env._HANDLER ?? process.argv[2];
  const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
  try {
    if (!handlerString) throw new RuntimeError('PlatformError', '_HANDLER environment variable is not set');
    const loaded = await loadHandler(taskRoot, handlerString);
    return new InvocationRunner({ client, loaded, store, log, facts: readFunctionFacts(env) });
  } catch (error) {
    log.logError('Init Error', error);
    await client.postInitError(formatError(error)).catch((err: unknown) => die(`Failed to post init error: ${(err as Error).message}`));
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const store = new InvokeStore();
  installGlobals(store, env);
  const log = patchConsole(store, env);

  const runtimeApi = env.AWS_LAMBDA_RUNTIME_API;
  if (!runtimeApi) die('Runtime.PlatformError: AWS_LAMBDA_RUNTIME_API environment variable is not set');
  let client: RuntimeClient;
  try {
    client = new RuntimeClient(runtimeApi);
  } catch (err) {
    die(`Runtime.PlatformError: ${(err as Error).message}`);
  }

  let runner: InvocationRunner | undefined; // undefined while the handler loads
  let crashing = false;
  /** Reports a crash the way Lambda's Node 20 runtime did (RIC 4.0.2 just dies), then exits with its code. */
  const crash = (label: string, error: unknown, code: number) => {
    if (crashing) return;
    crashing = true;
    console.error(label, toFormatted(error));
    // An answer posted just before the crash may still be queued: it leaves before the exit.
    const reported = (runner ? runner.abort(error) : client.postInitError(formatError(error))).then(() => client.flushed());
    // Reporting must not keep a broken function alive: exit even if the Runtime API never answers.
    setTimeout(() => process.exit(code), 1000);
    reported.then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.on('uncaughtException', (error) => crash('Uncaught Exception', error, EXIT_UNCAUGHT_EXCEPTION));
  process.on('unhandledRejection', (reason, promise) =>
    crash('Unhandled Promise Rejection', new UnhandledPromiseRejection(reason, promise), EXIT_UNHANDLED_REJECTION),
  );

  runner = await initialise(client, store, log, env);
  for (;;) {
    const next = await client
      .next()
      .catch((err: unknown) => die(`Failed to get next invocation. No Response from endpoint (${(err as Error).message})`));
    await runner.run(next);
    // A crash during the invocation was reported as its error and the process is exiting: no further /next.
    if (crashing) return;
  }
}

// No top-level await: when nothing is left to run (a promise that never settles) the process must end with status 0, as Lambda's does.
main().catch((err: unknown) => die(`Runtime.PlatformError: ${err instanceof Error ? err.message : String(err)}`));
