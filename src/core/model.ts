// The normalized model of a template, shared by the template reader, the runners and the API front end: functions, APIs, routes.
import type { RouteAuth } from './auth.js';

export type PackageType = 'Zip' | 'Image';
export type Architecture = 'x86_64' | 'arm64';
export type ApiKind = 'http' | 'rest';
export type PayloadFormatVersion = '1.0' | '2.0';

/** Where a function's code comes from. Paths are absolute. */
export type FunctionCode =
  /** A local directory (`CodeUri: hello-world/`), mounted or copied as `/var/task`. */
  | { kind: 'directory'; path: string }
  /** A local `.zip` / `.jar` file named by `CodeUri`, to be unpacked first. */
  | { kind: 'archive'; path: string }
  /** `InlineCode` (or `Code.ZipFile`): the source of one file. */
  | { kind: 'inline'; source: string }
  /** `PackageType: Image`: a ready image, or one to build from `Metadata`. */
  | { kind: 'image'; imageUri?: string; build?: ImageBuild };

/** How to build an Image function from `Metadata` (sam build's keys). */
export interface ImageBuild {
  /** Absolute path of `DockerContext`. */
  contextDir: string;
  /** `Dockerfile`, relative to the context as docker build expects it (default `Dockerfile`). */
  dockerfile: string;
  /** `DockerTag`, if given. */
  tag?: string;
  /** `DockerBuildArgs`, values as strings. */
  buildArgs: Record<string, string>;
  /** `DockerBuildTarget`, if given. */
  target?: string;
}

/** `ImageConfig`: overrides of the image's ENTRYPOINT, CMD and WORKDIR. */
export interface ImageConfig {
  command?: string[];
  entryPoint?: string[];
  workingDirectory?: string;
}

/** One layer of a function. Local layers are directories to place at `/opt`. */
export type LayerSpec =
  | { kind: 'local'; logicalId: string; arn: string; contentDir: string }
  /** Named by ARN only; `at` is where the template names it (file:line:col: property). */
  | { kind: 'remote'; arn: string; at?: string };

/** CORS settings as configured (not yet AWS's behaviour); empty lists mean "not set". */
export interface CorsSpec {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAgeSeconds?: number;
}

/** `FunctionUrlConfig` (or an `AWS::Lambda::Url` aimed at the function). */
export interface FunctionUrlSpec {
  authType: 'NONE' | 'AWS_IAM';
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  cors?: CorsSpec;
}

/** `LoggingConfig`, for `AWS_LAMBDA_LOG_FORMAT` / `AWS_LAMBDA_LOG_LEVEL` and the log group name. */
export interface LoggingSpec {
  logFormat?: 'Text' | 'JSON';
  applicationLogLevel?: string;
  systemLogLevel?: string;
  logGroup?: string;
}

/** One function, with every default applied and every intrinsic resolved. */
export interface FunctionSpec {
  /** The resource's key under `Resources`. */
  logicalId: string;
  /** `FunctionName` when set, else the logical id (what SAM local uses). */
  functionName: string;
  /** `arn:<partition>:lambda:<region>:<account>:function:<functionName>`. */
  functionArn: string;
  resourceType: 'AWS::Serverless::Function' | 'AWS::Lambda::Function';
  packageType: PackageType;
  /** Required for Zip functions; absent for images. */
  runtime?: string;
  /** Required for Zip functions; absent for images. */
  handler?: string;
  code: FunctionCode;
  imageConfig?: ImageConfig;
  /** `Timeout`, default 3. */
  timeoutSeconds: number;
  /** `MemorySize`, default 128. */
  memorySizeMb: number;
  /** `EphemeralStorage.Size`, default 512. */
  ephemeralStorageMb: number;
  /** First (only) entry of `Architectures`, default x86_64. */
  architecture: Architecture;
  /** The function's final variables: template values (after Globals), then the `--env-vars` file. Never the host shell. */
  environment: Record<string, string>;
  layers: LayerSpec[];
  reservedConcurrentExecutions?: number;
  functionUrl?: FunctionUrlSpec;
  /** `Tracing` / `TracingConfig.Mode` (`Active` or `PassThrough`). */
  tracing?: string;
  logging?: LoggingSpec;
  /** `Metadata: BuildMethod: esbuild`: the code folder is bundled (src/build) before a runner sees it. */
  build?: { method: 'esbuild'; properties: Record<string, unknown> };
}

/** One API (explicit or SAM's implicit one), with its own stage, CORS and binary settings. */
export interface ApiSpec {
  /** Logical id: `ServerlessRestApi`, `ServerlessHttpApi` or the resource's key. */
  logicalId: string;
  kind: ApiKind;
  /** True for SAM's implicit `ServerlessRestApi` / `ServerlessHttpApi`. */
  implicit: boolean;
  /** A stable 10-character id standing in for the API Gateway id (what `!Ref` of the API gives). */
  apiGatewayId: string;
  /** `StageName`: implicit REST `Prod`, HTTP API default `$default`. */
  stageName: string;
  stageVariables: Record<string, string>;
  cors?: CorsSpec;
  /** REST only: `BinaryMediaTypes` with `~1` decoded to `/`, plus the OpenAPI extension's. */
  binaryMediaTypes: string[];
}

/**
 * One route: an API event of a function (or an OpenAPI path). Its API's kind, stage, CORS and
 * binary settings are read from the `ApiSpec` it names, never copied.
 */
export interface RouteSpec {
  /** The `logicalId` of its API, always one of the model's `apis` (SAM's implicit `ServerlessHttpApi` / `ServerlessRestApi` included). */
  apiLogicalId: string;
  /** HTTP API events default to 2.0; REST is always 1.0. */
  payloadFormatVersion: PayloadFormatVersion;
  /** Upper case (`GET`), or `ANY`. */
  method: string;
  /** `/hello/{name}`, `/{proxy+}`, or `$default` for the HTTP API catch-all. */
  path: string;
  /** HTTP API `GET /hello` or `$default`; REST `GET /hello`. */
  routeKey: string;
  functionLogicalId: string;
  functionName: string;
  /** The event's key under `Events`, absent for OpenAPI routes. */
  eventName?: string;
  /** Authorizer, scopes and API key requirement; absent for an open route. */
  auth?: RouteAuth;
  /**
   * REST: `STREAM` when the integration streams the function's response as it comes (SAM `Api` event
   * `ResponseTransferMode`, AWS::ApiGateway::Method `Integration.ResponseTransferMode`); absent means BUFFERED.
   */
  responseTransferMode?: 'STREAM';
}

/** Everything the template says that the emulator needs. */
export interface TemplateModel {
  /** Absolute path of the template file. */
  templatePath: string;
  /** Absolute directory that relative `CodeUri`s are read from. */
  templateDir: string;
  region: string;
  accountId: string;
  partition: string;
  /** Final parameter values (defaults, then overrides). Lists for `CommaDelimitedList` / `List<…>`. */
  parameters: Record<string, string | string[]>;
  functions: FunctionSpec[];
  /** Every API a route names, implicit ones included. */
  apis: ApiSpec[];
  routes: RouteSpec[];
  /** `Value`s of the template's AWS::ApiGateway::ApiKey resources. */
  apiKeys?: string[];
  /** What could not be resolved locally and was ignored, one line each with file, line and column. */
  warnings: string[];
  /** Warnings about features that make a function unrunnable here: the start fails on them unless `allowUnsupported` is set. */
  unrunnable?: string[];
}

/** Options of `readTemplate`. */
export interface ReadTemplateOptions {
  /** `--parameter-overrides`: the flag's string (`K=V …` or `ParameterKey=K,ParameterValue=V …`) or parsed pairs. */
  parameterOverrides?: string | Record<string, string>;
  /** `--env-vars`: a JSON file in SAM's format, or a dotenv file (treated as `Parameters`). */
  envVarsFile?: string;
  /** `AWS::Region`, default `us-east-1`. */
  region?: string;
  /** `AWS::AccountId`, default `123456789012`. */
  accountId?: string;
  /**
   * The folder local paths must stay inside. Default: the git repository around the template (a
   * monorepo's `CodeUri: ../services/x` is fine), else the template's own directory.
   */
  projectDir?: string;
}
