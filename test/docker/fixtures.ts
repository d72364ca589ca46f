// Fixture paths and builders shared by the Docker runner tests; nothing here talks to a daemon.
import { fileURLToPath } from 'node:url';
import type { InvokeResult } from '../../src/core/invoke.js';
import type { FunctionSpec } from '../../src/core/model.js';

export const HANDLERS_DIR = fileURLToPath(new URL('../../fixtures/docker/handlers/', import.meta.url));
export const LAYERS_DIR = fileURLToPath(new URL('../../fixtures/docker/layers/', import.meta.url));
export const IMAGE_FUNCTION_DIR = fileURLToPath(new URL('../../fixtures/docker/image-function/', import.meta.url));

/** A Node Zip function on the fixture handlers, with the model's defaults. */
export function nodeFunction(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const name = overrides.functionName ?? 'DockerFn';
  return {
    logicalId: name,
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    resourceType: 'AWS::Serverless::Function',
    packageType: 'Zip',
    runtime: 'nodejs20.x',
    handler: 'index.echo',
    code: { kind: 'directory', path: HANDLERS_DIR },
    timeoutSeconds: 3,
    memorySizeMb: 128,
    ephemeralStorageMb: 512,
    architecture: 'x86_64',
    environment: {},
    layers: [],
    ...overrides,
  };
}

export const event = (value: unknown) => ({ payload: Buffer.from(JSON.stringify(value)) });

export function body<T = Record<string, unknown>>(result: InvokeResult): T {
  return JSON.parse(result.payload.toString('utf8')) as T;
}
