// Checks every Ref, Fn::GetAtt, Fn::Sub placeholder, condition name, map name and DependsOn of the template, like CloudFormation's validation.
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import { intrinsicName, subPlaceholders } from './intrinsics.js';
import { isRecord } from './values.js';
import type { ResourceEntry } from './refs.js';

/** The pseudo parameters CloudFormation defines. */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition',
  'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);

export interface ReferenceScope {
  diag: Diagnostics;
  positions: Positions;
  parameters: ReadonlySet<string>;
  resources: ReadonlyMap<string, ResourceEntry>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

/**
 * Reports each reference to something the template does not define, wherever it is (also in
 * resources the emulator never runs and in branches a condition leaves out): such a template
 * would not deploy, so it is better said early than half-served.
 */
export function checkReferences(root: Record<string, unknown>, scope: ReferenceScope): void {
  const check = new Checker(scope);
  const resources = isRecord(root.Resources) ? root.Resources : {};
  for (const [id, resource] of Object.entries(resources)) {
    if (!isRecord(resource)) continue;
    const base = joinPath('Resources', id);
    if (typeof resource.Condition === 'string') check.conditionName(resource.Condition, resource, 'Condition', joinPath(base, 'Condition'));
    const dependsOn = typeof resource.DependsOn === 'string' ? [resource.DependsOn] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [];
    dependsOn.forEach((dep, i) => {
      if (typeof dep === 'string' && !scope.resources.has(dep)) {
        const at = scope.diag.at(scope.positions.entry(Array.isArray(resource.DependsOn) ? resource.DependsOn : resource, Array.isArray(resource.DependsOn) ? i : 'DependsOn'), joinPath(base, 'DependsOn'));
        scope.diag.error('EMU_TEMPLATE_UNKNOWN_REFERENCE', at, 'DependsOn', dep, 'a resource');
      }
    });
    check.walk(resource.Properties, joinPath(base, 'Properties'), false);
    check.walk(resource.Metadata, joinPath(base, 'Metadata'), false);
  }
  const conditions = scope.conditions;
  for (const [name, body] of Object.entries(conditions)) check.walk(body, joinPath('Conditions', name), true);
  const outputs = isRecord(root.Outputs) ? root.Outputs : {};
  for (const [name, output] of Object.entries(outputs)) {
    if (!isRecord(output)) continue;
    const base = joinPath('Outputs', name);
    if (typeof output.Condition === 'string') check.conditionName(output.Condition, output, 'Condition', joinPath(base, 'Condition'));
    check.walk(output.Value, joinPath(base, 'Value'), false);
    check.walk(output.Export, joinPath(base, 'Export'), false);
  }
}

class Checker {
  constructor(private readonly scope: ReferenceScope) {}

  walk(node: unknown, path: string, inCondition: boolean): void {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => this.walk(item, joinPath(path, i), inCondition));
      return;
    }
    const record = node as Record<string, unknown>;
    const fn = intrinsicName(node);
    if (fn) this.intrinsic(fn, record[fn], node, path);
    else if (inCondition && Object.keys(record).length === 1 && typeof record.Condition === 'string') {
      this.conditionName(record.Condition, node, undefined, path);
      return;
    }
    for (const [key, value] of Object.entries(record)) this.walk(value, fn ? path : joinPath(path, key), inCondition);
  }

  conditionName(name: string, holder: object, key: string | undefined, path: string): void {
    if (Object.hasOwn(this.scope.conditions, name)) return;
    const pos = key ? this.scope.positions.entry(holder, key) : this.scope.positions.of(holder);
    this.scope.diag.error('EMU_TEMPLATE_UNKNOWN_REFERENCE', this.scope.diag.at(pos, path), 'Condition', name, 'a condition');
  }

  private intrinsic(fn: string, arg: unknown, node: object, path: string): void {
    switch (fn) {
      case 'Ref':
        if (typeof arg === 'string' && !this.refExists(arg)) this.unknown(node, path, 'Ref', arg, 'a parameter, resource or pseudo parameter');
        break;
      case 'Fn::GetAtt': {
        // A malformed GetAtt (no dot) is the resolver's to report, with its shape.
        const target = typeof arg === 'string' ? (arg.includes('.') ? arg.split('.')[0] : undefined) : Array.isArray(arg) ? arg[0] : undefined;
        if (typeof target === 'string' && !this.scope.resources.has(target)) this.unknown(node, path, 'Fn::GetAtt', target, 'a resource');
        break;
      }
      case 'Fn::Sub': {
        const template = Array.isArray(arg) ? arg[0] : arg;
        const variables = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {};
        if (typeof template !== 'string') break;
        for (const { literal, name } of subPlaceholders(template)) {
          if (literal || Object.hasOwn(variables, name)) continue;
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const target = name.slice(0, name.indexOf('.'));
            if (!this.scope.resources.has(target)) this.unknown(node, path, 'Fn::Sub', target, 'a resource');
          } else if (!this.refExists(name)) {
            this.unknown(node, path, 'Fn::Sub', name, 'a parameter, resource or pseudo parameter');
          }
        }
        break;
      }
      case 'Fn::If':
        if (Array.isArray(arg) && typeof arg[0] === 'string') this.conditionName(arg[0], node, undefined, path);
        break;
      case 'Fn::FindInMap':
        if (Array.isArray(arg) && typeof arg[0] === 'string' && !Object.hasOwn(this.scope.mappings, arg[0])) {
          this.unknown(node, path, 'Fn::FindInMap', arg[0], 'a map in Mappings');
        }
        break;
    }
  }

  private refExists(name: string): boolean {
    if (PSEUDO_PARAMETERS.has(name) || this.scope.parameters.has(name) || this.scope.resources.has(name)) return true;
    // SAM's `Fn.Alias` / `Fn.Version` and `Api.Stage` / `Api.Deployment` / `Api.DomainName` forms.
    const dot = name.indexOf('.');
    const type = dot > 0 ? this.scope.resources.get(name.slice(0, dot))?.type : undefined;
    return type === 'AWS::Serverless::Function' || type === 'AWS::Serverless::Api' || type === 'AWS::Serverless::HttpApi';
  }

  private unknown(node: object, path: string, what: string, name: string, expected: string): void {
    const at = this.scope.diag.at(this.scope.positions.of(node), path);
    this.scope.diag.error('EMU_TEMPLATE_UNKNOWN_REFERENCE', at, what, name, expected);
  }
}
