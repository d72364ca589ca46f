// The Resources section as entries (Globals merged in), plus the resources SAM's transform would add that templates refer to.
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import { mergeGlobals, type GlobalsByType } from './globals.js';
import type { ResourceEntry } from './refs.js';
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API } from './routes.js';
import { isRecord } from './values.js';

export interface ResourceTable {
  /** Template resources and SAM-generated ones, by logical id. */
  resources: Map<string, ResourceEntry>;
  /** Each template resource's raw `Metadata`. */
  metadata: Map<string, unknown>;
  /** The template's own resources, in file order. */
  templateIds: string[];
}

/** Reads each resource: a map with a `Type`; `AWS::Serverless::*` properties get their Globals. */
export function readResources(section: Record<string, unknown>, globals: GlobalsByType, diag: Diagnostics, positions: Positions): ResourceTable {
  const resources = new Map<string, ResourceEntry>();
  const metadata = new Map<string, unknown>();
  for (const [id, resource] of Object.entries(section)) {
    const at = diag.at(positions.entry(section, id), joinPath('Resources', id));
    if (id.startsWith('Fn::ForEach::')) {
      diag.warn(`${at}: Fn::ForEach (AWS::LanguageExtensions) is not expanded locally; the resources it would make are left out`);
      continue;
    }
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      diag.error('EMU_TEMPLATE_BAD_STRUCTURE', at, 'a resource must be a map with a Type');
      continue;
    }
    const rawProps = resource.Properties ?? {};
    if (!isRecord(rawProps)) {
      diag.error('EMU_TEMPLATE_BAD_STRUCTURE', diag.at(positions.entry(resource, 'Properties'), joinPath(joinPath('Resources', id), 'Properties')), 'must be a map');
      continue;
    }
    const { props, meta } = cdkAsset(rawProps, resource.Metadata, positions);
    const properties = resource.Type.startsWith('AWS::Serverless::')
      ? mergeGlobals(globals.get(resource.Type), props, resource.IgnoreGlobals, positions)
      : props;
    const entry: ResourceEntry = { logicalId: id, type: resource.Type, properties };
    const anchor = positions.entry(resource, 'Properties') ?? positions.entry(section, id);
    if (anchor) entry.anchor = anchor;
    if (typeof resource.Condition === 'string') entry.condition = resource.Condition;
    resources.set(id, entry);
    metadata.set(id, meta);
  }
  const templateIds = [...resources.keys()];
  for (const generated of samGeneratedResources([...resources.values()])) {
    if (!resources.has(generated.logicalId)) resources.set(generated.logicalId, generated);
  }
  return { resources, metadata, templateIds };
}

/**
 * CDK output names its local code in Metadata (`aws:asset:path`, and which property it stands for
 * in `aws:asset:property`) while the property itself points at S3. As SAM CLI's
 * ResourceMetadataNormalizer does, the property becomes the local path, and an image asset
 * (`Code.ImageUri`) becomes Dockerfile / DockerContext / DockerBuildArgs metadata to build from.
 */
function cdkAsset(props: Record<string, unknown>, metadata: unknown, positions: Positions): { props: Record<string, unknown>; meta: unknown } {
  if (!isRecord(metadata) || metadata.SamNormalized === true) return { props, meta: metadata };
  const assetPath = metadata['aws:asset:path'];
  const property = metadata['aws:asset:property'];
  if (typeof assetPath !== 'string' || typeof property !== 'string') return { props, meta: metadata };
  const out: Record<string, unknown> = { ...props };
  positions.copyNode(props, out);
  for (const key of Object.keys(props)) positions.copyEntry(props, key, out, key);
  if (property === 'Code.ImageUri') {
    // The image is built from the asset; the ECR URI CDK would push to does not exist locally.
    delete out.Code;
    const meta = {
      ...metadata,
      Dockerfile: typeof metadata['aws:asset:dockerfile-path'] === 'string' ? metadata['aws:asset:dockerfile-path'] : 'Dockerfile',
      DockerContext: assetPath,
      DockerBuildArgs: isRecord(metadata['aws:asset:docker-build-args']) ? metadata['aws:asset:docker-build-args'] : {},
    };
    positions.copyNode(metadata, meta);
    return { props: out, meta };
  }
  // Other dotted properties are not code (SAM CLI would nest them); only a top-level one is replaced.
  if (property.includes('.')) return { props, meta: metadata };
  out[property] = assetPath;
  positions.copyEntry(metadata, 'aws:asset:path', out, property);
  return { props: out, meta: metadata };
}

/** Resource types the reader knows it does not read yet, and what that means for the user. */
export const NOT_READ: Readonly<Record<string, string>> = {
  'AWS::Serverless::Application': 'nested applications are not read; their functions and routes are not served',
  'AWS::CloudFormation::Stack': 'nested stacks are not read; their functions and routes are not served',
};

/** Event types whose `<Function><Event>` resource SAM generates, and that resource's type. */
const EVENT_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  Schedule: 'AWS::Events::Rule',
  CloudWatchEvent: 'AWS::Events::Rule',
  EventBridgeRule: 'AWS::Events::Rule',
  ScheduleV2: 'AWS::Scheduler::Schedule',
  SQS: 'AWS::Lambda::EventSourceMapping',
  Kinesis: 'AWS::Lambda::EventSourceMapping',
  DynamoDB: 'AWS::Lambda::EventSourceMapping',
  MSK: 'AWS::Lambda::EventSourceMapping',
  MQ: 'AWS::Lambda::EventSourceMapping',
  SelfManagedKafka: 'AWS::Lambda::EventSourceMapping',
  DocumentDB: 'AWS::Lambda::EventSourceMapping',
  SNS: 'AWS::SNS::Subscription',
  IoTRule: 'AWS::IoT::TopicRule',
  CloudWatchLogs: 'AWS::Logs::SubscriptionFilter',
};

/**
 * The resources SAM's transform adds that templates commonly refer to (SAM's "generated
 * resources" document): `<Fn>Role`, `<Fn>Url`, `<Fn>Alias<alias>`, `<Fn><Event>`, the implicit
 * APIs and their stages, and explicit APIs' stages. Without them `!GetAtt HelloWorldFunctionRole.Arn`
 * in `sam init`'s Outputs would be an unknown reference.
 */
function samGeneratedResources(entries: ResourceEntry[]): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  const add = (logicalId: string, type: string, owner: ResourceEntry | undefined, properties: Record<string, unknown> = {}) => {
    const entry: ResourceEntry = { logicalId, type, properties };
    if (owner) {
      entry.generatedBy = owner.logicalId;
      if (owner.condition !== undefined) entry.condition = owner.condition;
    }
    out.push(entry);
  };
  let implicitRest = false;
  let implicitHttp = false;
  for (const entry of entries) {
    const p = entry.properties;
    if (entry.type === 'AWS::Serverless::Function') {
      if (p.Role === undefined) add(`${entry.logicalId}Role`, 'AWS::IAM::Role', entry);
      if (p.FunctionUrlConfig !== undefined) add(`${entry.logicalId}Url`, 'AWS::Lambda::Url', entry);
      if (typeof p.AutoPublishAlias === 'string') add(`${entry.logicalId}Alias${p.AutoPublishAlias}`, 'AWS::Lambda::Alias', entry);
      for (const [name, event] of Object.entries(isRecord(p.Events) ? p.Events : {})) {
        if (!isRecord(event)) continue;
        const eventProps = isRecord(event.Properties) ? event.Properties : {};
        if (event.Type === 'Api' && eventProps.RestApiId === undefined) implicitRest = true;
        if (event.Type === 'HttpApi' && eventProps.ApiId === undefined) implicitHttp = true;
        const type = typeof event.Type === 'string' ? EVENT_RESOURCE_TYPES[event.Type] : undefined;
        if (type) add(`${entry.logicalId}${name}`, type, entry);
      }
    } else if (entry.type === 'AWS::Serverless::Api' && typeof p.StageName === 'string') {
      add(`${entry.logicalId}${p.StageName}Stage`, 'AWS::ApiGateway::Stage', entry);
    } else if (entry.type === 'AWS::Serverless::HttpApi') {
      add(typeof p.StageName === 'string' && p.StageName !== '$default' ? `${entry.logicalId}${p.StageName}Stage` : `${entry.logicalId}ApiGatewayDefaultStage`, 'AWS::ApiGatewayV2::Stage', entry);
    } else if (entry.type === 'AWS::Serverless::StateMachine') {
      if (p.Role === undefined) add(`${entry.logicalId}Role`, 'AWS::IAM::Role', entry);
      for (const [name, event] of Object.entries(isRecord(p.Events) ? p.Events : {})) {
        const type = isRecord(event) && typeof event.Type === 'string' ? EVENT_RESOURCE_TYPES[event.Type] : undefined;
        if (!type) continue;
        add(`${entry.logicalId}${name}`, type, entry);
        add(`${entry.logicalId}${name}Role`, 'AWS::IAM::Role', entry);
      }
    }
  }
  if (implicitRest) {
    add(IMPLICIT_REST_API, 'AWS::Serverless::Api', undefined);
    add(`${IMPLICIT_REST_API}ProdStage`, 'AWS::ApiGateway::Stage', undefined);
  }
  if (implicitHttp) {
    add(IMPLICIT_HTTP_API, 'AWS::Serverless::HttpApi', undefined);
    add(`${IMPLICIT_HTTP_API}ApiGatewayDefaultStage`, 'AWS::ApiGatewayV2::Stage', undefined);
  }
  return out;
}
