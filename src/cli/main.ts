#!/usr/bin/env node
// The `emulate` binary: picks the subcommand, maps flags to the library, prints emulator faults as one line.
import { readFileSync } from 'node:fs';
import { isEmulatorError } from '../index.js';
import { generateEventCommand } from './generate-event.js';
import { invokeCommand } from './invoke.js';
import { rieCommand } from './rie.js';
import { startApiCommand } from './start-api.js';
import { startLambdaCommand } from './start-lambda.js';
import { validateCommand } from './validate.js';

const HELP = `Usage: emulate <command> [options]

A local AWS Lambda emulator.

Commands (emulate <command> --help for each):
  start-api [options]                        API Gateway in front of the template's functions (port 3000)
  start-lambda [options]                     the Lambda Invoke API for AWS SDKs and the AWS CLI (port 3001)
  invoke [FUNCTION] [-e FILE|-] [options]    one invocation: result on stdout, log on stderr
  validate [options]                         the functions and routes a template defines, or its errors
  generate-event SOURCE                      sample events (HTTP API, REST, S3, SQS, SNS, EventBridge, DynamoDB)
  rie [options] [--] [BOOTSTRAP [ARGS...]]   drop-in for aws-lambda-rie: the Runtime API and the
                                             invoke endpoint for one bootstrap

Template commands read template.yaml (or -t FILE) and run each function as a host process (Node,
Python, provided) or in Docker on the AWS base images (--runner).

Options:
  -h, --help      show this help (emulate <command> --help for a command's options)
  -v, --version   print the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      // No command is a mistake, not a request for help: usage on stderr and a failing exit, as unknown commands get.
      process.stderr.write(HELP);
      return 1;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case '-v':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case 'rie':
      return rieCommand(rest, process.stdout);
    case 'start-api':
      return startApiCommand(rest);
    case 'start-lambda':
      return startLambdaCommand(rest);
    case 'invoke':
      return invokeCommand(rest);
    case 'validate':
      return validateCommand(rest);
    case 'generate-event':
      return generateEventCommand(rest);
    default:
      process.stderr.write(`emulate: unknown command "${command}" (see emulate --help)\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isEmulatorError(err)) {
      process.stderr.write(`emulate: ${err.message}\n`);
      // Listening failures exit 2, as aws-lambda-rie does.
      process.exit(err.code === 'EMU_LISTEN_FAILED' ? 2 : 1);
    }
    process.stderr.write(`emulate: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
