// `emulate start-api`: the API Gateway front end (HTTP API payload 2.0, REST payload 1.0) over the template's routes.
import { formatFunctionUrls, formatRouteTable, type RouteSpec } from '../index.js';
import { commonHelp, serveCommand } from './common.js';

export const START_API_HELP = `Usage: emulate start-api [options]

Serves the template's HttpApi and Api events as API Gateway does: HTTP API routes get payload 2.0
events (or 1.0 when PayloadFormatVersion says so), REST (Api) routes payload 1.0 under their stage
(/Prod/...). Bodies are base64 exactly when AWS does it; the 6 MB Lambda payload, 10 MB API
payload and 10 KB header limits, the integration timeouts and CORS are AWS's. Each request gets a
fresh request id and time. Functions run warm and fan out to more environments when requests
overlap (see --max-concurrency).

Options:
  -p, --port PORT                port (default 3000; 0 for a free one)

Every function with FunctionUrlConfig (or an AWS::Lambda::Url) gets its own listener, printed as
FunctionUrl  http://127.0.0.1:PORT/  -> Name (BUFFERED|RESPONSE_STREAM); RESPONSE_STREAM URLs stream.
${commonHelp('start-api')}
`;

export function startApiCommand(argv: readonly string[]): Promise<number> {
  return serveCommand('start-api', argv, START_API_HELP, 3000, (emu) => {
    const urls = formatFunctionUrls(emu.functionUrls);
    if (emu.apiUrl === undefined && urls === '') return { error: 'the template has no HttpApi or Api events and no Function URLs; nothing to serve (see emulate validate)' };
    const api = emu.apiUrl === undefined ? '' : `${formatRouteTable(emu, emu.apiUrl)}\n${authBanner(emu.routes, argv.includes('--disable-authorizer'))}emulate start-api: Listening on ${emu.apiUrl}\n`;
    // Without an API, the URLs are what listens (one line tools and scripts can wait for).
    const only = api === '' ? `emulate start-api: Listening on ${Object.values(emu.functionUrls).map((u) => u.url).join(' ')}\n` : '';
    return `${api}${urls}${only}`;
  });
}

/** One start-up line on access control: which authorizers guard how many routes, or that they are disabled. */
function authBanner(routes: readonly RouteSpec[], disabled: boolean): string {
  const guarded = routes.filter((r) => r.auth);
  if (guarded.length === 0) return '';
  if (disabled) return `emulate start-api: authorizers DISABLED (--disable-authorizer): ${guarded.length} route(s) with an authorizer or API key are served open\n`;
  const names = [...new Set(guarded.map((r) => (r.auth!.authorizer ? `${r.auth!.authorizer.name} (${r.auth!.authorizer.kind})` : 'API key')))];
  return `emulate start-api: ${guarded.length} route(s) guarded by ${names.join(', ')}\n`;
}
