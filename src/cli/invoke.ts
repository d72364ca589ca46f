// `emulate invoke`: one invocation from the command line; the result on stdout, the function's log on stderr.
import { readFileSync } from 'node:fs';
import { createEmulator, emuError } from '../index.js';
import { commonHelp, parseCommand } from './common.js';

export const INVOKE_HELP = `Usage: emulate invoke [FUNCTION] [-e FILE|-] [options]

Invokes FUNCTION (its FunctionName or logical id; optional when the template has one function)
once with the event in FILE (- for standard input; default {}). The result goes to stdout, the
function's log (START, its output, END, REPORT) to stderr. The exit code is 1 when the function
failed (error, timeout, crash), 0 otherwise. Sample events: emulate generate-event --help.

Options:
  -e, --event FILE               event JSON file, or - for standard input
${commonHelp('invoke')}
`;

function readEvent(source: string | undefined): Buffer {
  if (source === undefined) return Buffer.from('{}');
  try {
    return readFileSync(source === '-' ? 0 : source);
  } catch (err) {
    throw emuError('EMU_CLI_BAD_FLAG', `cannot read the event from ${source === '-' ? 'standard input' : `"${source}"`}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export async function invokeCommand(argv: readonly string[]): Promise<number> {
  const { options, parsed } = parseCommand('invoke', argv, [{ name: 'event', short: 'e', value: true }]);
  if (parsed.flags.has('help')) {
    process.stdout.write(INVOKE_HELP);
    return 0;
  }
  if (parsed.positional.length > 1) throw emuError('EMU_CLI_BAD_FLAG', `invoke takes one function name, got ${parsed.positional.join(' ')}`);
  const event = readEvent(parsed.flags.get('event') as string | undefined);
  const emu = await createEmulator({
    // On a terminal, build and pull progress (info) shows as in start-api; piped, only warnings and errors.
    logLevel: process.stderr.isTTY ? 'info' : 'warn',
    ...options,
    // `invoke NAME -d PORT` debugs the invoked function, as sam local invoke; the "Debugger for ..." line is info.
    ...(options.debugPort !== undefined ? { logLevel: options.logLevel ?? 'info', debugFunction: options.debugFunction ?? parsed.positional[0] } : {}),
    port: false,
    lambdaPort: false,
    onFunctionOutput: (chunk) => void process.stderr.write(chunk.text),
  });
  try {
    let name = parsed.positional[0];
    if (name === undefined) {
      if (emu.functions.length !== 1) {
        throw emuError('EMU_CLI_BAD_FLAG', `the template has ${emu.functions.length} functions; name one: ${emu.functions.map((f) => f.functionName).join(', ')}`);
      }
      name = emu.functions[0]!.functionName;
    }
    if (!emu.functions.some((f) => f.functionName === name || f.logicalId === name)) {
      throw emuError('EMU_CLI_BAD_FLAG', `function "${name}" is not in the template; it has: ${emu.functions.map((f) => f.functionName).join(', ')}`);
    }
    const result = await emu.invoke(name, event);
    process.stdout.write(result.payload);
    // A terminal gets a final newline so the prompt starts on its own line; a pipe or file gets the payload byte-exact.
    if (process.stdout.isTTY) process.stdout.write('\n');
    return result.ok ? 0 : 1;
  } finally {
    await emu.close();
  }
}
