// Function code sources, function URLs, OpenAPI routes and APIs left out by conditions.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../src/template/index.js';
import { fixture, fixtureDir, fn, inline, inlineError } from './helpers.js';

const header = 'Transform: AWS::Serverless-2016-10-31\n';

describe('function code', () => {
  it('reads a .zip CodeUri as an archive and leaves out a function whose code is in S3, with a warning', async () => {
    const model = await readTemplate(fixture('archive'));
    expect(model.functions.map((f) => [f.logicalId, f.code])).toEqual([
      ['ZippedFunction', { kind: 'archive', path: path.join(fixtureDir('archive'), 'function.zip') }],
    ]);
    expect(model.warnings).toEqual([
      `${fixture('archive')}:16:7: Resources.S3Function.Properties.CodeUri: CodeUri "s3://my-bucket/code.zip" is in S3, which cannot be read locally; function "S3Function" is left out`,
    ]);
  });

  it('uses the template directory when a Zip function names no code, as SAM CLI does', () => {
    const model = inline(`${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: a.b, Runtime: nodejs22.x }\n`);
    expect(model.functions[0]!.code).toEqual({ kind: 'directory', path: path.resolve('.') });
  });

  it('lets InlineCode win over a CodeUri from Globals', () => {
    const model = inline(`${header}Globals:\n  Function:\n    CodeUri: src/\nResources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties: { InlineCode: x, Handler: index.handler, Runtime: nodejs22.x }\n`);
    expect(model.functions[0]!.code).toEqual({ kind: 'inline', source: 'x' });
  });

  it('runs InlineCode', () => {
    const model = inline(`${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: "exports.handler = async () => 1"\n      Handler: index.handler\n      Runtime: nodejs22.x\n`);
    expect(model.functions[0]!.code).toEqual({ kind: 'inline', source: 'exports.handler = async () => 1' });
  });

  it.each<[string, string, unknown]>([
    ['a local path', 'Code: ./lib', { kind: 'directory', path: path.resolve('lib') }],
    ['ZipFile', 'Code: { ZipFile: "def handler(e, c): return 1" }', { kind: 'inline', source: 'def handler(e, c): return 1' }],
  ])('reads the Code of an AWS::Lambda::Function given as %s', (_what, code, expected) => {
    const model = inline(`Resources:\n  Plain:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      ${code}\n`);
    expect(model.functions[0]!.code).toEqual(expected);
  });

  it('leaves out an AWS::Lambda::Function whose Code is in S3, with a warning', () => {
    const model = inline('Resources:\n  Plain:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      Code: { S3Bucket: b, S3Key: k }\n');
    expect(model.functions).toEqual([]);
    expect(model.warnings).toEqual(['inline.yaml:7:7: Resources.Plain.Properties.Code: Code is an S3 location (bucket "b"), which cannot be read locally; function "Plain" is left out']);
  });

  it('reads CDK output: the local asset path stands for Code, and an image asset is built from its Dockerfile', () => {
    const model = inline(`Resources:
  ZipFn:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        S3Bucket: !Sub cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}
        S3Key: 0a1b.zip
      Handler: index.handler
      Runtime: nodejs22.x
    Metadata:
      aws:cdk:path: Stack/ZipFn/Resource
      aws:asset:path: asset.0a1b
      aws:asset:property: Code
  ImageFn:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Code:
        ImageUri: !Sub \${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/cdk-container-assets:9f8e
    Metadata:
      aws:asset:path: asset.9f8e
      aws:asset:dockerfile-path: Dockerfile.lambda
      aws:asset:docker-build-args: { STAGE: dev }
      aws:asset:property: Code.ImageUri
`);
    expect(model.functions.map((f) => f.code)).toEqual([
      { kind: 'directory', path: path.resolve('asset.0a1b') },
      { kind: 'image', build: { contextDir: path.resolve('asset.9f8e'), dockerfile: 'Dockerfile.lambda', buildArgs: { STAGE: 'dev' } } },
    ]);
  });

  it('rejects two functions with the same name', () => {
    expect(inlineError(`${header}Resources:\n${fn('First', 'FunctionName: shared')}\n${fn('Second', 'FunctionName: shared')}\n`))
      .toBe('inline.yaml:16:7: Resources.Second.Properties.FunctionName: "shared" is already the name of First');
  });

  it('warns that nested stacks are not read, and that a RestApi without methods serves nothing', () => {
    const model = inline(`${header}Resources:\n  Child:\n    Type: AWS::Serverless::Application\n    Properties: { Location: ./child.yaml }\n  Rest:\n    Type: AWS::ApiGateway::RestApi\n    Properties: { Name: r }\n`);
    expect(model.warnings).toEqual([
      'inline.yaml:3:3: Resources.Child: nested applications are not read; their functions and routes are not served',
      'inline.yaml:8:17: Resources.Rest.Properties: no AWS::ApiGateway::Stage or Deployment with a StageName deploys this API; it is served under the stage "Prod"',
      'inline.yaml:6:3: Resources.Rest: no route is served: none of this template\'s APIs has a route emulate can serve (see the lines above)',
    ]);
  });

  it('keeps FunctionName as the name and the logical id beside it', () => {
    const model = inline(`${header}Resources:\n${fn('Hello', 'FunctionName: !Sub "${AWS::StackName}-hello"')}\n`);
    expect(model.functions[0]).toMatchObject({ logicalId: 'Hello', functionName: 'local-hello', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local-hello' });
  });

  it('reads LoggingConfig', () => {
    const model = inline(`${header}Resources:\n${fn('Hello', 'LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: DEBUG, LogGroup: /custom }')}\n`);
    expect(model.functions[0]!.logging).toEqual({ logFormat: 'JSON', applicationLogLevel: 'DEBUG', logGroup: '/custom' });
  });

  it('gives a function the URL an AWS::Lambda::Url aims at it', () => {
    const model = inline(`${header}Resources:\n${fn('Hello')}\n  HelloUrl:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Hello.Arn\n      AuthType: AWS_IAM\n`);
    expect(model.functions[0]!.functionUrl).toEqual({ authType: 'AWS_IAM', invokeMode: 'BUFFERED' });
  });
});

describe('routes', () => {
  it('serves the Lambda-proxy paths of an inline OpenAPI DefinitionBody, with its binary media types', () => {
    const model = inline(`${header}Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
      DefinitionBody:
        openapi: "3.0.1"
        x-amazon-apigateway-binary-media-types: [image~1jpeg]
        paths:
          /pets:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Pets.Arn}/invocations
          /health:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: mock
${fn('Pets')}
`);
    expect(model.routes.map((r) => `${r.routeKey} ${r.apiLogicalId} ${r.functionLogicalId}`)).toEqual(['GET /pets Api Pets']);
    expect(model.apis.map((a) => `${a.logicalId} ${a.stageName}`)).toEqual(['Api live']);
    expect(model.apis[0]!.binaryMediaTypes).toEqual(['image/jpeg']);
  });

  it('does not serve events of an API its condition leaves out, and says so', () => {
    const model = inline(`${header}Conditions:
  Never: !Equals [a, b]
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Condition: Never
${fn('Hello', 'Events:', '  Get:', '    Type: HttpApi', '    Properties:', '      ApiId: !Ref Api', '      Path: /x', '      Method: GET')}
`);
    expect(model.routes).toEqual([]);
    expect(model.apis).toEqual([]);
    expect(model.warnings).toEqual(['inline.yaml:18:13: Resources.Hello.Properties.Events.Get.Properties.ApiId: API "Api" is left out by its condition; the route is not served']);
  });

  it('reads PayloadFormatVersion written as a number', () => {
    const model = inline(`${header}Resources:\n${fn('Hello', 'Events:', '  Get:', '    Type: HttpApi', '    Properties: { Path: /x, Method: GET, PayloadFormatVersion: 1.0 }')}\n`);
    expect(model.routes[0]!.payloadFormatVersion).toBe('1.0');
  });

  it('turns CORS on from a parameter\'s "true"', () => {
    const model = inline(`${header}Parameters:\n  Cors: { Type: String, Default: "true" }\nResources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties: { CorsConfiguration: !Ref Cors }\n`);
    expect(model.apis[0]!.cors?.allowOrigins).toEqual(['*']);
  });

  it('gives routes of different APIs their own CORS', () => {
    const model = inline(`${header}Resources:
  Open:
    Type: AWS::Serverless::HttpApi
    Properties: { CorsConfiguration: true }
  Closed:
    Type: AWS::Serverless::HttpApi
${fn('Hello', 'Events:', '  A: { Type: HttpApi, Properties: { ApiId: !Ref Open, Path: /a, Method: GET } }', '  B: { Type: HttpApi, Properties: { ApiId: !Ref Closed, Path: /b, Method: GET } }')}
`);
    const corsOf = (id: string) => model.apis.find((a) => a.logicalId === id)?.cors?.allowOrigins;
    expect(model.routes.map((r) => [r.path, corsOf(r.apiLogicalId)])).toEqual([['/a', ['*']], ['/b', undefined]]);
  });
});
