// The one list of template features emulate does not carry out: each becomes one `file:line:col: Property.Path: what will happen` line; those that make a function unrunnable are also marked blocking.
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import type { ResourceEntry } from './refs.js';
import { isRecord } from './values.js';

/** Function properties that are read but not carried out locally, and what happens instead. */
const FUNCTION_PROPERTIES: Readonly<Record<string, string>> = {
  ProvisionedConcurrencyConfig: 'provisioned concurrency is not emulated; environments start on demand (cold starts included)',
  SnapStart: 'SnapStart is not emulated; every cold start runs the init phase',
  VpcConfig: 'no VPC is attached; the function reaches the network of the host (or the Docker network)',
  FileSystemConfigs: 'EFS is not mounted; the LocalMountPath does not exist in the environment',
  DeploymentPreference: 'gradual deployment (CodeDeploy traffic shifting, hooks, alarms) is not emulated; the code as written serves every invocation',
  AutoPublishAlias: 'no version or alias is published locally; the function is invoked by its name and runs the code as written',
  AutoPublishCodeSha256: 'no version is published locally',
  VersionDescription: 'no version is published locally',
  DeadLetterQueue: 'asynchronous failures are not sent to the dead-letter queue',
  EventInvokeConfig: 'asynchronous invocation destinations and retry settings are not carried out',
  DestinationConfig: 'asynchronous invocation destinations are not carried out',
  CodeSigningConfigArn: 'code signing is not checked',
  KmsKeyArn: 'environment variables are not encrypted locally',
  RuntimeManagementConfig: 'the runtime version is the local one; the update mode is ignored',
  RecursiveLoop: 'recursive-loop detection is not emulated',
};

/** Event types served locally (Api/HttpApi routes); every other one is reported. */
const SERVED_EVENTS = new Set(['Api', 'HttpApi']);

/** `Metadata: BuildMethod` values run as written (no build needed for an interpreted runtime's own method). */
const RUNTIME_METHOD = /^(nodejs|python)\d/;

export interface UnsupportedReport {
  /** Features that make a function unrunnable: the start fails unless `allowUnsupported` is set. */
  blocking: string[];
}

/**
 * Reports every feature of the template's active functions that emulate does not carry out, as a warning
 * (and as blocking when the function cannot run as it would in Lambda). Authorizers (`Auth`) are left to their own reader.
 */
export function reportUnsupported(functionEntries: readonly ResourceEntry[], metadata: ReadonlyMap<string, unknown>, diag: Diagnostics, positions: Positions): UnsupportedReport {
  const blocking: string[] = [];
  for (const entry of functionEntries) {
    const base = `Resources.${entry.logicalId}.Properties`;
    const p = entry.properties;
    const at = (keys: (string | number)[], pathBase = base, root: unknown = p) => diag.at(positions.locate(root, keys) ?? entry.anchor, keys.reduce<string>((s, k) => joinPath(s, k), pathBase));
    for (const [key, what] of Object.entries(FUNCTION_PROPERTIES)) {
      if (p[key] === undefined) continue;
      diag.warn(`${at([key])}: ${what}`);
    }
    if (isRecord(p.Events)) {
      for (const [name, event] of Object.entries(p.Events)) {
        if (!isRecord(event) || typeof event.Type !== 'string' || SERVED_EVENTS.has(event.Type)) continue;
        diag.warn(`${at(['Events', name, 'Type'])}: ${event.Type} events are not triggered locally; use \`emulate invoke ${entry.logicalId}\` with a sample event (or start-lambda and the AWS SDK)`);
      }
    }
    const meta = metadata.get(entry.logicalId);
    if (isRecord(meta) && typeof meta.BuildMethod === 'string' && meta.BuildMethod !== 'esbuild') {
      const place = diag.at(positions.entry(meta, 'BuildMethod'), `Resources.${entry.logicalId}.Metadata.BuildMethod`);
      if (RUNTIME_METHOD.test(meta.BuildMethod)) {
        diag.warn(`${place}: "${meta.BuildMethod}" (sam build's dependency install) is not run; the code folder is served as written, so its dependencies must already be installed there`);
      } else {
        const line = `${place}: BuildMethod "${meta.BuildMethod}" is not run (emulate builds only esbuild); the function "${entry.logicalId}" would run unbuilt source — run \`sam build\` and serve .aws-sam/build/template.yaml, or pass --allow-unsupported`;
        diag.warn(line);
        blocking.push(line);
      }
    }
  }
  return { blocking };
}
