// The Globals section, merged into AWS::Serverless::* resources by SAM's rules (samtranslator/plugins/globals/globals.py).
import { define } from './parse.js';
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import { intrinsicName } from './intrinsics.js';
import { isRecord } from './values.js';

/** Properties each Globals section may set (SAM's `supported_properties`; anything else is an error there too). */
export const GLOBAL_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  Function: [
    'Handler', 'Runtime', 'CodeUri', 'DeadLetterQueue', 'Description', 'MemorySize', 'Timeout', 'VpcConfig',
    'Environment', 'Tags', 'PropagateTags', 'Tracing', 'KmsKeyArn', 'AutoPublishAlias', 'AutoPublishAliasAllProperties',
    'Layers', 'DeploymentPreference', 'RolePath', 'PermissionsBoundary', 'ReservedConcurrentExecutions',
    'ProvisionedConcurrencyConfig', 'AssumeRolePolicyDocument', 'EventInvokeConfig', 'FileSystemConfigs',
    'CodeSigningConfigArn', 'Architectures', 'SnapStart', 'EphemeralStorage', 'FunctionUrlConfig',
    'RuntimeManagementConfig', 'LoggingConfig', 'RecursiveLoop', 'SourceKMSKeyArn', 'TenancyConfig', 'DurableConfig',
    'CapacityProviderConfig', 'FunctionScalingConfig', 'PublishToLatestPublished', 'VersionDeletionPolicy',
  ],
  // StageName is not among them: SAM cannot apply it to implicit APIs.
  Api: [
    'Auth', 'Name', 'DefinitionUri', 'CacheClusterEnabled', 'CacheClusterSize', 'MergeDefinitions', 'Variables',
    'EndpointConfiguration', 'MethodSettings', 'BinaryMediaTypes', 'MinimumCompressionSize', 'Cors',
    'GatewayResponses', 'AccessLogSetting', 'CanarySetting', 'TracingEnabled', 'OpenApiVersion', 'Domain',
    'AlwaysDeploy', 'PropagateTags', 'SecurityPolicy', 'EndpointAccessMode',
  ],
  HttpApi: [
    'Auth', 'AccessLogSettings', 'StageVariables', 'Tags', 'CorsConfiguration', 'DefaultRouteSettings', 'Domain',
    'RouteSettings', 'FailOnWarnings', 'PropagateTags',
  ],
  SimpleTable: ['SSESpecification'],
  StateMachine: ['PropagateTags'],
  LayerVersion: ['PublishLambdaVersion'],
  CapacityProvider: ['VpcConfig', 'OperatorRole', 'Tags', 'InstanceRequirements', 'ScalingConfig', 'KmsKeyArn', 'PropagateTags'],
  WebSocketApi: [
    'AccessLogSettings', 'ApiKeySelectionExpression', 'DefaultRouteSettings', 'DisableExecuteApiEndpoint',
    'DisableSchemaValidation', 'Domain', 'FailOnWarnings', 'IpAddressType', 'PropagateTags', 'RouteSelectionExpression',
    'RouteSettings', 'StageVariables', 'Tags',
  ],
};

/** The Globals section, checked: resource type (`AWS::Serverless::Function`) → global properties. */
export type GlobalsByType = Map<string, Record<string, unknown>>;

export function readGlobals(section: unknown, diag: Diagnostics, positions: Positions): GlobalsByType {
  const result: GlobalsByType = new Map();
  if (section === undefined || section === null) return result;
  if (!isRecord(section)) {
    diag.error('EMU_TEMPLATE_BAD_STRUCTURE', diag.at(positions.of(section), 'Globals'), 'must be a map of sections (Function, Api, HttpApi, …)');
    return result;
  }
  for (const [name, properties] of Object.entries(section)) {
    const at = diag.at(positions.entry(section, name), joinPath('Globals', name));
    const supported = GLOBAL_PROPERTIES[name];
    if (!supported) {
      diag.error('EMU_TEMPLATE_BAD_STRUCTURE', at, `"${name}" is not a Globals section; the sections are ${Object.keys(GLOBAL_PROPERTIES).join(', ')}`);
      continue;
    }
    if (!isRecord(properties)) {
      diag.error('EMU_TEMPLATE_BAD_STRUCTURE', at, 'must be a map of properties');
      continue;
    }
    for (const key of Object.keys(properties)) {
      if (!supported.includes(key)) {
        const keyAt = diag.at(positions.entry(properties, key), joinPath(joinPath('Globals', name), key));
        diag.error('EMU_TEMPLATE_BAD_STRUCTURE', keyAt, `"${key}" cannot be set in Globals.${name}`);
      }
    }
    result.set(`AWS::Serverless::${name}`, properties);
  }
  return result;
}

/**
 * Merges global properties under a resource's own, as SAM does: the resource wins for scalars and
 * for values of different kinds; maps merge key by key (recursively); lists concatenate, global
 * entries first. An intrinsic counts as a scalar. `IgnoreGlobals` (`"*"` or a list of names)
 * leaves global properties out. Positions follow the values that are kept.
 */
export function mergeGlobals(
  globals: Record<string, unknown> | undefined,
  local: Record<string, unknown>,
  ignore: unknown,
  positions: Positions,
): Record<string, unknown> {
  if (!globals || ignore === '*') return local;
  const skip = new Set(Array.isArray(ignore) ? ignore.filter((x): x is string => typeof x === 'string') : []);
  const applied: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(globals)) {
    if (skip.has(key)) continue;
    define(applied, key, value);
    positions.copyEntry(globals, key, applied, key);
  }
  positions.copyNode(local, applied);
  return merge(applied, local, positions) as Record<string, unknown>;
}

type Kind = 'scalar' | 'map' | 'list';

function kindOf(value: unknown): Kind {
  if (Array.isArray(value)) return 'list';
  if (isRecord(value) && !intrinsicName(value)) return 'map';
  return 'scalar';
}

function merge(global: unknown, local: unknown, positions: Positions): unknown {
  const kind = kindOf(global);
  if (kind !== kindOf(local) || kind === 'scalar') return local;
  if (kind === 'list') {
    const g = global as unknown[];
    const l = local as unknown[];
    const out = [...g, ...l];
    positions.copyNode(l, out);
    g.forEach((_, i) => positions.copyEntry(g, i, out, i));
    l.forEach((_, i) => positions.copyEntry(l, i, out, g.length + i));
    return out;
  }
  const g = global as Record<string, unknown>;
  const l = local as Record<string, unknown>;
  const out: Record<string, unknown> = { ...g };
  positions.copyNode(l, out);
  for (const key of Object.keys(g)) positions.copyEntry(g, key, out, key);
  for (const [key, value] of Object.entries(l)) {
    define(out, key, Object.hasOwn(g, key) ? merge(g[key], value, positions) : value);
    positions.copyEntry(l, key, out, key);
  }
  return out;
}
