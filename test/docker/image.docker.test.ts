// Image functions: built from Metadata with the build's progress shown, or run from a local ImageUri, with ImageConfig honoured.
import { describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import type { FunctionSpec } from '../../src/core/model.js';
import { builtImageTag } from '../../src/runners/docker/build.js';
import { body, docker, dockerAvailable, event, IMAGE_FUNCTION_DIR, nodeFunction, useStandInHarness } from './helpers.js';

type Answer = { from: string; greeting: string; handlerEnv: string; files: string[] };

const BUILD = { contextDir: IMAGE_FUNCTION_DIR, dockerfile: 'Dockerfile', tag: 'emulate-test', buildArgs: { GREETING: 'built with args' } };

function imageFunction(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const { runtime: _runtime, handler: _handler, ...zip } = nodeFunction({ functionName: 'ImageFn' });
  return { ...zip, packageType: 'Image', code: { kind: 'image', build: BUILD }, ...overrides };
}

describe.skipIf(!dockerAvailable)('Docker runner: Image functions', () => {
  const harness = useStandInHarness();

  it('builds the image from Metadata, streams readable build lines, tags it as sam build does, and runs its CMD', async () => {
    const lines: string[] = [];
    const fn = imageFunction();
    const launch = await harness().launch(fn, { onProgress: (line) => lines.push(line) });
    expect(launch.image).toBe('imagefn:emulate-test');
    expect(launch.image).toBe(builtImageTag('ImageFn', BUILD));
    expect(lines[0]).toMatch(/^Building imagefn:emulate-test from .*Dockerfile$/);
    expect(lines).toContain('Step 1/5 : FROM public.ecr.aws/lambda/nodejs:20');
    expect(lines.some((l) => /^Successfully tagged imagefn:emulate-test$/.test(l))).toBe(true);
    expect(lines.every((l) => !l.includes('\n') && l.trim() !== '')).toBe(true);

    const env = await harness().environment(fn, {}, launch);
    const answer = body<Answer>(await env.invoke(event({ n: 1 })));
    expect(answer).toMatchObject({ from: 'handler', greeting: 'built with args', handlerEnv: 'app.handler' });
    // .dockerignore of the context was honoured.
    expect(answer.files).toEqual(['.dockerignore', 'Dockerfile', 'app.mjs']);
  });

  it.each([
    ['ImageConfig.Command', { command: ['app.other'] }, 'other'],
    ['ImageConfig.EntryPoint alone (the image CMD is kept)', { entryPoint: ['/lambda-entrypoint.sh'] }, 'handler'],
    ['ImageConfig.EntryPoint with Command', { entryPoint: ['/lambda-entrypoint.sh'], command: ['app.other'] }, 'other'],
  ])('honours %s', async (_label, imageConfig, expected) => {
    const env = await harness().environment(imageFunction({ imageConfig }));
    expect(body<Answer>(await env.invoke(event({}))).from).toBe(expected);
  });

  it('runs a local ImageUri without pulling, in the working directory ImageConfig names', async () => {
    await harness().launch(imageFunction());
    const env = await harness().environment(imageFunction({ code: { kind: 'image', imageUri: 'imagefn:emulate-test' }, imageConfig: { workingDirectory: '/tmp' } }), { skipPull: true });
    expect(body<Answer>(await env.invoke(event({}))).from).toBe('handler');
    const [summary] = await harness().containers();
    expect((await docker.getContainer(summary!.Id).inspect()).Config.WorkingDir).toBe('/tmp');
  });

  it('fails with EMU_DOCKER_BUILD_FAILED carrying the builder\'s error when the Dockerfile is broken', async () => {
    const fn = imageFunction({ code: { kind: 'image', build: { ...BUILD, dockerfile: 'Missing.Dockerfile' } } });
    const err = await harness().launch(fn).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_DOCKER_BUILD_FAILED');
    expect((err as Error).message).toMatch(/^cannot build the image of function ImageFn: .*Missing\.Dockerfile/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('refuses an Image function with neither ImageUri nor Metadata, in SAM\'s words', async () => {
    const err = await harness().launch(imageFunction({ code: { kind: 'image' } })).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_RUNNER_UNSUPPORTED');
    expect((err as Error).message).toContain('ImageUri not provided for Function: ImageFn of PackageType: Image');
  });
});
