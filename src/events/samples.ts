// Sample events of the sources Lambda is most often invoked by, shaped as AWS sends them, for `emulate invoke`.
import { randomUUID } from 'node:crypto';

export const EVENT_SOURCES = ['apigw-http', 'apigw-rest', 's3-put', 'sqs', 'sns', 'eventbridge', 'dynamodb-stream'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface SampleOptions {
  /** Request path or resource key, where the source has one. */
  path?: string;
  method?: string;
  body?: string;
  region?: string;
  accountId?: string;
  /** Bucket, queue, topic or table name. */
  name?: string;
  now?: Date;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time` format: `21/Nov/2026:04:52:47 +0000`. */
function apigwTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Builds one sample event; every value is plausible and every required field is present. */
export function sampleEvent(source: EventSource, options: SampleOptions = {}): Record<string, unknown> {
  const now = options.now ?? new Date();
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const path = options.path ?? '/hello';
  const method = (options.method ?? 'GET').toUpperCase();
  const body = options.body;
  switch (source) {
    case 'apigw-http':
      return {
        version: '2.0',
        routeKey: `${method} ${path}`,
        rawPath: path,
        rawQueryString: '',
        headers: { accept: '*/*', host: `abc123defg.execute-api.${region}.amazonaws.com`, 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-port': '443', 'x-forwarded-proto': 'https' },
        requestContext: {
          accountId: account,
          apiId: 'abc123defg',
          domainName: `abc123defg.execute-api.${region}.amazonaws.com`,
          domainPrefix: 'abc123defg',
          http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
          requestId: randomUUID(),
          routeKey: `${method} ${path}`,
          stage: '$default',
          time: apigwTime(now),
          timeEpoch: now.getTime(),
        },
        ...(body !== undefined ? { body } : {}),
        isBase64Encoded: false,
      };
    case 'apigw-rest':
      return {
        resource: path,
        path,
        httpMethod: method,
        headers: { Accept: '*/*', Host: `abc123defg.execute-api.${region}.amazonaws.com`, 'User-Agent': 'curl/8.5.0' },
        multiValueHeaders: { Accept: ['*/*'], Host: [`abc123defg.execute-api.${region}.amazonaws.com`], 'User-Agent': ['curl/8.5.0'] },
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: {
          accountId: account,
          apiId: 'abc123defg',
          domainName: `abc123defg.execute-api.${region}.amazonaws.com`,
          domainPrefix: 'abc123defg',
          extendedRequestId: 'Ab1CdEfGhIjKlM=',
          httpMethod: method,
          identity: { sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0', accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null },
          path: `/Prod${path}`,
          protocol: 'HTTP/1.1',
          requestId: randomUUID(),
          requestTime: apigwTime(now),
          requestTimeEpoch: now.getTime(),
          resourceId: 'abc123',
          resourcePath: path,
          stage: 'Prod',
        },
        body: body ?? null,
        isBase64Encoded: false,
      };
    case 's3-put': {
      const bucket = options.name ?? 'example-bucket';
      return {
        Records: [{
          eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: region, eventTime: now.toISOString(), eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:EXAMPLE' }, requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': 'EXAMPLE123456789', 'x-amz-id-2': 'EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH' },
          s3: {
            s3SchemaVersion: '1.0', configurationId: 'testConfigRule',
            bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` },
            object: { key: options.path?.replace(/^\//, '') ?? 'test/key', size: 1024, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' },
          },
        }],
      };
    }
    case 'sqs': {
      const queue = options.name ?? 'example-queue';
      return {
        Records: [{
          messageId: randomUUID(), receiptHandle: 'MessageReceiptHandle', body: body ?? 'Hello from SQS!',
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(now.getTime()), SenderId: account, ApproximateFirstReceiveTimestamp: String(now.getTime()) },
          messageAttributes: {}, md5OfBody: '7b270e59b47ff90a553787216d55d91d', eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${region}:${account}:${queue}`, awsRegion: region,
        }],
      };
    }
    case 'sns': {
      const topic = options.name ?? 'example-topic';
      return {
        Records: [{
          EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: `arn:aws:sns:${region}:${account}:${topic}:${randomUUID()}`,
          Sns: {
            Type: 'Notification', MessageId: randomUUID(), TopicArn: `arn:aws:sns:${region}:${account}:${topic}`, Subject: 'example subject',
            Message: body ?? 'example message', Timestamp: now.toISOString(), SignatureVersion: '1', Signature: 'EXAMPLE',
            SigningCertUrl: 'EXAMPLE', UnsubscribeUrl: 'EXAMPLE', MessageAttributes: {},
          },
        }],
      };
    }
    case 'eventbridge':
      return {
        version: '0', id: randomUUID(), 'detail-type': 'Example Event', source: 'com.example.app', account, time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region, resources: [], detail: body !== undefined ? (JSON.parse(body) as unknown) : { message: 'hello' },
      };
    case 'dynamodb-stream': {
      const table = options.name ?? 'example-table';
      return {
        Records: [{
          eventID: randomUUID().replace(/-/g, ''), eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: region,
          dynamodb: {
            ApproximateCreationDateTime: Math.floor(now.getTime() / 1000), Keys: { Id: { N: '101' } },
            NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } }, SequenceNumber: '111', SizeBytes: 26, StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: `arn:aws:dynamodb:${region}:${account}:table/${table}/stream/2026-11-21T00:00:00.000`,
        }],
      };
    }
  }
}
