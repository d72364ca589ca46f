// The template reader's side of access control: every SAM Auth shape read into each route's RouteAuth, every shape it
// cannot enforce refused at start-up with file, line, column and property (a silent pass would open a route AWS protects).
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../src/template/index.js';
import { fn, inline, inlineError } from './helpers.js';

const header = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";

/** A template with one API of `type` whose Properties are `api` lines, one authorizer function, and one route event. */
function template(type: 'Api' | 'HttpApi', api: string[], event: string[] = [], extra = ''): string {
  const apiType = type === 'Api' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi';
  const ref = type === 'Api' ? 'RestApiId' : 'ApiId';
  return [
    header + 'Resources:',
    '  MyApi:',
    `    Type: ${apiType}`,
    '    Properties:',
    ...(type === 'Api' ? ['      StageName: Prod'] : []),
    ...api.map((l) => `      ${l}`),
    fn('Authorizer'),
    fn('Handler', 'Events:', '  Get:', `    Type: ${type}`, '    Properties:', `      ${ref}: !Ref MyApi`, '      Path: /pets', '      Method: get', ...event.map((l) => `      ${l}`)),
    extra,
  ].join('\n');
}

describe('reading Auth', () => {
  it('reads every authorizer kind of fixtures/auth onto its routes, NONE and ApiKeyRequired included', async () => {
    const model = await readTemplate('fixtures/auth/template.yaml', { parameterOverrides: 'Issuer=https://issuer.test' });
    const auth = Object.fromEntries(model.routes.map((r) => [r.path, r.auth]));
    expect(auth['/token']).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', authorizer: { kind: 'lambda-token', name: 'TokenAuth', functionName: 'token-authorizer', header: 'Authorization', reauthorizeEverySeconds: 2 } });
    expect(auth['/request/{id}']!.authorizer).toEqual({ kind: 'lambda-request', name: 'RequestAuth', functionName: 'request-authorizer', apiKind: 'rest', payloadFormatVersion: '1.0', enableSimpleResponses: false, identitySources: ['method.request.header.Authorization'], reauthorizeEverySeconds: 0 });
    expect(auth['/cognito']!.authorizer).toEqual({ kind: 'cognito', name: 'CognitoAuth', userPoolArns: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123'], header: 'Authorization' });
    expect(auth['/open']).toBeUndefined();
    expect(auth['/keyed']).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', apiKeyRequired: true });
    expect(auth['/simple']!.authorizer).toMatchObject({ kind: 'lambda-request', apiKind: 'http', payloadFormatVersion: '2.0', enableSimpleResponses: true, identitySources: ['$request.header.Authorization'] });
    expect(auth['/policy']).toMatchObject({ payloadFormatVersion: '1.0', authorizer: { name: 'PolicyAuth', payloadFormatVersion: '1.0', enableSimpleResponses: false } });
    expect(auth['/jwt']).toEqual({ apiKind: 'http', payloadFormatVersion: '2.0', authorizer: { kind: 'jwt', name: 'JwtAuth', issuer: 'https://issuer.test', audience: ['api-audience'], identitySource: '$request.header.Authorization' }, authorizationScopes: ['pets:read'] });
    expect(auth['/public']).toBeUndefined();
    expect(model.apiKeys).toEqual(['template-key-0123456789abcdef']);
  });

  it('gives routes without AuthorizationScopes their JWT authorizer\'s, and keeps a route\'s own (aws-samples sessions http-api)', async () => {
    const model = await readTemplate('fixtures/samples/sessions-http-api-jwt/template.yaml', { parameterOverrides: 'UserPoolId=us-east-1_Pool Audience=client1' });
    const scopes = Object.fromEntries(model.routes.map((r) => [r.path, r.auth?.authorizationScopes]));
    expect(scopes).toMatchObject({ '/simple': ['email'], '/admin': ['Admins-client1'], '/both': ['Admins-client1', 'SU-client1'] });
    expect(model.routes.find((r) => r.path === '/simple')!.auth!.authorizer).toMatchObject({ kind: 'jwt', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool', audience: ['client1'] });
    expect(model.routes.find((r) => r.path === '/')!.auth).toBeUndefined();
  });

  it('reads a TOKEN authorizer\'s ValidationExpression and a REQUEST authorizer\'s identity of every kind', () => {
    const model = inline(template('Api', [
      'Auth:',
      '  DefaultAuthorizer: Req',
      '  Authorizers:',
      '    Tok: { FunctionArn: !GetAtt Authorizer.Arn, Identity: { Header: X-Token, ValidationExpression: "^Bearer .+$", ReauthorizeEvery: 60 } }',
      '    Req: { FunctionArn: !GetAtt Authorizer.Arn, FunctionPayloadType: REQUEST, Identity: { Headers: [H], QueryStrings: [q], StageVariables: [s], Context: [requestId] } }',
    ]));
    const a = model.routes[0]!.auth!.authorizer!;
    expect(a).toMatchObject({ kind: 'lambda-request', identitySources: ['method.request.header.H', 'method.request.querystring.q', 'stageVariables.s', 'context.requestId'], reauthorizeEverySeconds: 300 });
  });
});

describe('ResourcePolicy', () => {
  it('reads IpRangeWhitelist of the API and IpRangeBlacklist of an event onto the route', () => {
    const model = inline(template('Api', ['Auth:', '  ResourcePolicy: { IpRangeWhitelist: [10.0.0.0/8, "::1"] }'], ['Auth: { ResourcePolicy: { IpRangeBlacklist: [10.1.0.0/16] } }']));
    expect(model.routes[0]!.auth).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', sourceIp: { allow: ['10.0.0.0/8', '::1'], deny: ['10.1.0.0/16'] } });
  });
});

describe('UsagePlan', () => {
  it('is read with a warning naming its place: keys are checked, quotas and throttles are not', () => {
    const model = inline(template('Api', ['Auth:', '  ApiKeyRequired: true', '  UsagePlan: { CreateUsagePlan: PER_API }']));
    expect(model.routes[0]!.auth).toMatchObject({ apiKeyRequired: true });
    expect(model.warnings.join('\n')).toMatch(/inline\.yaml:\d+:\d+: Resources\.MyApi\.Properties\.Auth\.UsagePlan: usage plans are not emulated/);
  });
});

describe('refusing what cannot be enforced, with file:line:col and property', () => {
  it.each([
    ['an unknown Auth key', template('Api', ['Auth:', '  InvokeRole: CALLER_CREDENTIALS']), /inline\.yaml:\d+:\d+: Resources\.MyApi\.Properties\.Auth\.InvokeRole: Auth InvokeRole is not supported by the emulator/],
    ['a ResourcePolicy by account', template('Api', ['Auth:', '  ResourcePolicy: { AwsAccountWhitelist: ["123456789012"] }']), /Resources\.MyApi\.Properties\.Auth\.ResourcePolicy\.AwsAccountWhitelist: ResourcePolicy AwsAccountWhitelist is not supported by the emulator: only IpRangeWhitelist and IpRangeBlacklist can be checked locally/],
    ['a ResourcePolicy range that is not a CIDR block', template('Api', ['Auth:', '  ResourcePolicy: { IpRangeBlacklist: [10.0.0.0/33] }']), /Auth\.ResourcePolicy\.IpRangeBlacklist: "10\.0\.0\.0\/33" is not an IP address or CIDR block/],
    ['a ResourcePolicy on an HttpApi', template('HttpApi', ['Auth:', '  ResourcePolicy: { IpRangeWhitelist: [10.0.0.0/8] }']), /Auth\.ResourcePolicy: Auth ResourcePolicy is not supported by the emulator/],
    ['DefaultAuthorizer AWS_IAM', template('Api', ['Auth:', '  DefaultAuthorizer: AWS_IAM']), /Auth\.DefaultAuthorizer: AWS_IAM is not supported by the emulator/],
    ['EnableIamAuthorizer', template('HttpApi', ['Auth:', '  EnableIamAuthorizer: true']), /Auth\.EnableIamAuthorizer: IAM authorization is not supported/],
    ['a DefaultAuthorizer that is not declared', template('Api', ['Auth:', '  DefaultAuthorizer: Nope']), /Auth\.DefaultAuthorizer: "Nope" is not one of Auth\.Authorizers/],
    ['an event Authorizer that is not declared', template('HttpApi', [], ['Auth: { Authorizer: Missing }']), /Events\.Get\.Properties\.Auth\.Authorizer: "Missing" is not one of the API's Auth\.Authorizers/],
    ['a Lambda authorizer outside the template', template('Api', ['Auth:', '  Authorizers:', '    A: { FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:elsewhere" }']), /Authorizers\.A\.FunctionArn: must name a function of this template/],
    ['an HttpApi Lambda authorizer without AuthorizerPayloadFormatVersion', template('HttpApi', ['Auth:', '  Authorizers:', '    A: { FunctionArn: !GetAtt Authorizer.Arn }']), /Authorizers\.A\.AuthorizerPayloadFormatVersion: missing/],
    ['a JWT authorizer without audience', template('HttpApi', ['Auth:', '  Authorizers:', '    J: { JwtConfiguration: { issuer: "https://i.test" } }']), /JwtConfiguration\.audience: missing; a JWT authorizer needs an audience/],
    ['an IAM HttpApi authorizer shape', template('HttpApi', ['Auth:', '  Authorizers:', '    X: { Something: 1 }']), /Authorizers\.X: an HttpApi authorizer needs JwtConfiguration or FunctionArn/],
  ])('refuses %s', (_, text, message) => {
    expect(inlineError(text)).toMatch(message);
  });
});

/** A REST API (Method `method` lines) or an HTTP API (Route `method` lines) with one authorizer resource of `authorizer` lines. */
function cfnTemplate(kind: 'rest' | 'http', method: string[], authorizer: string[], extra = ''): string {
  const uri = "!Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}/invocations'";
  const rest = [
    '  Api:', '    Type: AWS::ApiGateway::RestApi', '    Properties: { Name: a }',
    '  Auth:', '    Type: AWS::ApiGateway::Authorizer', '    Properties:', '      RestApiId: !Ref Api', ...authorizer.map((l) => `      ${l}`),
    '  Get:', '    Type: AWS::ApiGateway::Method', '    Properties:', '      RestApiId: !Ref Api', '      ResourceId: !GetAtt Api.RootResourceId', '      HttpMethod: GET',
    `      Integration: { Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: ${uri} }`, ...method.map((l) => `      ${l}`),
  ];
  const http = [
    '  Api:', '    Type: AWS::ApiGatewayV2::Api', '    Properties: { Name: a, ProtocolType: HTTP }',
    '  Auth:', '    Type: AWS::ApiGatewayV2::Authorizer', '    Properties:', '      ApiId: !Ref Api', ...authorizer.map((l) => `      ${l}`),
    '  Int:', '    Type: AWS::ApiGatewayV2::Integration', '    Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Handler.Arn, PayloadFormatVersion: "2.0" }',
    '  Get:', '    Type: AWS::ApiGatewayV2::Route', '    Properties:', '      ApiId: !Ref Api', '      RouteKey: GET /pets', '      Target: !Sub integrations/${Int}', ...method.map((l) => `      ${l}`),
  ];
  return [header + 'Resources:', fn('Authorizer'), fn('Handler'), ...(kind === 'rest' ? rest : http), extra].join('\n');
}
const AUTHORIZER_URI = "AuthorizerUri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Authorizer.Arn}/invocations'";

describe('authorizer resources (AWS::ApiGateway::Authorizer, AWS::ApiGatewayV2::Authorizer)', () => {
  it('reads every kind of fixtures/auth/cloudformation.yaml onto the Methods and Routes that name them', async () => {
    const model = await readTemplate('fixtures/auth/cloudformation.yaml', { parameterOverrides: 'Issuer=https://issuer.test' });
    const auth = Object.fromEntries(model.routes.map((r) => [r.path, r.auth]));
    expect(auth['/token']).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', authorizer: { kind: 'lambda-token', name: 'TokenAuth', functionName: 'token-authorizer', header: 'Authorization', validationExpression: '^(allow|deny|unauthorized).*', reauthorizeEverySeconds: 0 } });
    expect(auth['/request']!.authorizer).toEqual({ kind: 'lambda-request', name: 'RequestAuth', functionName: 'request-authorizer', apiKind: 'rest', payloadFormatVersion: '1.0', enableSimpleResponses: false, identitySources: ['method.request.header.Authorization', 'method.request.querystring.tenant'], reauthorizeEverySeconds: 300 });
    expect(auth['/cognito']).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', authorizer: { kind: 'cognito', name: 'CognitoAuth', userPoolArns: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123'], header: 'Authorization' }, authorizationScopes: ['pets/read'] });
    expect(auth['/keyed']).toEqual({ apiKind: 'rest', payloadFormatVersion: '1.0', apiKeyRequired: true });
    expect(auth['/jwt']).toEqual({ apiKind: 'http', payloadFormatVersion: '2.0', authorizer: { kind: 'jwt', name: 'JwtAuth', issuer: 'https://issuer.test', audience: ['api-audience'], identitySource: '$request.header.Authorization' }, authorizationScopes: ['pets:read'] });
    expect(auth['/simple']!.authorizer).toEqual({ kind: 'lambda-request', name: 'SimpleAuth', functionName: 'simple-authorizer', apiKind: 'http', payloadFormatVersion: '2.0', enableSimpleResponses: true, identitySources: ['$request.header.Authorization'], reauthorizeEverySeconds: 0 });
    expect(auth['/public']).toBeUndefined();
    expect(model.warnings).toEqual([]);
  });

  it('defaults the cache to 300 s (API Gateway\'s AuthorizerResultTtlInSeconds default) and the name to the logical id', () => {
    const model = inline(cfnTemplate('rest', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Auth'], ['Type: TOKEN', 'IdentitySource: method.request.header.X-Token', AUTHORIZER_URI]));
    expect(model.routes[0]!.auth!.authorizer).toEqual({ kind: 'lambda-token', name: 'Auth', functionName: 'Authorizer', header: 'X-Token', reauthorizeEverySeconds: 300 });
  });

  it('warns about an authorizer no Method or Route names: it checks nothing', () => {
    const model = inline(cfnTemplate('http', [], ['AuthorizerType: JWT', 'JwtConfiguration: { Issuer: "https://i.test", Audience: [a] }']));
    expect(model.routes[0]!.auth).toBeUndefined();
    expect(model.warnings.join('\n')).toMatch(/inline\.yaml:\d+:\d+: Resources\.Auth\.Properties: no AWS::ApiGateway::Method or AWS::ApiGatewayV2::Route of this template names this authorizer/);
  });

  const token = ['Type: TOKEN', 'IdentitySource: method.request.header.Authorization', AUTHORIZER_URI];
  it.each([
    ['a Method with AuthorizationType AWS_IAM', cfnTemplate('rest', ['AuthorizationType: AWS_IAM'], token), /Resources\.Get\.Properties\.AuthorizationType: AWS_IAM is not supported by the emulator/],
    ['a Route with AuthorizationType AWS_IAM', cfnTemplate('http', ['AuthorizationType: AWS_IAM'], ['AuthorizerType: JWT', 'JwtConfiguration: { Issuer: "https://i.test", Audience: [a] }']), /Resources\.Get\.Properties\.AuthorizationType: AWS_IAM is not supported/],
    ['an AuthorizerId naming nothing', cfnTemplate('rest', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Nope'], token), /Resources\.Get\.Properties\.AuthorizerId: names no AWS::ApiGateway::Authorizer of this template/],
    ['CUSTOM without an AuthorizerId', cfnTemplate('rest', ['AuthorizationType: CUSTOM'], token), /Resources\.Get\.Properties\.AuthorizerId: missing; AuthorizationType CUSTOM needs an AuthorizerId/],
    ['a TOKEN authorizer attached as COGNITO_USER_POOLS', cfnTemplate('rest', ['AuthorizationType: COGNITO_USER_POOLS', 'AuthorizerId: !Ref Auth'], token), /AuthorizationType: Auth is a CUSTOM authorizer, not COGNITO_USER_POOLS/],
    ['an authorizer function outside the template', cfnTemplate('rest', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Auth'], ['Type: TOKEN', 'IdentitySource: method.request.header.Authorization', 'AuthorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:elsewhere/invocations']), /Resources\.Auth\.Properties\.AuthorizerUri: must be the invocation URI of a function of this template/],
    ['a TOKEN identity source that is not a header', cfnTemplate('rest', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Auth'], ['Type: TOKEN', 'IdentitySource: method.request.querystring.t', AUTHORIZER_URI]), /IdentitySource: "method\.request\.querystring\.t" is not method\.request\.header\.<name>/],
    ['an HTTP API Lambda authorizer without AuthorizerPayloadFormatVersion', cfnTemplate('http', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Auth'], ['AuthorizerType: REQUEST', AUTHORIZER_URI]), /Resources\.Auth\.Properties\.AuthorizerPayloadFormatVersion: missing/],
    ['a JWT authorizer without an Audience', cfnTemplate('http', ['AuthorizationType: JWT', 'AuthorizerId: !Ref Auth'], ['AuthorizerType: JWT', 'JwtConfiguration: { Issuer: "https://i.test" }']), /JwtConfiguration\.Audience: missing; a JWT authorizer needs an Audience/],
    ['ApiKeyRequired on an HTTP API route', cfnTemplate('http', ['ApiKeyRequired: true'], ['AuthorizerType: JWT', 'JwtConfiguration: { Issuer: "https://i.test", Audience: [a] }']), /Resources\.Get\.Properties\.ApiKeyRequired: API keys are a REST API/],
    ['an authorizer type API Gateway does not have', cfnTemplate('rest', ['AuthorizationType: CUSTOM', 'AuthorizerId: !Ref Auth'], ['Type: IAM', AUTHORIZER_URI]), /Resources\.Auth\.Properties\.Type: "IAM" is not one of TOKEN, REQUEST, COGNITO_USER_POOLS/],
  ])('refuses %s', (_, text, message) => {
    expect(inlineError(text)).toMatch(message);
  });
});
