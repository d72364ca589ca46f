// `emulate generate-event`: prints a sample event of a source, for `emulate invoke -e -`.
import { emuError, EVENT_SOURCES, sampleEvent, type EventSource } from '../index.js';
import { parseArgs } from './args.js';

export const GENERATE_EVENT_HELP = `Usage: emulate generate-event SOURCE [--path P] [--method M] [--body TEXT] [--name NAME] [--region R]

Prints a sample event as AWS sends it. SOURCE is one of:
  apigw-http       HTTP API payload 2.0          apigw-rest       REST API payload 1.0
  s3-put           S3 ObjectCreated:Put           sqs              SQS message
  sns              SNS notification               eventbridge      EventBridge event
  dynamodb-stream  DynamoDB stream INSERT

Example: emulate generate-event apigw-http --path /hello | emulate invoke HelloFunction -e -
`;

export function generateEventCommand(argv: readonly string[]): number {
  const { flags, positional } = parseArgs(
    argv,
    ['path', 'method', 'body', 'name', 'region'].map((name) => ({ name, value: true })).concat([{ name: 'help', value: false }]),
    false,
  );
  if (flags.has('help') || positional.length === 0) {
    process.stdout.write(GENERATE_EVENT_HELP);
    return positional.length === 0 && !flags.has('help') ? 1 : 0;
  }
  const source = positional[0] as EventSource;
  if (!EVENT_SOURCES.includes(source)) {
    throw emuError('EMU_CLI_BAD_FLAG', `unknown event source "${positional[0]}"; one of: ${EVENT_SOURCES.join(', ')}`);
  }
  const opt = (k: string) => flags.get(k) as string | undefined;
  const event = sampleEvent(source, {
    ...(opt('path') ? { path: opt('path')! } : {}),
    ...(opt('method') ? { method: opt('method')! } : {}),
    ...(opt('body') !== undefined ? { body: opt('body')! } : {}),
    ...(opt('name') ? { name: opt('name')! } : {}),
    ...(opt('region') ? { region: opt('region')! } : {}),
  });
  process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
  return 0;
}
