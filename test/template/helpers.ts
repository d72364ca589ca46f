// Test helpers for the template reader: fixture paths as messages show them, and inline templates read without the disk.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTemplate, type TemplateModel } from '../../src/template/index.js';

const FIXTURES_ABS = fileURLToPath(new URL('../../fixtures/templates/', import.meta.url));

/** A fixture's template path, relative to the working directory as a user would type it. */
export function fixture(name: string, file = 'template.yaml'): string {
  return path.relative(process.cwd(), path.join(FIXTURES_ABS, name, file));
}

/** The absolute directory of a fixture. */
export function fixtureDir(name: string): string {
  return path.join(FIXTURES_ABS, name);
}

/** Reads an inline template (paths are not checked); messages name it `inline.yaml`. */
export function inline(text: string, options: Omit<Parameters<typeof parseTemplate>[1], 'templatePath'> = {}): TemplateModel {
  return parseTemplate(text, { templatePath: 'inline.yaml', ...options });
}

/** The message an inline template fails with. */
export function inlineError(text: string, options: Omit<Parameters<typeof parseTemplate>[1], 'templatePath'> = {}): string {
  try {
    inline(text, options);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the template to be rejected');
}

/**
 * A SAM function resource with runnable defaults, for inline templates. `extra` lines are indented
 * under Properties; one that sets CodeUri, Handler or Runtime replaces the default line.
 */
export function fn(name: string, ...extra: string[]): string {
  const defaults = ['CodeUri: src/', 'Handler: app.handler', 'Runtime: nodejs22.x']
    .filter((line) => !extra.some((e) => e.startsWith(line.split(':')[0]! + ':')));
  return [
    `  ${name}:`,
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    ...[...defaults, ...extra].map((line) => `      ${line}`),
  ].join('\n');
}
