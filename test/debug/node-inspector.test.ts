// --debug-port on the process runner: a Chrome DevTools Protocol client breaks on a .ts line of an esbuild function, holds it past Timeout, and the request still answers.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/index.js';
import { breakAtTsLine, debugProject, startDebugging, TIMEOUT_S, tscProject, type DebugProject } from './scenario.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function project(extra?: string): DebugProject {
  const p = debugProject(extra);
  cleanup.push(() => p.remove());
  return p;
}

function track(emu: Emulator): Emulator {
  cleanup.push(() => emu.close());
  return emu;
}

describe('--debug-port on the process runner (Node inspector)', () => {
  it('pauses at the breakpoint set on a .ts line, holds it past the function Timeout, and answers normally on resume', async () => {
    const p = project();
    const run = await startDebugging(p, { runner: 'process' });
    track(run.emu);
    const { heldMs, session } = await breakAtTsLine(p, run, 'emulate: Node (process runner)');
    cleanup.push(() => session.close());
    expect(heldMs).toBeGreaterThan(TIMEOUT_S * 1000);
    // --inspect-brk: the runtime waited for the debugger before its first line.
    expect(session.breaksOnStart).toBe(1);
    expect(session.bound[0]!.url).toMatch(/^file:\/\/\/.*\/esbuild\/HelloWorldFunction\/app\.js$/);
  }, 60_000);

  it('does the same for a function compiled by tsc (outDir with .js.map files), with outFiles pointing at that outDir', async () => {
    const p = tscProject();
    cleanup.push(() => p.remove());
    const run = await startDebugging(p, { runner: 'process' });
    track(run.emu);
    const { heldMs, session } = await breakAtTsLine(p, run, { address: '127.0.0.1', port: run.port, outFiles: [`${p.outDir}/**/*.js`], continueOnAttach: true });
    cleanup.push(() => session.close());
    expect(heldMs).toBeGreaterThan(TIMEOUT_S * 1000);
    expect(session.bound[0]!.url).toBe(`file://${p.outDir}/app.js`);
  }, 60_000);
});
