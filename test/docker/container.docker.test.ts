// One container as a RuntimeProcess: its output, how its end is worded, and that kill() leaves nothing behind.
import { beforeAll, describe, expect, it } from 'vitest';
import { startContainer, type ContainerSpec } from '../../src/runners/docker/container.js';
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

  it('kills a running container as "signal: killed" and removes it before kill() resolves', async () => {
    const proc = await startContainer(docker, nodeContainer('setInterval(() => {}, 1000)'), () => {});
    expect((await ours()).map((c) => c.Id)).toEqual([proc.id]);
    await proc.kill();
    expect((await proc.exited).description).toBe('signal: killed');
    expect(await ours()).toEqual([]);
  });
});
