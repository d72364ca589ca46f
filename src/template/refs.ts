// What `!Ref X` and `!GetAtt X.Attr` give for each resource type: names, typed ARNs and URLs built from the local region and account.
import { createHash } from 'node:crypto';
import type { Pos } from './diagnostics.js';
import { Unresolved, isRecord, type Value } from './values.js';

/** A resource of the template, or one SAM would generate (`HelloFunctionRole`, `ServerlessRestApi`). */
export interface ResourceEntry {
  logicalId: string;
  type: string;
  /** Properties after the Globals merge, intrinsics not yet resolved. */
  properties: Record<string, unknown>;
  /** The resource's `Condition`, if any. */
  condition?: string;
  /** For resources SAM generates: the resource that makes SAM generate it. */
  generatedBy?: string;
  /** Position of the resource's `Properties:` key (or of the resource), for properties it lacks. */
  anchor?: Pos;
}

/** What the type tables need from the resolver. */
export interface RefEnv {
  partition: string;
  region: string;
  accountId: string;
  urlSuffix: string;
  /** The resolved string value of a name property, or the logical id when absent or not a string. */
  name(entry: ResourceEntry, property: string): string;
  /** A resolved property value (for `AWS::SSM::Parameter.Value`). */
  property(entry: ResourceEntry, property: string): Value;
}

interface Names {
  id: string;
  name: string;
  p: string;
  r: string;
  a: string;
  suffix: string;
}

interface TypeRule {
  /** The property holding the physical name; the logical id stands in when it is absent. */
  nameProperty?: string;
  ref?(n: Names): string;
  arn?(n: Names): string;
  attributes?: Record<string, (n: Names) => string>;
}

const functionArn = (n: Names) => `arn:${n.p}:lambda:${n.r}:${n.a}:function:${n.name}`;
const layerArn = (n: Names) => `arn:${n.p}:lambda:${n.r}:${n.a}:layer:${n.name}:1`;
const restApi: TypeRule = { ref: (n) => apiGatewayId(n.id), attributes: { RootResourceId: () => '/' } };
const httpApi: TypeRule = {
  ref: (n) => apiGatewayId(n.id),
  attributes: {
    ApiId: (n) => apiGatewayId(n.id),
    ApiEndpoint: (n) => `https://${apiGatewayId(n.id)}.execute-api.${n.r}.${n.suffix}`,
  },
};
const table = (nameProperty: string): TypeRule => ({
  nameProperty,
  arn: (n) => `arn:${n.p}:dynamodb:${n.r}:${n.a}:table/${n.name}`,
  // A stream label is a creation timestamp; a fixed one keeps the ARN stable and well-formed.
  attributes: { StreamArn: (n) => `arn:${n.p}:dynamodb:${n.r}:${n.a}:table/${n.name}/stream/1970-01-01T00:00:00.000` },
});
const stateMachine = (nameProperty: string): TypeRule => ({
  nameProperty,
  ref: (n) => `arn:${n.p}:states:${n.r}:${n.a}:stateMachine:${n.name}`,
  arn: (n) => `arn:${n.p}:states:${n.r}:${n.a}:stateMachine:${n.name}`,
  attributes: { Name: (n) => n.name },
});

/** Ref and attribute rules per type, from each type's "Return values" section in the CloudFormation reference. */
const TYPES: Record<string, TypeRule> = {
  'AWS::Serverless::Function': { nameProperty: 'FunctionName', arn: functionArn },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', arn: functionArn },
  'AWS::Serverless::LayerVersion': { nameProperty: 'LayerName', ref: layerArn, attributes: { LayerVersionArn: layerArn } },
  'AWS::Lambda::LayerVersion': { nameProperty: 'LayerName', ref: layerArn, attributes: { LayerVersionArn: layerArn } },
  'AWS::Serverless::Api': restApi,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::Serverless::HttpApi': httpApi,
  'AWS::ApiGatewayV2::Api': httpApi,
  'AWS::Serverless::SimpleTable': table('TableName'),
  'AWS::DynamoDB::Table': table('TableName'),
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: (n) => `https://sqs.${n.r}.${n.suffix}/${n.a}/${n.name}`,
    arn: (n) => `arn:${n.p}:sqs:${n.r}:${n.a}:${n.name}`,
    attributes: { QueueName: (n) => n.name, QueueUrl: (n) => `https://sqs.${n.r}.${n.suffix}/${n.a}/${n.name}` },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: (n) => `arn:${n.p}:sns:${n.r}:${n.a}:${n.name}`,
    attributes: { TopicArn: (n) => `arn:${n.p}:sns:${n.r}:${n.a}:${n.name}`, TopicName: (n) => n.name },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    arn: (n) => `arn:${n.p}:s3:::${n.name}`,
    attributes: {
      DomainName: (n) => `${n.name}.s3.${n.suffix}`,
      RegionalDomainName: (n) => `${n.name}.s3.${n.r}.${n.suffix}`,
    },
  },
  'AWS::IAM::Role': { nameProperty: 'RoleName', arn: (n) => `arn:${n.p}:iam::${n.a}:role/${n.name}` },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    ref: (n) => `arn:${n.p}:iam::${n.a}:policy/${n.name}`,
    attributes: { PolicyArn: (n) => `arn:${n.p}:iam::${n.a}:policy/${n.name}` },
  },
  'AWS::Serverless::StateMachine': stateMachine('Name'),
  'AWS::StepFunctions::StateMachine': stateMachine('StateMachineName'),
  'AWS::Kinesis::Stream': { nameProperty: 'Name', arn: (n) => `arn:${n.p}:kinesis:${n.r}:${n.a}:stream/${n.name}` },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    arn: (n) => `arn:${n.p}:events:${n.r}:${n.a}:event-bus/${n.name}`,
    attributes: { Name: (n) => n.name },
  },
  'AWS::Events::Rule': { nameProperty: 'Name', arn: (n) => `arn:${n.p}:events:${n.r}:${n.a}:rule/${n.name}` },
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', arn: (n) => `arn:${n.p}:logs:${n.r}:${n.a}:log-group:${n.name}:*` },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    ref: (n) => `arn:${n.p}:secretsmanager:${n.r}:${n.a}:secret:${n.name}`,
    attributes: { Id: (n) => `arn:${n.p}:secretsmanager:${n.r}:${n.a}:secret:${n.name}` },
  },
  'AWS::SSM::Parameter': { nameProperty: 'Name' },
  'AWS::KMS::Key': { arn: (n) => `arn:${n.p}:kms:${n.r}:${n.a}:key/${n.id}`, attributes: { KeyId: (n) => n.id } },
  'AWS::Cognito::UserPool': {
    ref: (n) => `${n.r}_${n.id}`,
    arn: (n) => `arn:${n.p}:cognito-idp:${n.r}:${n.a}:userpool/${n.r}_${n.id}`,
    attributes: { ProviderName: (n) => `cognito-idp.${n.r}.${n.suffix}/${n.r}_${n.id}` },
  },
};

function names(entry: ResourceEntry, env: RefEnv): Names {
  const rule = TYPES[entry.type];
  const name = rule?.nameProperty ? env.name(entry, rule.nameProperty) : entry.logicalId;
  return { id: entry.logicalId, name, p: env.partition, r: env.region, a: env.accountId, suffix: env.urlSuffix };
}

/** `!Ref X`: the physical name for most types, an ARN or URL where CloudFormation returns one. */
export function refValue(entry: ResourceEntry, env: RefEnv): Value {
  const n = names(entry, env);
  const rule = TYPES[entry.type];
  return rule?.ref ? rule.ref(n) : n.name;
}

/** `!GetAtt X.Attr`: `Arn` for every type (typed by X's real type); other attributes where they are knowable. */
export function attributeValue(entry: ResourceEntry, attribute: string, env: RefEnv): Value {
  const rule = TYPES[entry.type];
  if (entry.type === 'AWS::SSM::Parameter' && attribute === 'Value') return env.property(entry, 'Value');
  const n = names(entry, env);
  const special = rule?.attributes?.[attribute];
  if (special) return special(n);
  if (attribute === 'Arn') return rule?.arn ? rule.arn(n) : genericArn(entry.type, n);
  return new Unresolved(`"${entry.logicalId}.${attribute}" is known only after deployment`);
}

/** For types without a rule: `arn:aws:<service>:<region>:<account>:<type>/<name>`, the common ARN shape. */
function genericArn(type: string, n: Names): string {
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  return `arn:${n.p}:${service.toLowerCase()}:${n.r}:${n.a}:${kind.toLowerCase()}/${n.name}`;
}

/** A stable stand-in for an API Gateway id: 10 lower-case letters and digits derived from the logical id. */
export function apiGatewayId(logicalId: string): string {
  const digest = createHash('sha256').update(logicalId).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

/** `AWS::Partition` for a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `AWS::URLSuffix` for a region (AWS's values; SAM says `localhost`). */
export function urlSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The logical id a raw reference names: `X`, `!Ref X`, `!GetAtt X.Attr` (either spelling). */
export function refTarget(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (!isRecord(raw)) return undefined;
  if (typeof raw.Ref === 'string') return raw.Ref;
  const getAtt = raw['Fn::GetAtt'];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id a raw value names through `Ref`, `Fn::GetAtt` or `${X}` in `Fn::Sub`. */
export function namedIds(raw: unknown, out = new Set<string>()): Set<string> {
  if (typeof raw === 'string') {
    for (const m of raw.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.add(m[1]!);
  } else if (Array.isArray(raw)) {
    for (const item of raw) namedIds(item, out);
  } else if (isRecord(raw)) {
    const target = refTarget(raw);
    if (target !== undefined && (raw.Ref !== undefined || raw['Fn::GetAtt'] !== undefined)) out.add(target);
    for (const value of Object.values(raw)) namedIds(value, out);
  }
  return out;
}
