// Sweeping temporary folders: only folders of emulators that are gone are removed, whatever else shares the temp dir.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownedTempDir, sweepStaleTempDirs } from '../../src/core/temp-dirs.js';

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'sweep-test-'));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

const DEAD = 999_001;
const ALIVE = 999_002;
const isAlive = (pid: number) => pid === ALIVE;

describe('sweepStaleTempDirs', () => {
  it.each([
    [`emulate-inline-${DEAD}-Fn-abc123`, 'removed', 'its owner is gone'],
    [`emulate-layers-${DEAD}-Fn-abc123`, 'removed', 'merged layers of a gone owner'],
    [`emulate-inline-${ALIVE}-Fn-abc123`, 'kept', 'another emulator still runs'],
    [`emulate-inline-${process.pid}-Fn-abc123`, 'kept', 'it is this process'],
    ['emulate-inline-Fn-abc123', 'kept', 'it has no owner pid (made by an older emulate)'],
    [`other-${DEAD}-x`, 'kept', 'it is not an emulate folder'],
  ])('%s is %s because %s', (name, fate) => {
    mkdirSync(join(parent, name));
    const removed = sweepStaleTempDirs({ parent, isAlive });
    expect(readdirSync(parent).includes(name)).toBe(fate === 'kept');
    expect(removed).toEqual(fate === 'removed' ? [name] : []);
  });

  it('names a new folder after this process so that a sweep can judge it', () => {
    const dir = ownedTempDir('inline', 'My/Fn', parent);
    expect(dir.slice(parent.length + 1)).toMatch(new RegExp(`^emulate-inline-${process.pid}-My_Fn-`));
    expect(sweepStaleTempDirs({ parent, isAlive: () => false })).toEqual([]);
  });
});
