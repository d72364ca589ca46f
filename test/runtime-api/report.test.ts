// The REPORT line: Lambda's fields and tabs, and no Max Memory Used unless something measured it.
import { describe, expect, it } from 'vitest';
import { reportLine } from '../../src/core/report.js';

describe('reportLine', () => {
  it.each([
    ['a measured peak', { maxMemoryUsedMb: 71 }, 'REPORT RequestId: r1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t\n'],
    ['nothing measured: the field is left out, not MemorySize', {}, 'REPORT RequestId: r1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t\n'],
    ['a cold start: Init Duration last', { maxMemoryUsedMb: 71, initDurationMs: 40.5 }, 'REPORT RequestId: r1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 40.50 ms\t\n'],
  ])('prints %s', (_name, extra, line) => {
    expect(reportLine({ requestId: 'r1', durationMs: 12.345, memorySizeMb: 128, ...extra })).toBe(line);
  });
});
