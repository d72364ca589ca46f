// A Lambda authorizer on the Docker runner: `emulate start-api --runner docker` runs the TOKEN authorizer in its own container
// through the real aws-lambda-ric, before the route's function; a request without a token starts no authorizer container.
import { APIGatewayProxyEventSchema, APIGatewayTokenAuthorizerEventSchema } from '@aws-lambda-powertools/parser/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';
import { LABELS } from '../../src/runners/docker/labels.js';

const ARGS = ['start-api', '-t', 'fixtures/auth/template.yaml', '--runner', 'docker', '--skip-pull-image', '-p', '0'];

/** Containers this emulator process started for one function. */
const containersOf = (pid: number, fn: string) =>
  docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.pid}=${pid}`, `${LABELS.function}=${fn}`] } });

describe.skipIf(!dockerAvailable)('emulate start-api --runner docker with a Lambda TOKEN authorizer', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    await prepareStandIn();
    cli = await startCli(ARGS);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
    if (cli) expect(await docker.listContainers({ all: true, filters: { label: [`${LABELS.pid}=${cli.child.pid}`] } })).toEqual([]);
  });

  it('answers a request without a token with 401 and starts no authorizer container', async () => {
    const res = await fetch(`${cli.url}/Prod/token`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('{"message":"Unauthorized"}');
    expect(await containersOf(cli.child.pid!, 'token-authorizer')).toEqual([]);
  });

  it('allows through the authorizer\'s container: TOKEN event and downstream event validate, context passed on', async () => {
    const res = await fetch(`${cli.url}/Prod/token`, { headers: { authorization: 'allow-docker' } });
    expect(res.status).toBe(200);
    const event = (await res.json()) as { requestContext: { apiId: string; authorizer: Record<string, unknown> } };
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
    const { seen, ...authorizer } = event.requestContext.authorizer;
    expect(authorizer).toEqual({ principalId: 'user-ann', user: 'ann', n: '7', ok: 'true', integrationLatency: expect.any(Number) });
    const tokenEvent = JSON.parse(seen as string) as unknown;
    expect(APIGatewayTokenAuthorizerEventSchema.safeParse(tokenEvent).success).toBe(true);
    expect(tokenEvent).toEqual({ type: 'TOKEN', authorizationToken: 'allow-docker', methodArn: `arn:aws:execute-api:us-east-1:123456789012:${event.requestContext.apiId}/Prod/GET/token` });
    expect(await containersOf(cli.child.pid!, 'token-authorizer')).toHaveLength(1);
  });

  it('answers an explicit Deny with 403 and AWS\'s message', async () => {
    const res = await fetch(`${cli.url}/Prod/token`, { headers: { authorization: 'deny-docker' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('{"message":"User is not authorized to access this resource with an explicit deny"}');
  });
});
