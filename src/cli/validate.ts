// `emulate validate`: reads the template and prints its functions and routes, or its errors.
import { formatTemplateSummary, loadTemplate } from '../index.js';
import { commonHelp, parseCommand } from './common.js';

export const VALIDATE_HELP = `Usage: emulate validate [options]

Reads the template (Globals, Parameters, Conditions, Mappings and intrinsics resolved) and prints
the functions and routes the emulator would serve, then any warnings. A broken template prints
each error with its file, line, column and property, and exits 1.

Options:
${commonHelp('validate')}
`;

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const { options, parsed } = parseCommand('validate', argv);
  if (parsed.flags.has('help')) {
    process.stdout.write(VALIDATE_HELP);
    return 0;
  }
  const model = await loadTemplate(options);
  process.stdout.write(`${formatTemplateSummary(model)}\n`);
  return 0;
}
