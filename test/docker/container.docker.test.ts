// One container as a RuntimeProcess: its output, how its end is worded, and that kill() leaves nothing behind.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainer, type ContainerSpec } from '../../src/runners/docker/container.js';
import { gatedEntrypoint, gateExitMark } from '../../src/runners/docker/extensions.js';
import { containerLabels, LABELS } from '../../src/runners/docker/labels.js';
import { planNetwork } from '../../src/runners/docker/network.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';

const INSTANCE = `container-test-${process.pid}`;

/** A container of the stand-in image running a node one-liner instead of the runtime. */
function nodeContainer(script: string): ContainerSpec {
  return {
    functionName: 'Probe',
    image: 'public.ecr.aws/lambda/nodejs:20-x86_64',
    platform: 'linux/amd64',
    entrypoint: ['/var/lang/bin/node', '-e', script],
    cmd: [],
    env: {},
    mounts: [],
    labels: containerLabels('Probe', INSTANCE),
    memoryMb: 128,
    tmpMb: 64,
    sandbox: true,
    user: '993:990',
    network: planNetwork(),
  };
}

const ours = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${INSTANCE}`] } });

describe.skipIf(!dockerAvailable)('startContainer', () => {
  beforeAll(prepareStandIn, SETUP_TIMEOUT_MS);

  it.each([
    ['exits with a code', 'console.log("bye"); process.exit(3)', 'exit status 3', 'bye\n'],
    ['dies of a signal', 'console.error("crash"); process.kill(process.pid, "SIGSEGV")', 'signal: segmentation fault', 'crash\n'],
    ['returns', 'process.stdout.write("done")', 'exit status 0', 'done'],
  ])('reports a runtime that %s in Go\'s words, after all of its output', async (_label, script, description, output) => {
    const chunks: Buffer[] = [];
    const proc = await startContainer(docker, nodeContainer(script), (chunk) => chunks.push(chunk));
    expect((await proc.exited).description).toBe(description);
    expect(Buffer.concat(chunks).toString()).toBe(output);
    expect(await ours()).toEqual([]);
  });

  describe('with an external extension (the gated entrypoint)', () => {
    // A layer at /opt with one extension that idles until it is killed.
    const opt = mkdtempSync(join(tmpdir(), 'emulate-gate-opt-'));
    mkdirSync(join(opt, 'extensions'));
    writeFileSync(join(opt, 'extensions', 'idle'), '#!/var/lang/bin/node\nsetInterval(() => {}, 1000);\n', { mode: 0o755 });
    chmodSync(opt, 0o755);
    chmodSync(join(opt, 'extensions'), 0o755);
    afterAll(() => rmSync(opt, { recursive: true, force: true }));

    function gated(script: string): ContainerSpec {
      const spec = nodeContainer(script);
      const mark = gateExitMark();
      return { ...spec, entrypoint: gatedEntrypoint(spec.entrypoint!, mark), exitMark: mark, extensions: ['idle'], mounts: [{ source: opt, target: '/opt' }] };
    }

    it.each([
      ['exits with a code', 'console.log("bye"); process.exit(3)', 'exit status 3', 'bye\n'],
      ['dies of a signal', 'console.error("crash"); process.kill(process.pid, "SIGSEGV")', 'signal: segmentation fault', 'crash\n'],
      ['returns', 'process.stdout.write("done")', 'exit status 0', 'done'],
      ['is killed by SIGKILL', 'console.log("oom"); process.kill(process.pid, "SIGKILL")', 'signal: killed', 'oom\n'],
    ])('reports a runtime that %s in the same words and output, while the container stays up for the extension until kill()', async (_label, script, description, output) => {
      const chunks: Buffer[] = [];
      const proc = await startContainer(docker, gated(script), (chunk, extension) => {
        if (!extension) chunks.push(chunk);
      });
      let extensionGone = false;
      void proc.extensionsGone!.then(() => (extensionGone = true));
      try {
        proc.gate!.open();
        expect((await proc.exited).description).toBe(description);
        expect(Buffer.concat(chunks).toString()).toBe(output);
        // The runtime is gone; its extension still runs in the container (for its SHUTDOWN) until the container is killed.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(extensionGone).toBe(false);
        expect((await ours()).map((c) => c.Id)).toEqual([proc.id]);
      } finally {
        await proc.kill();
      }
      await proc.extensionsGone;
      await proc.removed;
      expect(await ours()).toEqual([]);
    });
  });

  it('kills a running container as "signal: killed" and removes it before kill() resolves', async () => {
    const proc = await startContainer(docker, nodeContainer('setInterval(() => {}, 1000)'), () => {});
    expect((await ours()).map((c) => c.Id)).toEqual([proc.id]);
    await proc.kill();
    expect((await proc.exited).description).toBe('signal: killed');
    expect(await ours()).toEqual([]);
  });
});
