// The fixture projects read end to end: functions, APIs, routes, warnings and env vars as the runners and API front end will see them.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate, readTemplateSync, type RouteSpec, type TemplateModel } from '../../src/template/index.js';
import { fixture, fixtureDir } from './helpers.js';

/** Each route with the kind and stage of the API it names. */
const routeLines = (model: Pick<TemplateModel, 'apis' | 'routes'>) =>
  model.routes.map((r: RouteSpec) => {
    const api = model.apis.find((a) => a.logicalId === r.apiLogicalId)!;
    return `${r.routeKey} → ${r.functionLogicalId} on ${r.apiLogicalId} (${api.kind}, stage ${api.stageName}, payload ${r.payloadFormatVersion})`;
  });

describe('sam init hello-world templates', () => {
  it.each([
    ['hello-nodejs', 'hello-world', 'app.lambdaHandler', 'nodejs22.x'],
    ['hello-python', 'hello_world', 'app.lambda_handler', 'python3.13'],
  ])('reads the %s template into one function behind GET /hello on the implicit REST API', async (name, codeDir, handler, runtime) => {
    const model = await readTemplate(fixture(name));
    expect(model.functions).toEqual([{
      logicalId: 'HelloWorldFunction',
      functionName: 'HelloWorldFunction',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction',
      resourceType: 'AWS::Serverless::Function',
      packageType: 'Zip',
      runtime,
      handler,
      code: { kind: 'directory', path: path.join(fixtureDir(name), codeDir) },
      timeoutSeconds: 3,
      memorySizeMb: 128,
      ephemeralStorageMb: 512,
      architecture: 'x86_64',
      environment: {},
      layers: [],
    }]);
    expect(model.apis).toEqual([{
      logicalId: 'ServerlessRestApi', kind: 'rest', implicit: true, apiGatewayId: expect.stringMatching(/^[a-z0-9]{10}$/),
      stageName: 'Prod', stageVariables: {}, binaryMediaTypes: [],
    }]);
    expect(routeLines(model)).toEqual(['GET /hello → HelloWorldFunction on ServerlessRestApi (rest, stage Prod, payload 1.0)']);
    expect(model.warnings).toEqual([]);
    expect(model.templateDir).toBe(fixtureDir(name).replace(/\/$/, ''));
  });

  it('reads the same model synchronously', async () => {
    expect(readTemplateSync(fixture('hello-nodejs'))).toEqual(await readTemplate(fixture('hello-nodejs')));
  });
});

describe('Globals, Parameters, Conditions, Mappings and intrinsics (intrinsics fixture)', () => {
  it('resolves every intrinsic in the API function\'s variables with the parameter defaults', async () => {
    const model = await readTemplate(fixture('intrinsics'));
    const api = model.functions.find((f) => f.logicalId === 'ApiFunction')!;
    expect(api.environment).toEqual({
      STAGE: 'dev',
      LOG_LEVEL: 'debug',
      SHARED: 'local',
      TABLE_NAME: 'items-dev',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/items-dev',
      TABLE_STREAM: 'arn:aws:dynamodb:us-east-1:123456789012:table/items-dev/stream/1970-01-01T00:00:00.000',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/JobsQueue',
      QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:JobsQueue',
      WORKER_NAME: 'WorkerFunction',
      WORKER_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:WorkerFunction',
      LAYER_ARN: 'arn:aws:lambda:us-east-1:123456789012:layer:local-shared:1',
      PSEUDO: 'us-east-1/123456789012/aws/amazonaws.com/local',
      SUB_LIST_FORM: 'b-dev-${Literal}',
      FIRST_SUBNET: 'subnet-a',
      ALL_SUBNETS: 'subnet-a,subnet-b',
      ENCODED: 'aGVsbG8=',
      FIRST_AZ: 'us-east-1a',
      SECOND_CIDR: '10.0.1.0/24',
      IF_PROD: 'no',
      DEV_ONLY: 'on',
      BOTH: 'both',
      IMPORTED: '',
      NUMBER: '42',
      FLAG: 'true',
    });
  });

  it('applies Globals: scalars from Globals unless the resource sets them, maps merged, lists with global entries first', async () => {
    const model = await readTemplate(fixture('intrinsics'));
    const byId = Object.fromEntries(model.functions.map((f) => [f.logicalId, f]));
    expect(byId.ApiFunction!.functionName).toBe('api-dev');
    expect(byId.ApiFunction!).toMatchObject({ runtime: 'nodejs20.x', timeoutSeconds: 10, memorySizeMb: 256, architecture: 'arm64' });
    expect(byId.ApiFunction!.layers).toEqual([
      { kind: 'local', logicalId: 'SharedLayer', arn: 'arn:aws:lambda:us-east-1:123456789012:layer:local-shared:1', contentDir: path.join(fixtureDir('intrinsics'), 'layers/shared') },
      { kind: 'remote', arn: 'arn:aws:lambda:us-east-1:123456789012:layer:remote-tools:3', at: `${fixture('intrinsics')}:81:11: Resources.ApiFunction.Properties.Layers[1]` },
    ]);
    expect(byId.WorkerFunction!).toMatchObject({
      timeoutSeconds: 60,
      reservedConcurrentExecutions: 2,
      ephemeralStorageMb: 1024,
      layers: [],
      environment: { STAGE: 'dev', LOG_LEVEL: 'debug', SHARED: 'global', MODE: 'worker' },
    });
    expect(byId.WorkerFunction!.tracing).toBeUndefined();
  });

  it('leaves out a resource whose condition is false and keeps AWS::Lambda::Function with inline code', async () => {
    const model = await readTemplate(fixture('intrinsics'));
    expect(model.functions.map((f) => f.logicalId)).toEqual(['ApiFunction', 'WorkerFunction', 'PlainLambda']);
    expect(model.functions[2]).toMatchObject({
      functionName: 'plain-lambda',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:plain-lambda',
      resourceType: 'AWS::Lambda::Function',
      code: { kind: 'inline', source: 'def handler(event, context):\n    return event\n' },
      tracing: 'PassThrough',
      environment: { ROLE_ARN: 'arn:aws:iam::123456789012:role/PlainLambdaRole' },
    });
  });

  it('warns, naming file, line, resource and property, about an ImportValue (a remote layer is named later, by src/build/layers)', async () => {
    const model = await readTemplate(fixture('intrinsics'));
    const file = fixture('intrinsics');
    expect(model.warnings).toEqual([
      `${file}:106:11: Resources.ApiFunction.Properties.Environment.Variables.IMPORTED: Fn::ImportValue "shared-table-arn" cannot be resolved locally (exports of other stacks are not available); the variable is set to ""`,
    ]);
  });

  it.each([
    ['Stage=prod'],
    ['ParameterKey=Stage,ParameterValue=prod'],
  ])('switches conditions and mappings with --parameter-overrides "%s"', async (overrides) => {
    const model = await readTemplate(fixture('intrinsics'), { parameterOverrides: overrides });
    expect(model.parameters).toEqual({ Stage: 'prod', TimeoutSeconds: '10', Subnets: ['subnet-a', 'subnet-b'], SharedExportName: 'shared-table' });
    expect(model.functions.map((f) => f.logicalId)).toEqual(['ApiFunction', 'WorkerFunction', 'ProdOnlyFunction', 'PlainLambda']);
    const api = model.functions[0]!;
    expect(api).toMatchObject({ functionName: 'api-prod', memorySizeMb: 1024, tracing: 'Active' });
    expect(api.environment).toMatchObject({ STAGE: 'prod', LOG_LEVEL: 'warn', IF_PROD: 'yes', PROD_ONLY: 'on', BOTH: 'neither' });
    expect(api.environment).not.toHaveProperty('DEV_ONLY');
  });

  it('applies an --env-vars file: Parameters to every function, a function\'s own entry (by logical id or FunctionName) over it', async () => {
    const model = await readTemplate(fixture('intrinsics'), { envVarsFile: fixture('intrinsics', 'env.json') });
    const byId = Object.fromEntries(model.functions.map((f) => [f.logicalId, f.environment]));
    expect(byId.ApiFunction).toMatchObject({ STAGE: 'local', TABLE_NAME: 'override-table', EXTRA: 'injected', FROM_FILE: 'everyone', SHARED: 'local' });
    expect(byId.WorkerFunction).toEqual({ STAGE: 'local', LOG_LEVEL: 'debug', SHARED: 'global', MODE: 'worker', FROM_FILE: 'everyone' });
    expect(byId.PlainLambda).toEqual({ ROLE_ARN: 'by-function-name', STAGE: 'local', FROM_FILE: 'everyone' });
    expect(model.warnings).toContain(
      `${fixture('intrinsics', 'env.json')}: "NoSuchFunction" matches no function of the template (functions: ApiFunction, WorkerFunction, PlainLambda); its variables are not used`,
    );
  });

  it('reads a dotenv --env-vars file as Parameters', async () => {
    const model = await readTemplate(fixture('intrinsics'), { envVarsFile: fixture('intrinsics', 'env.dotenv') });
    expect(model.functions[1]!.environment).toEqual({ STAGE: 'from-dotenv', QUOTED: 'a b', LOG_LEVEL: 'debug', SHARED: 'global', MODE: 'worker' });
  });

  it('never copies host shell variables into a function', async () => {
    process.env.STAGE = 'from-the-shell';
    process.env.MODE = 'from-the-shell';
    try {
      const model = await readTemplate(fixture('intrinsics'));
      expect(model.functions[1]!.environment).toMatchObject({ STAGE: 'dev', MODE: 'worker' });
    } finally {
      delete process.env.STAGE;
      delete process.env.MODE;
    }
  });

  it('uses --region and the account id for pseudo parameters and ARNs', async () => {
    const model = await readTemplate(fixture('intrinsics'), { region: 'cn-north-1', accountId: '999999999999' });
    expect(model.partition).toBe('aws-cn');
    expect(model.functions[0]!.functionArn).toBe('arn:aws-cn:lambda:cn-north-1:999999999999:function:api-dev');
    expect(model.functions[0]!.environment.PSEUDO).toBe('cn-north-1/999999999999/aws-cn/amazonaws.com.cn/local');
  });
});

describe('Image functions (image fixture)', () => {
  it('reads a function built from Metadata and one from a ready image with ImageConfig', async () => {
    const model = await readTemplate(fixture('image'));
    expect(model.functions.map(({ logicalId, packageType, code, imageConfig, runtime, handler, memorySizeMb, architecture, timeoutSeconds }) =>
      ({ logicalId, packageType, code, imageConfig, runtime, handler, memorySizeMb, architecture, timeoutSeconds }))).toEqual([
      {
        logicalId: 'BuiltImageFunction', packageType: 'Image', runtime: undefined, handler: undefined, imageConfig: undefined,
        code: { kind: 'image', build: { contextDir: path.join(fixtureDir('image'), 'app'), dockerfile: 'Dockerfile', tag: 'nodejs22.x-v1', buildArgs: { NODE_ENV: 'production', RETRIES: '3' } } },
        memorySizeMb: 512, architecture: 'arm64', timeoutSeconds: 3,
      },
      {
        logicalId: 'ReadyImageFunction', packageType: 'Image', runtime: undefined, handler: undefined,
        code: { kind: 'image', imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/ready:latest' },
        imageConfig: { command: ['app.handler'], entryPoint: ['/lambda-entrypoint.sh'], workingDirectory: '/var/task' },
        memorySizeMb: 128, architecture: 'x86_64', timeoutSeconds: 30,
      },
    ]);
    expect(routeLines(model)).toEqual(['GET /hello → BuiltImageFunction on ServerlessRestApi (rest, stage Prod, payload 1.0)']);
  });
});

describe('APIs keep their own settings', () => {
  it('gives a REST API its stage, stage variables, CORS and binary media types with ~1 decoded, apart from the implicit API', async () => {
    const model = await readTemplate(fixture('rest-binary'));
    expect(routeLines(model)).toEqual([
      'POST /images/{name} → ImagesFunction on ImagesApi (rest, stage v1, payload 1.0)',
      'GET /images/{name} → ImagesFunction on ImagesApi (rest, stage v1, payload 1.0)',
      'ANY /{proxy+} → ImagesFunction on ServerlessRestApi (rest, stage Prod, payload 1.0)',
    ]);
    const [implicit, images] = model.apis;
    expect(images).toMatchObject({
      logicalId: 'ImagesApi',
      stageName: 'v1',
      stageVariables: { BUCKET: 'images', VERSION: '2' },
      binaryMediaTypes: ['application/octet-stream', 'image/png', '*/*'],
      cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type', 'X-Api-Key'], exposeHeaders: [], allowCredentials: true, maxAgeSeconds: 600 },
    });
    expect(implicit).toMatchObject({
      logicalId: 'ServerlessRestApi',
      stageName: 'Prod',
      binaryMediaTypes: ['application/octet-stream'],
      cors: { allowOrigins: ['https://example.com'], allowMethods: [], allowCredentials: false },
    });
    expect(model.routes.map((r) => r.apiLogicalId)).toEqual(['ImagesApi', 'ImagesApi', 'ServerlessRestApi']);
  });

  it('gives an HTTP API its named stage and CORS, the $default route to the implicit API, and a 1.0 payload where asked', async () => {
    const model = await readTemplate(fixture('http-api'));
    expect(routeLines(model)).toEqual([
      'GET /orders → OrdersFunction on OrdersApi (http, stage dev, payload 2.0)',
      'ANY /legacy/orders → OrdersFunction on OrdersApi (http, stage dev, payload 1.0)',
      '$default → OrdersFunction on ServerlessHttpApi (http, stage $default, payload 2.0)',
    ]);
    expect(model.routes[2]).toMatchObject({ method: 'ANY', path: '$default', eventName: 'CatchAll' });
    expect(model.apis.find((a) => a.logicalId === 'OrdersApi')).toMatchObject({
      stageName: 'dev',
      stageVariables: { TABLE: 'orders' },
      binaryMediaTypes: [],
      cors: {
        allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'],
        exposeHeaders: ['x-request-id'], allowCredentials: true, maxAgeSeconds: 300,
      },
    });
    expect(model.apis.find((a) => a.logicalId === 'ServerlessHttpApi')!.cors).toEqual({
      allowOrigins: ['*'], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false,
    });
    expect(model.functions[0]!.functionUrl).toEqual({
      authType: 'NONE', invokeMode: 'RESPONSE_STREAM',
      cors: { allowOrigins: ['*'], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false },
    });
  });
});

describe('JSON templates', () => {
  it('reads long-form intrinsics from a JSON template indented with tabs', async () => {
    const model = await readTemplate(fixture('json-longform', 'template.json'));
    expect(model.functions[0]!.environment).toEqual({
      GREETING: 'hello-test',
      SELF_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:JsonFunction',
      TEST_ONLY: 'yes',
      JOINED: 'us-east-1/test',
    });
    expect(routeLines(model)).toEqual(['GET / → JsonFunction on ServerlessHttpApi (http, stage $default, payload 2.0)']);
  });
});
