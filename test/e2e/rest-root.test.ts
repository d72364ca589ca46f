// REST (Api) routes answer at the root, as `sam local start-api` and a custom domain serve them, and under /<stage> as execute-api does.
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, formatRouteTable, type Emulator } from '../../src/index.js';

const ECHO = fileURLToPath(new URL('../../fixtures/apigw/rest-root/template.yaml', import.meta.url));
// AWS's `sam init` Node.js hello-world shape (Api event at /hello), as in fixtures/templates/hello-nodejs.
const HELLO = fileURLToPath(new URL('../../fixtures/templates/hello-nodejs/template.yaml', import.meta.url));

describe('REST routes at the root and under the stage', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ template: ECHO, runner: 'process', lambdaPort: false, logLevel: 'silent' });
  });
  afterAll(() => emu.close());

  it.each([
    // execute-api form: path without the stage, requestContext.path with it.
    ['/Prod/hello/ann', '/hello/ann', '/Prod/hello/ann'],
    // custom-domain form (empty base path mapping): the path as called in both, stage still Prod.
    ['/hello/ann', '/hello/ann', '/hello/ann'],
  ])('GET %s gives path %s, requestContext.path %s and stage Prod, a valid REST event', async (url, path, contextPath) => {
    const res = await fetch(`${emu.apiUrl}${url}`);
    expect(res.status).toBe(200);
    const event = (await res.json()) as { path: string; resource: string; pathParameters: unknown; requestContext: { path: string; stage: string } };
    expect(event.path).toBe(path);
    expect(event.resource).toBe('/hello/{name}');
    expect(event.pathParameters).toEqual({ name: 'ann' });
    expect(event.requestContext.path).toBe(contextPath);
    expect(event.requestContext.stage).toBe('Prod');
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
  });

  it('shows both URLs in the route table', () => {
    const table = formatRouteTable(emu, emu.apiUrl!);
    expect(table).toContain(`${emu.apiUrl}/hello/{name} , ${emu.apiUrl}/Prod/hello/{name}`);
  });
});

describe("sam init's hello-world", () => {
  it.each(['/hello', '/Prod/hello'])('answers GET %s', async (url) => {
    await using emu = await createEmulator({ template: HELLO, runner: 'process', lambdaPort: false, logLevel: 'silent' });
    const res = await fetch(`${emu.apiUrl}${url}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'hello world' });
  });
});
