// The emulator's text log lines: one line per event, an error as its message, its stack only at debug.
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/core/logger.js';

function linesOf(level: LogLevel, format: 'pretty' | 'rie'): string {
  let out = '';
  const logger = createLogger({ level, format, stream: { write: (line: string) => (out += line) } });
  const err = new Error('connect ECONNREFUSED 127.0.0.1:9');
  logger.child({ component: 'apigw' }).error({ err, route: 'GET /x' }, 'the invocation could not run');
  return out;
}

describe('text log lines', () => {
  it.each(['pretty', 'rie'] as const)('%s at info: one line with the error message, no stack', (format) => {
    const out = linesOf('info', format);
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out).toContain('the invocation could not run err="connect ECONNREFUSED 127.0.0.1:9" route=GET /x');
    expect(out).not.toContain('at ');
  });

  it.each(['pretty', 'rie'] as const)('%s at debug: the stack follows on the next lines', (format) => {
    const out = linesOf('debug', format);
    expect(out.split('\n')[0]).toContain('err="connect ECONNREFUSED 127.0.0.1:9"');
    expect(out.split('\n')[1]).toBe('Error: connect ECONNREFUSED 127.0.0.1:9');
    expect(out).toMatch(/\n {4}at .*logger\.test\.ts/);
  });
});
