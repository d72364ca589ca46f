// The error-code registry: every code has a message and is documented in the README's table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, EmulatorError } from '../src/core/errors.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it.each(Object.keys(ERROR_CODES))('%s is documented in the README', (code) => {
    expect(README).toContain(`| \`${code}\` |`);
  });

  it('follows the EMU_<AREA>_<WHAT> pattern', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^EMU_[A-Z]+_[A-Z_]+$/);
  });

  it('fills the message template in order and keeps the code', () => {
    const err = new EmulatorError('EMU_CLI_BAD_ADDRESS', ['--x', 'bad']);
    expect(err.message).toBe('the --x value "bad" is not a valid network address (expected host:port)');
    expect(err.code).toBe('EMU_CLI_BAD_ADDRESS');
  });
});
