// `emulate start-api`: the API Gateway front end (HTTP API payload 2.0, REST payload 1.0) over the template's routes.
import { createEmulator, formatRouteTable } from '../index.js';
import { parsePort } from './args.js';
import { commonHelp, parseCommand, untilSignal } from './common.js';

export const START_API_HELP = `Usage: emulate start-api [options]

Serves the template's HttpApi and Api events as API Gateway does: HTTP API routes get payload 2.0
events (or 1.0 when PayloadFormatVersion says so), REST (Api) routes payload 1.0 under their stage
(/Prod/...). Bodies are base64 exactly when AWS does it; the 6 MB Lambda payload, 10 MB API
payload and 10 KB header limits, the integration timeouts and CORS are AWS's. Each request gets a
fresh request id and time. Functions run warm and fan out to more environments when requests
overlap (see --max-concurrency).

Options:
  -p, --port PORT                port (default 3000; 0 for a free one)
${commonHelp('start-api')}
`;

export async function startApiCommand(argv: readonly string[]): Promise<number> {
  const { options, parsed } = parseCommand('start-api', argv, [{ name: 'port', short: 'p', value: true }]);
  if (parsed.flags.has('help')) {
    process.stdout.write(START_API_HELP);
    return 0;
  }
  const port = parsed.flags.has('port') ? parsePort(parsed.flags.get('port') as string, 'port') : 3000;
  const emu = await createEmulator({
    ...options,
    port,
    lambdaPort: false,
    onFunctionOutput: (chunk) => void process.stdout.write(chunk.text),
  });
  if (emu.apiUrl === undefined) {
    await emu.close();
    process.stderr.write('emulate start-api: the template has no HttpApi or Api events; nothing to serve (see emulate validate)\n');
    return 1;
  }
  process.stderr.write(`${formatRouteTable(emu.routes, emu.apiUrl)}\nemulate start-api: Listening on ${emu.apiUrl}\n`);
  await untilSignal();
  await emu.close();
  return 0;
}
