// `emulate start-lambda`: the Lambda Invoke API for AWS SDKs and the AWS CLI, over the template's functions.
import { createEmulator } from '../index.js';
import { parsePort } from './args.js';
import { commonHelp, parseCommand, untilSignal } from './common.js';

export const START_LAMBDA_HELP = `Usage: emulate start-lambda [options]

Serves the Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations) for the template's
functions, so AWS SDKs and the AWS CLI can call them:

  new LambdaClient({ endpoint: 'http://127.0.0.1:3001', region: 'us-east-1',
                     credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name HelloFunction out.json

Functions are found by FunctionName, logical id, full or partial ARN; Qualifier $LATEST.
RequestResponse, Event (202) and DryRun (204), LogType Tail, ClientContext, and Lambda's errors
(404 ResourceNotFoundException, 413, 429 TooManyRequestsException, 400 InvalidRequestContentException).

Options:
  -p, --port PORT                port (default 3001; 0 for a free one)
${commonHelp('start-lambda')}
`;

export async function startLambdaCommand(argv: readonly string[]): Promise<number> {
  const { options, parsed } = parseCommand('start-lambda', argv, [{ name: 'port', short: 'p', value: true }]);
  if (parsed.flags.has('help')) {
    process.stdout.write(START_LAMBDA_HELP);
    return 0;
  }
  const port = parsed.flags.has('port') ? parsePort(parsed.flags.get('port') as string, 'port') : 3001;
  const emu = await createEmulator({
    ...options,
    port: false,
    lambdaPort: port,
    onFunctionOutput: (chunk) => void process.stdout.write(chunk.text),
  });
  process.stderr.write(
    `emulate start-lambda: ${emu.functions.length} function(s): ${emu.functions.map((f) => f.functionName).join(', ')}\n` +
      `emulate start-lambda: Listening on ${emu.lambdaUrl}\n`,
  );
  await untilSignal();
  await emu.close();
  return 0;
}
