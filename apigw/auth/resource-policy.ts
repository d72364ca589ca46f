// A REST API's resource policy on the caller's source IP (SAM Auth.ResourcePolicy IpRangeWhitelist / IpRangeBlacklist).
// As API Gateway evaluates it ("How API Gateway resource policies affect authorization workflow"): an explicit deny refuses
// before any authorizer runs; a caller no Allow matches (implicit deny) is refused only where no authorizer can allow it.
import { BlockList, isIP } from 'node:net';
import type { SourceIpPolicy } from '../../src/core/auth.js';
import { GATEWAY_RESPONSES } from './answers.js';
import { executeApiArn } from './events.js';
import type { AuthDeny, AuthRequestView } from './types.js';

function blockList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, bits] = range.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

const compiled = new WeakMap<SourceIpPolicy, { allow: BlockList; deny: BlockList }>();

/**
 * A refusal when the policy denies `view.sourceIp`: explicitly (a blacklist range), or implicitly (outside every whitelist
 * range) on a route without an authorizer (an authorizer's Allow outweighs an implicit deny in AWS's outcome tables).
 */
export function checkSourceIp(policy: SourceIpPolicy, view: AuthRequestView, hasAuthorizer: boolean): AuthDeny | undefined {
  let lists = compiled.get(policy);
  if (!lists) compiled.set(policy, (lists = { allow: blockList(policy.allow), deny: blockList(policy.deny) }));
  const type = isIP(view.sourceIp) === 6 ? 'ipv6' : 'ipv4';
  const resource = executeApiArn(view);
  if (lists.deny.check(view.sourceIp, type)) return GATEWAY_RESPONSES.resourcePolicyDeny(resource, true, `resource policy: ${view.sourceIp} is in IpRangeBlacklist`);
  if (!hasAuthorizer && policy.allow.length > 0 && !lists.allow.check(view.sourceIp, type)) return GATEWAY_RESPONSES.resourcePolicyDeny(resource, false, `resource policy: ${view.sourceIp} is in no IpRangeWhitelist range`);
  return undefined;
}
