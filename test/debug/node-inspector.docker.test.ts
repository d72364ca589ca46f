// --debug-port on the Docker runner: the real aws-lambda-ric in the nodejs:20 stand-in runs under the inspector (NODE_OPTIONS, host network), and a CDP client breaks on a .ts line through the README's launch.json (localRoot → /var/task).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { LABELS } from '../../src/runners/docker/labels.js';
import { breakAtTsLine, debugProject, startDebugging, TIMEOUT_S } from './scenario.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe.skipIf(!dockerAvailable)('--debug-port on the Docker runner (Node inspector in the container)', () => {
  beforeAll(prepareStandIn, SETUP_TIMEOUT_MS);

  it('pauses at the breakpoint set on a .ts line, holds it past the function Timeout, and answers normally on resume', async () => {
    const p = debugProject();
    cleanup.push(() => p.remove());
    const run = await startDebugging(p, { runner: 'docker' });
    cleanup.push(() => run.emu.close());
    const { heldMs, session } = await breakAtTsLine(p, run, 'emulate: Node (Docker runner)');
    cleanup.push(() => session.close());
    expect(heldMs).toBeGreaterThan(TIMEOUT_S * 1000);
    expect(session.breaksOnStart).toBe(1);
    // The breakpoint was set by the URL the bundle has in the container.
    expect(session.bound.map((b) => b.url)).toEqual(['file:///var/task/app.js']);
    const ours = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.pid}=${process.pid}`, `${LABELS.function}=HelloWorldFunction`] } });
    // One environment while debugging: one container.
    expect(await ours()).toHaveLength(1);
    await run.emu.close();
    expect(await ours()).toEqual([]);
  }, 120_000);
});
