// The flags every template command shares, mapped to EmulatorOptions through one typed table.
import { batchedOutput, createEmulator, emuError, LOG_LEVELS, RUNNER_CHOICES, RUNNER_HELP, type Emulator, type EmulatorOptions } from '../index.js';
import { parseArgs, parsePort, parsePositiveInt, type FlagSpec, type Parsed } from './args.js';

/** One flag: its spelling, the option field it sets, and how its text becomes the value. */
interface OptionFlag extends FlagSpec {
  field: keyof EmulatorOptions;
  parse: (value: string | true, flag: string) => unknown;
  help: string;
  /** Which commands take it (all template commands when absent). */
  only?: readonly string[];
}

const text = (v: string | true) => v as string;
const on = () => true;
const choice = (...values: string[]) => (v: string | true, flag: string) => {
  const value = String(v);
  const match = values.find((x) => x.toLowerCase() === value.toLowerCase());
  if (!match) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" must be one of ${values.join(', ')}, got "${value}"`);
  return match;
};
const SERVING = ['start-api', 'start-lambda'];

/** `ISSUER=FILE_OR_URL[,ISSUER=FILE_OR_URL]`: the issuer is split at the first `=` after its scheme. */
function parseJwksOverrides(v: string | true, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of String(v).split(',').filter(Boolean)) {
    const m = /^(https?:\/\/[^=]+)=(.+)$/.exec(pair);
    if (!m) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" takes ISSUER=JWKS (an https issuer, then a file or URL), got "${pair}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** `ARN=PATH[,ARN=PATH]`: an ARN holds no `=`, so each pair splits at its first one. */
function parseLayerMap(v: string | true, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of String(v).split(',').filter(Boolean)) {
    const m = /^(arn:[^=]+:layer:[^=]+)=(.+)$/.exec(pair);
    if (!m) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" takes LAYER_ARN=FOLDER_OR_ZIP, got "${pair}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export const COMMON_FLAGS: readonly OptionFlag[] = [
  { name: 'template', short: 't', value: true, field: 'template', parse: text, help: '-t, --template FILE            SAM template (default: template.yaml or template.yml here)' },
  { name: 'env-vars', short: 'n', value: true, field: 'envVars', parse: text, help: '-n, --env-vars FILE            function variables in SAM\'s JSON format ("Parameters" and per-function keys)' },
  { name: 'parameter-overrides', value: true, field: 'parameterOverrides', parse: text, help: '--parameter-overrides "K=V .." template parameters (also ParameterKey=K,ParameterValue=V)' },
  { name: 'region', value: true, field: 'region', parse: text, help: '--region NAME                  AWS::Region and AWS_REGION (default us-east-1)' },
  { name: 'runner', value: true, field: 'runner', parse: choice(...RUNNER_CHOICES), help: `${`--runner ${RUNNER_CHOICES.join('|')}`.padEnd(30)} ${RUNNER_HELP}` },
  { name: 'warm-containers', value: true, field: 'warmContainers', parse: choice('EAGER', 'LAZY'), help: '--warm-containers EAGER|LAZY   EAGER starts one environment per function at start-up (default LAZY)' },
  { name: 'max-concurrency', value: true, field: 'maxConcurrency', parse: (v, f) => parsePositiveInt(String(v), f), help: '--max-concurrency N            environments per function (default 10; ReservedConcurrentExecutions wins)' },
  { name: 'host-env', value: true, field: 'hostEnv', parse: (v) => (v === '*' ? true : String(v).split(',').filter(Boolean)), help: '--host-env NAMES               host variables functions may see: comma-separated names, or * (default none)' },
  { name: 'skip-pull-image', value: false, field: 'skipPullImage', parse: on, help: '--skip-pull-image              Docker: never pull base images' },
  { name: 'docker-network', value: true, field: 'dockerNetwork', parse: text, help: '--docker-network NAME          Docker: network for function containers' },
  { name: 'container-host', value: true, field: 'containerHost', parse: text, help: '--container-host HOST          Docker: address containers use to reach the emulator' },
  { name: 'no-sandbox', value: false, field: 'sandbox', parse: () => false, help: '--no-sandbox                   Docker: writable root filesystem and root user (Lambda has neither)' },
  { name: 'no-stream-bandwidth-limit', value: false, field: 'streamBandwidthLimit', parse: () => false, help: '--no-stream-bandwidth-limit    streamed responses at full speed (default: after 6 MB at most 2 MB/s, as Lambda)' },
  { name: 'log-level', value: true, field: 'logLevel', parse: choice(...LOG_LEVELS), help: '--log-level LEVEL              emulator log level: error, warn, info, debug, trace (default info)' },
  { name: 'log-format', value: true, field: 'logFormat', parse: choice('pretty', 'json'), help: '--log-format pretty|json       emulator log lines as text (default) or JSON' },
  { name: 'host', value: true, field: 'host', parse: text, only: SERVING, help: '--host ADDRESS                 address to listen on (default 127.0.0.1)' },
  { name: 'function-url-ports', value: true, field: 'functionUrlPorts', parse: (v, f) => parseUrlPorts(String(v), f), only: ['start-api'], help: '--function-url-ports SPEC       Function URL ports: NAME=PORT,... (others derived from the name, 9100-9899), 0 (free ports) or none' },
  { name: 'watch', value: false, field: 'watch', parse: on, only: SERVING, help: '--watch                        restart a function\'s environments when its code changes' },
  { name: 'layer', value: true, field: 'layers', parse: parseLayerMap, help: '--layer ARN=PATH,..            a layer named by ARN in the template → local folder or .zip (no download)' },
  { name: 'layer-cache', value: true, field: 'layerCache', parse: text, help: '--layer-cache DIR              folder of downloaded layers as Name-Version[-hash][.zip] (default ~/.aws-sam/layers-pkg)' },
  { name: 'layer-cache-basedir', value: true, field: 'layerCache', parse: text, help: '--layer-cache-basedir DIR      SAM\'s spelling of --layer-cache' },
  { name: 'allow-unsupported', value: false, field: 'allowUnsupported', parse: on, help: '--allow-unsupported            start even when a template feature makes a function unrunnable here (see emulate validate)' },
  { name: 'disable-authorizer', value: false, field: 'disableAuthorizer', parse: on, only: ['start-api'], help: '--disable-authorizer           serve routes without running their authorizers or checking API keys (as SAM)' },
  { name: 'jwks-override', value: true, field: 'jwksOverrides', parse: parseJwksOverrides, only: ['start-api'], help: '--jwks-override ISSUER=JWKS,.. JWT/Cognito issuer → local JWKS file or URL' },
  { name: 'api-key', value: true, field: 'apiKeys', parse: (v) => String(v).split(',').filter(Boolean), only: ['start-api'], help: '--api-key KEY,..               API keys accepted in x-api-key (besides AWS::ApiGateway::ApiKey Values)' },
  { name: 'source-template', value: false, field: 'sourceTemplate', parse: on, help: '--source-template              serve template.yaml even when .aws-sam/build/template.yaml is newer' },
  { name: 'debug-port', short: 'd', value: true, field: 'debugPort', parse: (v, f) => parsePositiveInt(String(v), f), help: '-d, --debug-port PORT          start the debugged function under the Node inspector or debugpy on PORT' },
  { name: 'debug-function', value: true, field: 'debugFunction', parse: text, help: '--debug-function NAME          the function to debug (required when there are several)' },
  { name: 'debug-args', value: true, field: 'debugArgs', parse: text, help: '--debug-args "ARGS"            Node flags (--inspect runs without waiting) or debugpy arguments' },
  { name: 'debugger-path', value: true, field: 'debuggerPath', parse: text, help: '--debugger-path DIR            folder holding debugpy (Python functions)' },
];

/** `--function-url-ports`: `0`, `none`, or `Name=PORT,...`. */
function parseUrlPorts(value: string, flag: string): number | false | Record<string, number> {
  if (value === 'none') return false;
  if (/^\d+$/.test(value)) return parsePort(value, flag);
  const ports: Record<string, number> = {};
  for (const pair of value.split(',').filter(Boolean)) {
    const [name, port] = pair.split('=', 2);
    if (!name || port === undefined) throw emuError('EMU_CLI_BAD_FLAG', `option "--${flag}" takes NAME=PORT pairs, 0 or none; got "${pair}"`);
    ports[name] = parsePort(port, flag);
  }
  return ports;
}

/** Parses a template command's argv: the common flags (as options), its own extra flags, and positionals. */
export function parseCommand(
  command: string,
  argv: readonly string[],
  extra: readonly FlagSpec[] = [],
): { options: EmulatorOptions; parsed: Parsed } {
  const mine = COMMON_FLAGS.filter((f) => !f.only || f.only.includes(command));
  const parsed = parseArgs(argv, [...mine, ...extra, { name: 'help', short: 'h', value: false }], false);
  const options: Record<string, unknown> = { logFormat: 'pretty' };
  for (const flag of mine) {
    const value = parsed.flags.get(flag.name);
    if (value !== undefined) options[flag.field] = flag.parse(value, flag.name);
  }
  return { options: options as EmulatorOptions, parsed };
}

/** The help lines of the common flags a command takes. */
export function commonHelp(command: string): string {
  return COMMON_FLAGS.filter((f) => !f.only || f.only.includes(command))
    .map((f) => `  ${f.help}`)
    .join('\n');
}

/** Resolves when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * The serving commands' shared life: flags, --help, the emulator on the command's port, the
 * function output on stdout, then wait for SIGINT/SIGTERM and close. `announce` prints what is
 * served, or says why there is nothing to serve (then the command exits 1).
 */
export async function serveCommand(
  command: 'start-api' | 'start-lambda',
  argv: readonly string[],
  help: string,
  defaultPort: number,
  announce: (emu: Emulator) => string | { error: string },
): Promise<number> {
  const { options, parsed } = parseCommand(command, argv, [{ name: 'port', short: 'p', value: true }]);
  if (parsed.flags.has('help')) {
    process.stdout.write(help);
    return 0;
  }
  const port = parsed.flags.has('port') ? parsePort(parsed.flags.get('port') as string, 'port') : defaultPort;
  const output = batchedOutput(process.stdout);
  const emu = await createEmulator({
    logLevel: 'info', // the CLI's default; the library's is warn
    ...options,
    port: command === 'start-api' ? port : false,
    lambdaPort: command === 'start-lambda' ? port : false,
    // Function URLs are start-api's, as in `sam local start-api` they are part of the HTTP front.
    ...(command === 'start-api' ? {} : { functionUrlPorts: false }),
    onFunctionOutput: (chunk) => output(chunk.text, chunk.invocationEnd),
  });
  const said = announce(emu);
  if (typeof said !== 'string') {
    await emu.close();
    process.stderr.write(`emulate ${command}: ${said.error}\n`);
    return 1;
  }
  process.stderr.write(said);
  await untilSignal();
  await emu.close();
  return 0;
}
