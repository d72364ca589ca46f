// `emulate rie`: aws-lambda-rie's command line (flags anywhere, unknown tokens kept for the bootstrap) over startRie.
import { isLogLevel, emuError, LOG_LEVELS, startRie, type LogLevel } from '../index.js';
import { parseAddress, parseArgs, parsePositiveInt, type FlagSpec } from './args.js';

export const RIE_HELP = `Usage: emulate rie [options] [--] [BOOTSTRAP [ARGS...]]

A drop-in for aws-lambda-rie: serves the Lambda Runtime API to BOOTSTRAP and the invoke endpoint
  POST http://<address>/2015-03-31/functions/function/invocations
to clients, e.g.  curl -XPOST localhost:8080/2015-03-31/functions/function/invocations -d '{}'

Without BOOTSTRAP, the first of /var/task/bootstrap, /opt/bootstrap, /var/runtime/bootstrap runs
in /var/task. With BOOTSTRAP, it runs in the current directory; its last argument is the handler.

Options:
  --runtime-interface-emulator-address H:P  invoke endpoint (default 0.0.0.0:8080)
  --runtime-api-address H:P                 Runtime API of the first environment (default 127.0.0.1:9001)
  --max-concurrency N                       run up to N copies of BOOTSTRAP and fan invocations out
                                            to idle ones (default 1: invocations queue, as one RIE)
  --no-stream-bandwidth-limit               streamed responses at full speed (default: after 6 MB
                                            at most 2 MB/s, as Lambda)
  --log-level LEVEL                         ${LOG_LEVELS.filter((l) => l !== 'silent' && l !== 'warn').join(' ')} (default: $LOG_LEVEL or info)
  -h, --help                                show this help

Environment read (as aws-lambda-rie): AWS_LAMBDA_FUNCTION_TIMEOUT (seconds, default 300),
AWS_LAMBDA_FUNCTION_MEMORY_SIZE (3008), AWS_LAMBDA_FUNCTION_NAME (test_function),
AWS_LAMBDA_FUNCTION_VERSION ($LATEST), AWS_REGION, AWS_LAMBDA_FUNCTION_HANDLER / _HANDLER, and
credentials. The runtime gets this environment plus AWS_LAMBDA_RUNTIME_API.

Request headers: X-Amz-Client-Context (base64), X-Amzn-Trace-Id, X-Amz-Invocation-Type
(RequestResponse | Event | DryRun), X-Amz-Log-Type: Tail. Failed invocations carry
X-Amz-Function-Error: Unhandled. See the README for every difference from aws-lambda-rie.
`;

const FLAGS: readonly FlagSpec[] = [
  { name: 'runtime-interface-emulator-address', value: true },
  { name: 'runtime-api-address', value: true },
  { name: 'log-level', value: true },
  { name: 'max-concurrency', value: true },
  { name: 'no-stream-bandwidth-limit', value: false },
  { name: 'enable-init-caching', value: false },
  { name: 'help', short: 'h', value: false },
];

/** Runs `emulate rie` until SIGINT/SIGTERM; resolves with the exit code. */
export async function rieCommand(argv: readonly string[], out: { write(s: string): unknown }): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, true);
  if (flags.has('help')) {
    out.write(RIE_HELP);
    return 0;
  }
  const level = (flags.get('log-level') as string | undefined) ?? (process.env.LOG_LEVEL || 'info');
  if (!isLogLevel(level)) throw emuError('EMU_CLI_BAD_LOG_LEVEL', level, LOG_LEVELS.join(' '));
  const invokeAddress = flags.has('runtime-interface-emulator-address')
    ? parseAddress(flags.get('runtime-interface-emulator-address') as string, 'runtime-interface-emulator-address')
    : undefined;
  const runtimeApiAddress = flags.has('runtime-api-address')
    ? parseAddress(flags.get('runtime-api-address') as string, 'runtime-api-address')
    : undefined;
  const maxConcurrency = flags.has('max-concurrency') ? parsePositiveInt(flags.get('max-concurrency') as string, 'max-concurrency') : 1;
  const server = await startRie({
    command: positional,
    maxConcurrency,
    ...(flags.has('no-stream-bandwidth-limit') ? { streamBandwidthLimit: false } : {}),
    logLevel: level as LogLevel,
    ...(invokeAddress ? { invokeAddress } : {}),
    ...(runtimeApiAddress ? { runtimeApiAddress } : {}),
  });
  if (flags.has('enable-init-caching')) process.stderr.write('emulate rie: --enable-init-caching is accepted and ignored (no SnapStart emulation)\n');
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`Received signal signal=${signal === 'SIGINT' ? 'interrupt' : 'terminated'}\nShutting down...\n`);
      void server.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
