// Property tests of the template reader: random CloudFormation-ish templates (YAML with short-form tags, JSON, mutated text, garbage) give a model or one coded EmulatorError, never another exception, never a hang.
import fc from 'fast-check';
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRequest, stagePrefix } from '../../apigw/index.js';
import { EmulatorError } from '../../src/core/errors.js';
import { TemplateErrors, parseTemplate, type ParseTemplateOptions, type TemplateModel } from '../../src/template/index.js';
import { PROTOTYPE_KEYS, mixedText, runs } from './fuzz.js';

// ---------------------------------------------------------------------------------------------
// A template as a tree: plain JSON-like values plus short-form tags, emitted as YAML or JSON.

class Tagged {
  constructor(
    readonly tag: string,
    readonly value: Tree,
  ) {}
}
type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree } | Tagged;

const LONG_FORM: Record<string, string> = {
  '!Ref': 'Ref', '!Condition': 'Condition', '!Sub': 'Fn::Sub', '!GetAtt': 'Fn::GetAtt', '!Join': 'Fn::Join', '!If': 'Fn::If',
  '!Equals': 'Fn::Equals', '!And': 'Fn::And', '!Or': 'Fn::Or', '!Not': 'Fn::Not', '!Select': 'Fn::Select', '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap', '!Base64': 'Fn::Base64', '!ImportValue': 'Fn::ImportValue', '!GetAZs': 'Fn::GetAZs', '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform', '!Length': 'Fn::Length', '!ToJsonString': 'Fn::ToJsonString',
};

/** The long form of a tree (what a JSON template says): `!Ref X` is `{ "Ref": "X" }`; an unknown tag keeps its name as the key. */
function longForm(tree: Tree): unknown {
  if (tree instanceof Tagged) return { [LONG_FORM[tree.tag] ?? tree.tag.slice(1)]: longForm(tree.value) };
  if (Array.isArray(tree)) return tree.map(longForm);
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) Object.defineProperty(out, k, { value: longForm(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return tree;
}

/** YAML text of a tree: collections in block or flow style as `flow` says, tags kept in short form. */
function yamlText(tree: Tree, flow: readonly boolean[]): string {
  const doc = new Document();
  let n = 0;
  const node = (t: Tree): YamlNode => {
    if (t instanceof Tagged) {
      const inner = node(t.value);
      inner.tag = t.tag;
      return inner;
    }
    if (Array.isArray(t)) {
      const seq = new YAMLSeq();
      seq.flow = flow[n++ % flow.length] ?? false;
      for (const item of t) seq.items.push(node(item));
      return seq;
    }
    if (t !== null && typeof t === 'object') {
      const map = new YAMLMap();
      map.flow = flow[n++ % flow.length] ?? false;
      for (const [k, v] of Object.entries(t)) map.items.push(new Pair(new Scalar(k), node(v)));
      return map;
    }
    return new Scalar(t);
  };
  const root = node(tree);
  if (root instanceof YAMLMap) root.flow = false;
  doc.contents = root;
  return doc.toString({ lineWidth: 0 });
}

/** Builds an object without `__proto__`'s setter, so that a generated `__proto__` key is an own key. */
function record(entries: Array<[string, Tree]>): { [key: string]: Tree } {
  const out: { [key: string]: Tree } = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
const dict = (key: fc.Arbitrary<string>, value: fc.Arbitrary<Tree>, maxKeys = 3) => fc.array(fc.tuple(key, value), { maxLength: maxKeys }).map(record);

// ---------------------------------------------------------------------------------------------
// Names and values. References are drawn from the same names as the things they refer to, so
// that they resolve often, and miss, loop and collide now and then.

const NAMES = ['Fn', 'Fn2', 'Api', 'Http', 'Layer', 'Table', 'Stage', 'IsProd', 'Env', 'Map', 'Url', 'ServerlessRestApi', 'ServerlessHttpApi', 'FnRole', 'Fn.Arn', 'Fn.Alias', 'Api.Stage', 'Api.Deployment', ''] as const;
const PSEUDO = ['AWS::Region', 'AWS::NoValue', 'AWS::AccountId', 'AWS::StackName', 'AWS::StackId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::NotificationARNs'] as const;
const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) }, { weight: 1, arbitrary: mixedText(6) });
const refName = fc.oneof({ weight: 4, arbitrary: name }, { weight: 2, arbitrary: fc.constantFrom(...PSEUDO) });
const attribute = fc.constantFrom('Arn', 'Name', 'StreamArn', 'RootResourceId', 'ApiEndpoint', 'FunctionUrl', 'Version', 'LayerVersionArn', 'Alias', '', 'constructor');
/** Keys of maps the reader does not know: anything, now and then with a line break or a prototype name. */
const anyKey = fc.oneof({ weight: 5, arbitrary: mixedText(6) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'a\nb', 'Fn::ForEach::Loop', 'Fn::Sub', 'Ref', '<<', '') });

const stringScalar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('nodejs22.x', 'python3.13', 'provided.al2023', 'java21', 'app.handler', 'src/', 'code.zip', 's3://bucket/key.zip', '/hello', '/{proxy+}', '/items/{id}', 'get', 'ANY', 'x-amazon-apigateway-any-method', 'x86_64', 'arm64', 'Zip', 'Image', '1.0', '2.0', 'true', 'false', '', '*', 'image/png', 'image~1png', '*~1*', 'Prod', '$default', 'NONE', 'AWS_IAM', 'BUFFERED', 'Text', 'JSON', '10.0.0.0/16', 'a,b,c', '${Fn.Arn}', '${AWS::Region}-${Stage}', '${!Literal}', '${', 'arn:aws:lambda:us-east-1:123456789012:layer:x:1') },
  { weight: 2, arbitrary: name },
  { weight: 2, arbitrary: mixedText(12) },
);
const scalar: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 6, arbitrary: stringScalar },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constantFrom(0, 3, 128, 900, 901, 10240, 1e21, -0, 0.5, 2 ** 53 + 1)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A template value of bounded depth: scalars, lists, maps and every intrinsic with right or wrong arguments. */
function value(depth: number): fc.Arbitrary<Tree> {
  if (depth <= 0) return scalar;
  const v = value(depth - 1);
  const list = fc.array(v, { maxLength: 3 });
  const tag = (t: string, arb: fc.Arbitrary<Tree>) => arb.map((x) => new Tagged(t, x));
  const intrinsic = fc.oneof(
    tag('!Ref', refName),
    tag('!GetAtt', fc.oneof(fc.tuple(name, attribute).map(([n, a]) => `${n}.${a}`), fc.tuple(name, fc.oneof(attribute, v)).map(([n, a]) => [n, a] as Tree))),
    tag('!Sub', fc.oneof(fc.array(fc.oneof(refName.map((n) => `\${${n}}`), fc.tuple(name, attribute).map(([n, a]) => `\${${n}.${a}}`), mixedText(4), fc.constantFrom('${!x}', '${ AWS::Region }', '$', '${}')), { maxLength: 4 }).map((parts) => parts.join('')), fc.tuple(stringScalar, dict(name, v)).map(([s, m]) => [s, m] as Tree))),
    tag('!If', fc.tuple(name, v, v).map((t) => t as Tree[])),
    tag('!Join', fc.tuple(fc.oneof(fc.constantFrom('', ',', '-'), v), fc.oneof(list, v)).map((t) => t as Tree[])),
    tag('!Select', fc.tuple(fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom('0', '1', 'x')), fc.oneof(list, v)).map((t) => t as Tree[])),
    tag('!Split', fc.tuple(fc.oneof(fc.constant(','), v), v).map((t) => t as Tree[])),
    tag('!FindInMap', fc.array(fc.oneof(name, v), { minLength: 2, maxLength: 4 })),
    tag('!Base64', v),
    tag('!Equals', fc.array(v, { maxLength: 3 })),
    tag('!And', fc.array(v, { maxLength: 3 })),
    tag('!Or', fc.array(v, { maxLength: 3 })),
    tag('!Not', fc.array(v, { maxLength: 2 })),
    tag('!Condition', fc.oneof(name, v)),
    tag('!ImportValue', v),
    tag('!GetAZs', fc.oneof(fc.constantFrom('', 'us-west-2'), v)),
    tag('!Cidr', fc.tuple(fc.oneof(fc.constantFrom('10.0.0.0/16', '10.0.0.0/33', '300.1.1.1/8', '::/64', 'x'), v), fc.oneof(fc.integer({ min: -1, max: 300 }), v), fc.oneof(fc.integer({ min: -1, max: 40 }), v)).map((t) => t as Tree[])),
    tag('!Transform', v),
    tag('!Length', v),
    tag('!ToJsonString', v),
  );
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 3, arbitrary: intrinsic },
    { weight: 1, arbitrary: list },
    { weight: 1, arbitrary: dict(anyKey, v) },
  );
}
const v2 = value(2);
const v1 = value(1);

/** Properties of a resource: known names with plausible values, or with any value at all. */
function properties(plausible: Record<string, fc.Arbitrary<Tree>>, maxKeys = 6): fc.Arbitrary<{ [key: string]: Tree }> {
  const names = Object.keys(plausible);
  return fc
    .array(fc.tuple(fc.constantFrom(...names), fc.boolean(), v2), { maxLength: maxKeys })
    .chain((picked) => (picked.length === 0 ? fc.constant([] as Array<[string, Tree]>) : fc.tuple(...picked.map(([k, good, any]) => (good ? plausible[k]!.map((x) => [k, x] as [string, Tree]) : fc.constant([k, any] as [string, Tree]))))))
    .chain((entries) => fc.option(fc.tuple(anyKey, v1), { nil: undefined }).map((extra) => record(extra ? [...entries, extra] : entries)));
}

const ref = (arb: fc.Arbitrary<string> = name) => arb.map((n) => new Tagged('!Ref', n) as Tree);
const path = fc.oneof(fc.constantFrom('/', '/hello', '/hello/{name}', '/{proxy+}', '/a/{b}/{c+}', 'hello', '/a//b', '/{x}/{x}', '/{}', '$default'), mixedText(8).map((s) => `/${s}`));
const method = fc.constantFrom('get', 'GET', 'post', 'ANY', 'any', 'x-amazon-apigateway-any-method', 'FETCH', '', 'options');
const cors = fc.oneof(
  fc.constantFrom("'*'", "'https://a.example'", '*', true as Tree),
  fc.record({ AllowOrigin: fc.constantFrom("'*'", '*', "'a,b'"), AllowMethods: fc.constantFrom("'GET,POST'", "'*'", "'FETCH'"), AllowHeaders: v1, AllowCredentials: fc.oneof(fc.boolean(), v1), MaxAge: fc.oneof(fc.constantFrom("'600'", 600), v1) }, { requiredKeys: [] }),
  fc.record({ AllowOrigins: fc.oneof(fc.array(fc.constantFrom('*', 'https://a.example'), { maxLength: 2 }), v1), AllowMethods: fc.oneof(fc.array(method, { maxLength: 3 }), v1), AllowHeaders: v1, ExposeHeaders: v1, AllowCredentials: v1, MaxAge: v1 }, { requiredKeys: [] }),
);
const event = fc.record(
  {
    Type: fc.oneof(fc.constantFrom('Api', 'HttpApi', 'S3', 'SQS', 'Schedule', 'DynamoDB', 'EventBridgeRule', 'CloudWatchEvent'), fc.constantFrom(...PROTOTYPE_KEYS), mixedText(5)),
    Properties: fc.oneof(
      properties({ Path: path, Method: method, RestApiId: ref(), ApiId: ref(), PayloadFormatVersion: fc.constantFrom('1.0', '2.0', 2, 1.0, '3.0'), Auth: v1, TimeoutInMillis: v1, RouteSettings: v1, Stage: v1 }),
      v1,
    ),
  },
  { requiredKeys: [] },
);
const runtime = fc.constantFrom('nodejs22.x', 'nodejs20.x', 'python3.13', 'java21', 'provided.al2023', 'ruby3.3', 'dotnet8', 'go1.x', 'nodejs4.3', 'cobol');
const FUNCTION: Record<string, fc.Arbitrary<Tree>> = {
  CodeUri: fc.oneof(fc.constantFrom('src/', '.', 'code.zip', 'app.jar', 's3://b/k.zip', '../outside', '/abs/path'), fc.record({ Bucket: v1, Key: v1, Version: v1 }, { requiredKeys: [] })),
  Handler: fc.constantFrom('app.handler', 'index.lambdaHandler', 'bootstrap', ''),
  Runtime: runtime,
  Events: dict(name, event, 3),
  Environment: fc.record({ Variables: dict(fc.oneof(mixedText(6), fc.constantFrom(...PROTOTYPE_KEYS)), v1, 3) }),
  Layers: fc.array(fc.oneof(ref(), fc.constantFrom('arn:aws:lambda:us-east-1:123456789012:layer:x:1', 'not-an-arn')), { maxLength: 2 }),
  Timeout: fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.constantFrom('3', '3s', 0.5)),
  MemorySize: fc.oneof(fc.integer({ min: 0, max: 11000 }), fc.constantFrom('128', 'big')),
  Architectures: fc.oneof(fc.constantFrom<Tree>(['x86_64'], ['arm64'], ['x86_64', 'arm64'], [], ['mips']), v1),
  FunctionName: fc.oneof(stringScalar, v1),
  PackageType: fc.constantFrom('Zip', 'Image', 'zip', 'Docker'),
  ImageUri: fc.constantFrom('repo:tag', 'public.ecr.aws/lambda/nodejs:22', ''),
  ImageConfig: fc.record({ Command: v1, EntryPoint: v1, WorkingDirectory: v1 }, { requiredKeys: [] }),
  FunctionUrlConfig: fc.record({ AuthType: fc.constantFrom('NONE', 'AWS_IAM', 'OPEN'), InvokeMode: fc.constantFrom('BUFFERED', 'RESPONSE_STREAM', 'X'), Cors: cors }, { requiredKeys: [] }),
  AutoPublishAlias: fc.constantFrom('live', ''),
  Tracing: fc.constantFrom('Active', 'PassThrough', 'Disabled'),
  LoggingConfig: fc.record({ LogFormat: fc.constantFrom('Text', 'JSON', 'XML'), ApplicationLogLevel: v1, SystemLogLevel: v1, LogGroup: v1 }, { requiredKeys: [] }),
  EphemeralStorage: fc.record({ Size: fc.oneof(fc.integer({ min: 0, max: 20000 }), v1) }),
  ReservedConcurrentExecutions: fc.oneof(fc.integer({ min: -1, max: 2_000_000 }), v1),
  InlineCode: fc.oneof(fc.constantFrom('exports.handler = async () => 1;', ''), v1),
  Policies: v1,
};
const LAMBDA_FUNCTION: Record<string, fc.Arbitrary<Tree>> = {
  Code: fc.record({ ZipFile: v1, S3Bucket: v1, S3Key: v1, ImageUri: v1 }, { requiredKeys: [] }),
  Handler: FUNCTION.Handler!, Runtime: runtime, PackageType: FUNCTION.PackageType!, Environment: FUNCTION.Environment!, FunctionName: FUNCTION.FunctionName!,
  TracingConfig: fc.record({ Mode: fc.constantFrom('Active', 'PassThrough') }), Layers: FUNCTION.Layers!, Timeout: FUNCTION.Timeout!,
};
const definitionBody = fc.record({ paths: dict(path, dict(method, fc.record({ 'x-amazon-apigateway-integration': fc.record({ uri: fc.oneof(fc.constantFrom('arn'), v1), type: fc.constantFrom('aws_proxy', 'mock'), payloadFormatVersion: v1 }, { requiredKeys: [] }) }, { requiredKeys: [] }), 2), 2), 'x-amazon-apigateway-binary-media-types': v1 }, { requiredKeys: [] });
const API: Record<string, fc.Arbitrary<Tree>> = {
  StageName: fc.constantFrom('Prod', 'dev', '$default', '', 'a/b', 'v1'),
  Cors: cors,
  BinaryMediaTypes: fc.array(fc.constantFrom('image~1png', '*~1*', 'image/*', 'application~1octet-stream', ''), { maxLength: 3 }),
  Variables: dict(mixedText(5), v1),
  DefinitionBody: definitionBody,
  DefinitionUri: fc.constantFrom('openapi.yaml', 's3://b/o.yaml'),
  Auth: v1,
  Name: stringScalar,
};
const HTTP_API: Record<string, fc.Arbitrary<Tree>> = {
  StageName: API.StageName!, StageVariables: API.Variables!, CorsConfiguration: cors, DefinitionBody: definitionBody, Auth: v1,
};
const LAYER: Record<string, fc.Arbitrary<Tree>> = { ContentUri: FUNCTION.CodeUri!, Content: v1, CompatibleRuntimes: fc.array(runtime, { maxLength: 2 }), LayerName: stringScalar };
const URL_PROPS: Record<string, fc.Arbitrary<Tree>> = {
  TargetFunctionArn: fc.oneof(ref(), name.map((n) => new Tagged('!GetAtt', `${n}.Arn`) as Tree)), AuthType: fc.constantFrom('NONE', 'AWS_IAM', 'X'), Cors: cors, InvokeMode: fc.constantFrom('BUFFERED', 'X'), Qualifier: v1,
};
const BY_TYPE: Record<string, Record<string, fc.Arbitrary<Tree>>> = {
  'AWS::Serverless::Function': FUNCTION,
  'AWS::Lambda::Function': LAMBDA_FUNCTION,
  'AWS::Serverless::Api': API,
  'AWS::Serverless::HttpApi': HTTP_API,
  'AWS::Serverless::LayerVersion': LAYER,
  'AWS::Lambda::LayerVersion': LAYER,
  'AWS::Lambda::Url': URL_PROPS,
};
const OTHER_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Serverless::SimpleTable', 'AWS::Serverless::StateMachine', 'AWS::Serverless::Application', 'AWS::CloudFormation::Stack', 'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::IAM::Role'];

const resource: fc.Arbitrary<Tree> = fc
  .oneof({ weight: 6, arbitrary: fc.constantFrom(...Object.keys(BY_TYPE)) }, { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), mixedText(8)) })
  .chain((type) =>
    fc.record(
      {
        Type: fc.oneof({ weight: 9, arbitrary: fc.constant(type as Tree) }, { weight: 1, arbitrary: v1 }),
        Properties: fc.oneof({ weight: 9, arbitrary: properties(Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type]! : { Name: stringScalar, Arn: v1 }) }, { weight: 1, arbitrary: v1 }),
        Condition: fc.oneof(name, v1),
        Metadata: fc.oneof(fc.record({ DockerContext: fc.constantFrom('.', 'img'), Dockerfile: fc.constantFrom('Dockerfile', ''), DockerTag: v1, SamResourceId: stringScalar, 'aws:asset:path': stringScalar, 'aws:asset:property': fc.constantFrom('Code', 'CodeUri', 'Content') }, { requiredKeys: [] }), v1),
        DependsOn: fc.oneof(name, v1),
        IgnoreGlobals: fc.oneof(fc.constantFrom('*', ['Runtime']), v1),
      },
      { requiredKeys: ['Type'] },
    ),
  );

const parameter = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        Type: fc.constantFrom('String', 'Number', 'CommaDelimitedList', 'List<Number>', 'AWS::SSM::Parameter::Value<String>', 'AWS::EC2::VPC::Id', 'Bogus'),
        Default: fc.oneof(stringScalar, fc.integer(), v1),
        AllowedValues: fc.oneof(fc.array(stringScalar, { maxLength: 3 }), v1),
        AllowedPattern: fc.oneof(fc.constantFrom('[a-z]+', '.*', '\\d+', '(', '[', ')', '\\', 'a{2,1}', '(?<n>x)', '*', '(?=a)', '[z-a]', '\\k<x>'), mixedText(6)),
        MinLength: fc.oneof(fc.integer({ min: -1, max: 5 }), v1),
        MaxLength: fc.oneof(fc.integer({ min: -1, max: 5 }), v1),
        MinValue: v1,
        MaxValue: v1,
        NoEcho: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: v1 },
);
const condition: fc.Arbitrary<Tree> = fc.oneof(
  fc.tuple(v1, v1).map(([a, b]) => new Tagged('!Equals', [a, b])),
  fc.array(name.map((n) => new Tagged('!Condition', n) as Tree), { maxLength: 3 }).map((cs) => new Tagged('!And', cs)),
  fc.array(name.map((n) => new Tagged('!Condition', n) as Tree), { maxLength: 3 }).map((cs) => new Tagged('!Or', cs)),
  name.map((n) => new Tagged('!Not', [new Tagged('!Condition', n)])),
  v2,
);
const globals = fc.oneof(
  { weight: 4, arbitrary: fc.record({ Function: properties(FUNCTION, 4), Api: properties(API, 3), HttpApi: properties(HTTP_API, 3), SimpleTable: v1, Bogus: v1 }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: v1 },
);

const template: fc.Arbitrary<Tree> = fc.record(
  {
    AWSTemplateFormatVersion: fc.constantFrom('2010-09-09', '2010-09-09' as Tree, 1),
    Transform: fc.oneof(fc.constantFrom('AWS::Serverless-2016-10-31', ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']), v1),
    Parameters: fc.oneof({ weight: 4, arbitrary: dict(name, parameter, 3) }, { weight: 1, arbitrary: v1 }),
    Conditions: fc.oneof({ weight: 4, arbitrary: dict(name, condition, 3) }, { weight: 1, arbitrary: v1 }),
    Mappings: fc.oneof({ weight: 4, arbitrary: dict(name, dict(fc.oneof(refName, mixedText(4)), dict(mixedText(4), v1, 2), 2), 2) }, { weight: 1, arbitrary: v1 }),
    Globals: globals,
    Resources: fc.oneof({ weight: 9, arbitrary: dict(name, resource, 5) }, { weight: 1, arbitrary: v1 }),
    Outputs: dict(mixedText(5), fc.record({ Value: v1 }), 2),
  },
  { requiredKeys: ['Resources'] },
);

// A second generator stays close to templates people write (explicit APIs, functions with API
// events, layers, parameters, a condition, Globals), then breaks a few values at random: most
// runs reach the end of the reader and give a model, so route and function reading is covered too.

const sub = (s: string) => new Tagged('!Sub', s);
const plausibleValue = fc.oneof(
  fc.constantFrom<Tree>('text', '', 'a b', new Tagged('!Ref', 'Stage'), new Tagged('!Ref', 'AWS::Region'), sub('${AWS::StackName}-${Stage}'), sub('${Table.Arn}'), new Tagged('!GetAtt', 'Table.Arn'), new Tagged('!Ref', 'Table'), new Tagged('!If', ['IsProd', 'yes', new Tagged('!Ref', 'AWS::NoValue')]), new Tagged('!Join', ['-', ['a', new Tagged('!Ref', 'Stage')]]), new Tagged('!Select', [1, new Tagged('!Split', [',', 'a,b,c'])]), new Tagged('!FindInMap', ['Sizes', new Tagged('!Ref', 'Stage'), 'Memory']), new Tagged('!ImportValue', 'Shared')),
  mixedText(8),
);
const routePath = fc.oneof(fc.constantFrom<string>('/', '/hello', '/hello/{name}', '/{proxy+}', '/items/{id}/parts/{part}', '/a/b/c', '/hello/', '/a//b', '/{id}/{id}', '/{proxy+}/x', '/x/{proxy+}'), mixedText(5).filter((s) => !/[{}/]/.test(s)).map((s) => `/${s}`), fc.constantFrom('/%41', '/a%2Fb', '/ü', '/a b', '/a+b'));
const routeMethod = fc.constantFrom('get', 'post', 'ANY', 'put', 'delete', 'patch', 'head', 'options', 'x-amazon-apigateway-any-method');
const apiEvent = fc.record({ Type: fc.constant<Tree>('Api'), Properties: fc.record({ Path: routePath, Method: routeMethod, RestApiId: fc.constantFrom<Tree>(new Tagged('!Ref', 'RestApi'), new Tagged('!Ref', 'RestApi2')) }, { requiredKeys: ['Path', 'Method'] }) });
const httpEvent = fc.record({ Type: fc.constant<Tree>('HttpApi'), Properties: fc.record({ Path: routePath, Method: routeMethod, ApiId: fc.constant<Tree>(new Tagged('!Ref', 'HttpApi')), PayloadFormatVersion: fc.constantFrom('1.0', '2.0') }, { requiredKeys: ['Path', 'Method'] }) }, { requiredKeys: ['Type'] });
const plausibleFunction = fc.record(
  {
    Type: fc.constant<Tree>('AWS::Serverless::Function'),
    Properties: fc.record(
      {
        CodeUri: fc.constantFrom('src/', 'code.zip', 's3://bucket/code.zip'),
        Handler: fc.constantFrom('app.handler', 'index.lambdaHandler'),
        Runtime: fc.constantFrom('nodejs22.x', 'python3.13', 'java21', 'provided.al2023'),
        Timeout: fc.oneof(fc.integer({ min: 1, max: 900 }), fc.constant<Tree>(new Tagged('!Ref', 'Timeout'))),
        MemorySize: fc.integer({ min: 128, max: 10240 }),
        FunctionName: fc.oneof(fc.constantFrom('named-fn', ''), fc.constant<Tree>(sub('${Stage}-fn'))),
        Environment: fc.record({ Variables: dict(fc.oneof(fc.constantFrom('TABLE', 'STAGE', 'A_B'), fc.constantFrom(...PROTOTYPE_KEYS)), plausibleValue, 3) }),
        Events: dict(fc.oneof(fc.constantFrom('Get', 'Post', 'Any'), fc.constantFrom(...PROTOTYPE_KEYS)), fc.oneof(apiEvent, httpEvent), 3),
        Layers: fc.constant<Tree>([new Tagged('!Ref', 'Layer')]),
        FunctionUrlConfig: fc.record({ AuthType: fc.constantFrom('NONE', 'AWS_IAM'), Cors: fc.record({ AllowOrigins: fc.constant<Tree>(['*']) }) }, { requiredKeys: ['AuthType'] }),
        AutoPublishAlias: fc.constant('live'),
        Architectures: fc.constantFrom<Tree>(['x86_64'], ['arm64']),
      },
      { requiredKeys: ['CodeUri', 'Handler', 'Runtime'] },
    ),
    Condition: fc.constant('IsProd'),
  },
  { requiredKeys: ['Type', 'Properties'] },
);
const plausibleTemplate: fc.Arbitrary<Tree> = fc
  .record({
    functions: fc.array(fc.tuple(fc.oneof(fc.constantFrom('Hello', 'Items', 'Fn'), fc.constantFrom(...PROTOTYPE_KEYS)), plausibleFunction), { minLength: 1, maxLength: 3 }),
    restStage: fc.constantFrom<Tree>('Prod', 'dev', 'v1', new Tagged('!Ref', 'Stage')),
    restCors: fc.option(fc.constantFrom<Tree>("'*'", { AllowOrigin: "'https://a.example'", AllowMethods: "'GET,POST'", AllowCredentials: true }), { nil: undefined }),
    binary: fc.option(fc.constantFrom<Tree>(['image~1png'], ['*~1*'], ['application~1octet-stream', 'image~1*']), { nil: undefined }),
    httpStage: fc.option(fc.constantFrom<Tree>('$default', 'v2', new Tagged('!Ref', 'Stage')), { nil: undefined }),
    httpCors: fc.option(fc.constantFrom<Tree>(true, { AllowOrigins: ['https://a.example'], AllowMethods: ['GET'], MaxAge: 60 }), { nil: undefined }),
    stageDefault: fc.constantFrom('dev', 'prod', 'v1'),
    globals: fc.option(fc.record({ Function: fc.record({ Timeout: fc.integer({ min: 1, max: 900 }), Runtime: fc.constant('nodejs22.x'), Environment: fc.constant<Tree>({ Variables: { GLOBAL: 'yes' } }) }, { requiredKeys: [] }) }), { nil: undefined }),
  })
  .map((t) => {
    const restProps: { [key: string]: Tree } = { StageName: t.restStage };
    if (t.restCors !== undefined) restProps.Cors = t.restCors;
    if (t.binary !== undefined) restProps.BinaryMediaTypes = t.binary;
    const httpProps: { [key: string]: Tree } = {};
    if (t.httpStage !== undefined) httpProps.StageName = t.httpStage;
    if (t.httpCors !== undefined) httpProps.CorsConfiguration = t.httpCors;
    const tree: { [key: string]: Tree } = {
      AWSTemplateFormatVersion: '2010-09-09',
      Transform: 'AWS::Serverless-2016-10-31',
      Parameters: { Stage: { Type: 'String', Default: t.stageDefault, AllowedValues: ['dev', 'prod', 'v1'] }, Timeout: { Type: 'Number', Default: '10' } },
      Conditions: { IsProd: new Tagged('!Equals', [new Tagged('!Ref', 'Stage'), 'prod']) },
      Mappings: { Sizes: { dev: { Memory: 128 }, prod: { Memory: 1024 }, v1: { Memory: 256 } } },
      Resources: record([
        ['RestApi', { Type: 'AWS::Serverless::Api', Properties: restProps }],
        ['RestApi2', { Type: 'AWS::Serverless::Api', Properties: { StageName: 'two' } }],
        ['HttpApi', { Type: 'AWS::Serverless::HttpApi', Properties: httpProps }],
        ['Layer', { Type: 'AWS::Serverless::LayerVersion', Properties: { ContentUri: 'layer/' } }],
        ['Table', { Type: 'AWS::DynamoDB::Table', Properties: {} }],
        ...t.functions,
      ]),
    };
    if (t.globals !== undefined) tree.Globals = t.globals;
    return tree as Tree;
  });

/** Replaces the `at`-th node of a tree (pre-order) by `by`. */
function replaceNode(tree: Tree, at: number, by: Tree): Tree {
  let i = 0;
  const walk = (t: Tree): Tree => {
    if (i++ === at) return by;
    if (t instanceof Tagged) return new Tagged(t.tag, walk(t.value));
    if (Array.isArray(t)) return t.map(walk);
    if (t !== null && typeof t === 'object') return record(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    return t;
  };
  return walk(tree);
}
const broken = fc
  .tuple(plausibleTemplate, fc.array(fc.tuple(fc.nat({ max: 200 }), v1), { maxLength: 2 }))
  .map(([tree, edits]) => edits.reduce((t, [at, by]) => replaceNode(t, at, by), tree));

/** How the tree becomes text: YAML with short-form tags in block or flow style, or JSON (long forms). */
const asText = (tree: fc.Arbitrary<Tree>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(tree, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })).map(([t, flow]) => yamlText(t, flow)) },
    { weight: 1, arbitrary: fc.tuple(tree, fc.constantFrom(0, 2, '\t')).map(([t, indent]) => JSON.stringify(longForm(t), null, indent)) },
  );

/** Small edits that break text in the ways people do: cut, insert YAML punctuation, duplicate or swap lines. */
const SNIPPETS = [':', ': ', '- ', '!Ref ', '!Sub ', '!Bogus ', '{', '}', '[', ']', '"', "'", '\t', '\n', '\n  ', '&a ', '*a', '<<: *a', '%YAML 1.1\n', '---\n', '...\n', '# x', '? ', '|', '>', '\\', ',', '\u0000', '\ufeff', 'é', '${'];
const edit = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 })).map(([at, len]) => (t: string) => { const i = at % (t.length + 1); return t.slice(0, i) + t.slice(i + len); }),
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 4 }))).map(([at, s]) => (t: string) => { const i = at % (t.length + 1); return t.slice(0, i) + s + t.slice(i); }),
  fc.nat().map((at) => (t: string) => { const lines = t.split('\n'); const i = at % lines.length; lines.splice(i, 0, lines[i]!); return lines.join('\n'); }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (t: string) => { const lines = t.split('\n'); const i = a % lines.length; const j = b % lines.length; [lines[i], lines[j]] = [lines[j]!, lines[i]!]; return lines.join('\n'); }),
);
const mutated = fc.tuple(asText(template), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => edits.reduce((t, e) => e(t), text));
const garbage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.array(fc.constantFrom(...SNIPPETS, 'Resources', 'Type', 'Properties', 'AWS::Serverless::Function', 'Fn', '  ', '\n'), { maxLength: 40 }).map((p) => p.join('')),
);

const options: fc.Arbitrary<ParseTemplateOptions> = fc
  .record(
    {
      parameterOverrides: fc.oneof(
        fc.constantFrom('Stage=prod', 'ParameterKey=Stage,ParameterValue=dev Env=x', 'Stage="a b"', "Stage='unterminated", 'bad', 'A=1=2', '=x', 'Fn=\\ '),
        mixedText(20),
        dict(fc.oneof(name, mixedText(4)), fc.oneof(mixedText(6), fc.constantFrom('1', ''))).map((m) => m as Record<string, string>),
      ),
      region: fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1', 'eu-west-1', '', 'not a region'),
      accountId: fc.constantFrom('123456789012', '', 'x'),
    },
    { requiredKeys: [] },
  )
  .map((o) => ({ templatePath: 'fuzz.yaml', ...o }));

// ---------------------------------------------------------------------------------------------
// The properties.

/** Parses, and says how it went: a model, or the error (with the time it took either way). */
function attempt(text: string, opts: ParseTemplateOptions): { model?: TemplateModel; error?: unknown; ms: number } {
  const started = performance.now();
  try {
    const model = parseTemplate(text, opts);
    return { model, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** The reader's contract: a usable model, or one coded EmulatorError whose message is one line per error. */
function checkOutcome(text: string, { model, error, ms }: ReturnType<typeof attempt>): void {
  expect(ms, 'the reader answers within a second').toBeLessThan(1000);
  const textHasObject = text.includes('[object');
  if (error !== undefined) {
    if (!(error instanceof EmulatorError)) throw new Error(`the reader threw ${(error as Error)?.name ?? typeof error} instead of an EmulatorError: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    expect(error.code.startsWith('EMU_TEMPLATE_'), `code ${error.code}`).toBe(true);
    expect(error.message.trim(), 'the message is not empty').not.toBe('');
    const singles = error instanceof TemplateErrors ? error.errors : [error];
    if (error instanceof TemplateErrors) {
      expect(error.errors.length).toBeGreaterThan(1);
      expect(error.message.split('\n'), 'a header line, then one line per error').toHaveLength(error.errors.length + 1);
    }
    for (const single of singles) {
      expect(single.message, 'each error is one line').not.toMatch(/[\r\n]/);
      expect(single.message.trim()).not.toBe('');
      if (!textHasObject) expect(single.message, 'no value is printed as [object Object]').not.toContain('[object Object]');
    }
    return;
  }
  const m = model!;
  const json = JSON.stringify(m);
  if (!textHasObject) expect(json, 'no value in the model is [object Object]').not.toContain('[object Object]');
  const functionNames = new Set(m.functions.map((f) => f.functionName));
  const apiIds = new Set(m.apis.map((a) => a.logicalId));
  for (const f of m.functions) {
    expect(typeof f.functionName === 'string' && f.functionName !== '', 'a function has a name').toBe(true);
    expect(Number.isInteger(f.timeoutSeconds) && f.timeoutSeconds >= 1 && f.timeoutSeconds <= 900, `Timeout ${f.timeoutSeconds}`).toBe(true);
    expect(Number.isInteger(f.memorySizeMb) && f.memorySizeMb >= 128 && f.memorySizeMb <= 10240, `MemorySize ${f.memorySizeMb}`).toBe(true);
    if (f.packageType === 'Zip') expect(typeof f.runtime === 'string' && typeof f.handler === 'string', 'a Zip function has a runtime and a handler').toBe(true);
    for (const [k, val] of Object.entries(f.environment)) expect(typeof val, `environment ${k}`).toBe('string');
  }
  for (const r of m.routes) {
    expect(functionNames.has(r.functionName), `route ${r.routeKey} names function ${r.functionName}`).toBe(true);
    expect(apiIds.has(r.apiLogicalId), `route ${r.routeKey} names API ${r.apiLogicalId}`).toBe(true);
    expect(r.path === '$default' || r.path.startsWith('/'), `route path ${r.path}`).toBe(true);
    expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']).toContain(r.method);
  }
  for (const w of m.warnings) expect(w, 'each warning is one line').not.toMatch(/[\r\n]/);
  // What the reader accepts, the gateway can serve: the route table compiles, and each route alone
  // answers a request for its own path (parameters written literally) under its stage.
  compileRoutes(m.apis, m.routes);
  for (const r of m.routes) {
    // Static segments percent-encoded as a client sends them; `{param}` → `p`, `{greedy+}` → `g/h`.
    const below = r.path === '$default' ? '/' : r.path.split('/').map((seg) => (/^\{.+\+\}$/.test(seg) ? 'g/h' : /^\{.+\}$/.test(seg) ? 'p' : encodeURIComponent(seg))).join('/');
    const url = `${stagePrefix(m.apis.find((a) => a.logicalId === r.apiLogicalId)!)}${below}`;
    const method = r.method === 'ANY' ? 'GET' : r.method;
    const match = matchRequest(compileRoutes(m.apis, [r]), method, url);
    expect(match.kind, `${method} ${url} reaches route ${r.routeKey} of ${r.apiLogicalId}`).toBe('integration');
  }
}

describe('the template reader under random input', () => {
  it('reads random CloudFormation-ish templates (YAML with short-form tags, or JSON) into a model or one coded EmulatorError', () => {
    fc.assert(
      fc.property(asText(template), options, (text, opts) => checkOutcome(text, attempt(text, opts))),
      runs(400),
    );
  });

  it('reads plausible SAM templates with a few values broken into a model or one coded EmulatorError, and serves what it reads', () => {
    let models = 0;
    let routes = 0;
    fc.assert(
      fc.property(asText(broken), (text) => {
        const outcome = attempt(text, { templatePath: 'fuzz.yaml' });
        checkOutcome(text, outcome);
        if (outcome.model) {
          models++;
          routes += outcome.model.routes.length;
        }
      }),
      runs(400),
    );
    // The generator must keep reaching the end of the reader, or this property tests little.
    expect(models, 'templates read into a model').toBeGreaterThan(runs(400).numRuns! / 5);
    expect(routes, 'routes read').toBeGreaterThan(0);
  });

  it('keeps every environment variable a function or Globals declares, whatever its name (the function\'s value wins)', () => {
    const envName = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) });
    const vars = fc.array(fc.tuple(envName, fc.stringMatching(/^[A-Za-z0-9 ._-]{0,10}$/)), { maxLength: 4 }).map(record);
    fc.assert(
      fc.property(vars, fc.option(vars, { nil: undefined }), fc.boolean(), (own, global, json) => {
        const tree: Tree = {
          ...(global ? { Globals: { Function: { Environment: { Variables: global } } } } : {}),
          Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'src/', Handler: 'app.handler', Runtime: 'nodejs22.x', Environment: { Variables: own } } } },
        };
        const text = json ? JSON.stringify(longForm(tree)) : yamlText(tree, [false]);
        const expected = new Map<string, string>([...Object.entries(global ?? {}), ...Object.entries(own)] as Array<[string, string]>);
        const { environment } = parseTemplate(text, { templatePath: 'fuzz.yaml' }).functions[0]!;
        expect(Object.keys(environment).sort(), 'variable names').toEqual([...expected.keys()].sort());
        for (const [k, v] of expected) expect(Object.hasOwn(environment, k) && environment[k], `variable ${k}`).toBe(v);
      }),
      runs(200),
    );
  });

  it('answers mutated templates (cut, punctuation inserted, lines moved) with a model or one coded EmulatorError', () => {
    fc.assert(
      fc.property(mutated, (text) => checkOutcome(text, attempt(text, { templatePath: 'fuzz.yaml' }))),
      runs(400),
    );
  });

  it('answers garbage text with a model or one coded EmulatorError', () => {
    fc.assert(
      fc.property(garbage, (text) => checkOutcome(text, attempt(text, { templatePath: 'fuzz.yaml' }))),
      runs(300),
    );
  });

  it('reads a template whose anchors and aliases nest (a "billion laughs") in bounded time', () => {
    // Each level is a list of `fanout` aliases of the level below: the text grows linearly, the tree geometrically.
    const bomb = fc
      .record({ depth: fc.integer({ min: 1, max: 6 }), fanout: fc.integer({ min: 2, max: 10 }), where: fc.constantFrom('Metadata', 'Outputs', 'Mappings') })
      .filter(({ depth, fanout }) => fanout ** depth <= 200_000)
      .map(({ depth, fanout, where }) => {
        const lines = [`${where}:`, `  l0: &l0 [${Array(fanout).fill('x').join(', ')}]`];
        for (let i = 1; i <= depth; i++) lines.push(`  l${i}: &l${i} [${Array(fanout).fill(`*l${i - 1}`).join(', ')}]`);
        lines.push('Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs22.x }');
        return lines.join('\n');
      });
    fc.assert(
      fc.property(bomb, (text) => {
        const outcome = attempt(text, { templatePath: 'fuzz.yaml' });
        expect(outcome.ms, `a ${text.length}-byte template is read within a second`).toBeLessThan(1000);
        if (outcome.error !== undefined) expect(outcome.error).toBeInstanceOf(EmulatorError);
      }),
      // A failing run costs seconds: report the first one without shrinking.
      runs(60, { endOnFailure: true }),
    );
  });
});
