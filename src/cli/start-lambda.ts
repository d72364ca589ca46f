// `emulate start-lambda`: the Lambda Invoke API for AWS SDKs and the AWS CLI, over the template's functions.
import { commonHelp, serveCommand } from './common.js';

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

export function startLambdaCommand(argv: readonly string[]): Promise<number> {
  return serveCommand('start-lambda', argv, START_LAMBDA_HELP, 3001, (emu) =>
    `emulate start-lambda: ${emu.functions.length} function(s): ${emu.functions.map((f) => f.functionName).join(', ')}\n` +
    `emulate start-lambda: Listening on ${emu.lambdaUrl}\n`,
  );
}
