// The model a template is read into. It lives in src/core/model.ts, shared with the runners and the API front end; this file names it for the reader's modules.
export type {
  ApiKind, ApiSpec, Architecture, CorsSpec, FunctionCode, FunctionSpec, FunctionUrlSpec, ImageBuild, ImageConfig,
  LayerSpec, LoggingSpec, PackageType, PayloadFormatVersion, ReadTemplateOptions, RouteSpec, TemplateModel,
} from '../core/model.js';
