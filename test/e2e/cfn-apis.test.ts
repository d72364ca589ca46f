// APIs declared as CloudFormation resources, through the CLI as a user runs them: `emulate validate` and start-api answering HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';

// aws-samples/serverless-patterns apigw-http-api-lambda, copied unchanged (see its SOURCE.md).
const QUICK = 'fixtures/templates/apigw-http-api-lambda/template.yml';
const CFN = 'fixtures/templates/cfn-apis/template.yaml';

describe('quick-create HTTP API (AWS::ApiGatewayV2::Api with Target)', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['start-api', '-t', QUICK, '--runner', 'process', '-p', '0']);
  });
  afterAll(() => cli.stop());

  it('validate lists the $default route of the quick-create API', async () => {
    const { code, stdout } = await runCli(['validate', '-t', QUICK]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ANY\s+\$default\s+HttpApi \(http\)\s+\$default\s+2\.0\s+-> LambdaFunction/);
  });

  it('answers any path with a 2.0 event of the $default route', async () => {
    const res = await fetch(`${cli.url}/anything/here?x=1`, { method: 'POST', body: 'hi' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ routeKey: '$default', rawPath: '/anything/here', stage: '$default', version: '2.0', v1: '1234' });
  });
});

describe('explicit REST (RestApi/Resource/Method) and HTTP (Route/Integration/Stage) resources', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['start-api', '-t', CFN, '--runner', 'process', '-p', '0']);
  });
  afterAll(() => cli.stop());

  it('validate lists the proxy routes and reports the MOCK method with its position', async () => {
    const { code, stdout } = await runCli(['validate', '-t', CFN]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/GET\s+\/items\s+RestApi \(rest\)\s+v1\s+1\.0/);
    expect(stdout).toMatch(/ANY\s+\/items\/\{proxy\+\}\s+RestApi \(rest\)\s+v1/);
    expect(stdout).toMatch(/GET\s+\/things\/\{id\}\s+HttpApi \(http\)\s+\$default\s+2\.0/);
    expect(stdout).toContain('template.yaml:60:9: Resources.ItemsOptions.Properties.Integration.Type: MOCK is not a Lambda proxy integration');
  });

  it('logs the unsupported MOCK integration at start-up', () => {
    expect(cli.stderr()).toContain('ItemsOptions.Properties.Integration.Type: MOCK is not a Lambda proxy integration');
  });

  it.each([
    // The HTTP API's $default stage owns the root here (item 1's rule), so the REST API answers under /v1 only.
    ['/v1/items', '/items', '/items'],
    ['/v1/items/a/b', '/items/{proxy+}', '/items/a/b'],
  ])('REST GET %s reaches the function as resource %s, stage v1 (the Deployment\'s StageName)', async (url, resource, path) => {
    const res = await fetch(`${cli.url}${url}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { resource: string; path: string; stage: string; version: string };
    expect(body).toMatchObject({ version: '1.0', resource, path, stage: 'v1' });
  });

  it('HTTP route GET /things/{id} answers with a 2.0 event', async () => {
    const res = await fetch(`${cli.url}/things/7`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: '2.0', routeKey: 'GET /things/{id}', path: '/things/7', pathParameters: { id: '7' } });
  });

  it('does not serve the MOCK OPTIONS method as a Lambda route', async () => {
    const res = await fetch(`${cli.url}/items`, { method: 'OPTIONS' });
    expect(res.status).not.toBe(200);
  });
});

// AWS's own "Lambda Proxy" example of AWS::ApiGateway::Method (see the fixture's SOURCE.md).
describe("AWS's Lambda Proxy example (RestApi, {proxy+} Resource, ANY Method with AWS_PROXY)", () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['start-api', '-t', 'fixtures/templates/cfn-lambda-simple-proxy/template.yaml', '--runner', 'process', '-p', '0']);
  });
  afterAll(() => cli.stop());

  it('answers under the Deployment stage and at the root, with the REST proxy event of each form', async () => {
    const staged = await fetch(`${cli.url}/test/pets/7`, { method: 'PUT', body: '{}' });
    expect(staged.status).toBe(200);
    expect(await staged.json()).toEqual({ resource: '/{proxy+}', path: '/pets/7', proxy: 'pets/7', stage: 'test', contextPath: '/test/pets/7', method: 'PUT' });
    const root = await fetch(`${cli.url}/pets/8`);
    expect(root.status).toBe(200);
    expect(await root.json()).toMatchObject({ path: '/pets/8', proxy: 'pets/8', stage: 'test', method: 'GET' });
  });
});
