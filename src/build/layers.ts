// Layers named by ARN (not in the template): found in a local map or a layer cache folder, unpacked when zipped, or named at start-up; template layers whose ContentUri is a .zip, unpacked.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FunctionSpec, LayerSpec } from '../core/model.js';
import { unpackArchive } from './zip.js';

export interface LayerSources {
  /** Layer ARN (with or without its version) → a local folder or .zip holding the layer's content. */
  layers?: Readonly<Record<string, string>> | undefined;
  /** Folder of downloaded layers; default SAM's `~/.aws-sam/layers-pkg`, so a SAM user's cache works as it is. */
  layerCache?: string | undefined;
  /** Where zipped layers are unpacked. */
  cacheDir: string;
}

/** SAM's default `--layer-cache-basedir` on Linux and macOS (AWS SAM developer guide, "How layers are cached locally"). */
export const SAM_LAYER_CACHE = path.join(os.homedir(), '.aws-sam', 'layers-pkg');

const LAYER_ARN = /^arn:[^:]+:lambda:[^:]*:\d*:layer:([^:]+):(\d+)$/;

/**
 * The names a layer may have in a cache folder: SAM's own `LayerName-Version-<first 10 hex of sha256(ARN)>`
 * (AWS SAM developer guide, "Layer caching directory name schema"), then `LayerName-Version`, each as a folder or a `.zip`.
 */
export function cacheNames(arn: string): string[] {
  const m = LAYER_ARN.exec(arn);
  if (!m) return [];
  const [, name, version] = m;
  const sam = `${name}-${version}-${createHash('sha256').update(arn).digest('hex').slice(0, 10)}`;
  const plain = `${name}-${version}`;
  return [sam, plain, `${sam}.zip`, `${plain}.zip`];
}

/** The folder or .zip that provides `arn`, or the places looked at. */
function locate(arn: string, sources: LayerSources): { found: string } | { looked: string[] } {
  const unversioned = arn.replace(/:\d+$/, '');
  const mapped = sources.layers?.[arn] ?? sources.layers?.[unversioned];
  if (mapped !== undefined) return existsSync(mapped) ? { found: path.resolve(mapped) } : { looked: [`${mapped} (given for it, missing)`] };
  const dir = sources.layerCache ?? SAM_LAYER_CACHE;
  const candidates = cacheNames(arn).map((n) => path.join(dir, n));
  const found = candidates.find((c) => existsSync(c));
  return found ? { found } : { looked: candidates };
}

/** A template layer whose content is an archive (its ContentUri a .zip), not a folder. */
function isArchive(layer: LayerSpec): layer is Extract<LayerSpec, { kind: 'local' }> {
  return layer.kind === 'local' && /\.(zip|jar)$/i.test(layer.contentDir) && existsSync(layer.contentDir) && !statSync(layer.contentDir).isDirectory();
}

/** A folder stays as it is; a .zip is unpacked once into the cache (the same bytes give the same folder). */
function contentDir(found: string, cacheDir: string): string {
  return statSync(found).isDirectory() ? found : unpackArchive(found, cacheDir);
}

/**
 * Turns each function's remote layers into local ones where the map or the cache has them. A layer that
 * stays remote gets one line naming where it was written, where emulate looked and how to provide it.
 */
export function provideLayers(functions: readonly FunctionSpec[], sources: LayerSources): { functions: FunctionSpec[]; warnings: string[] } {
  const warnings: string[] = [];
  const resolved = new Map<string, LayerSpec>();
  const out = functions.map((fn) => {
    if (!fn.layers.some((l) => l.kind === 'remote' || isArchive(l))) return fn;
    const layers = fn.layers.map((layer): LayerSpec => {
      // A template layer whose ContentUri is a .zip: unpacked once, as Lambda extracts a layer's archive into /opt.
      if (isArchive(layer)) return { ...layer, contentDir: unpackArchive(layer.contentDir, sources.cacheDir) };
      if (layer.kind !== 'remote') return layer;
      const known = resolved.get(layer.arn);
      if (known) return known;
      const where = locate(layer.arn, sources);
      if ('found' in where) {
        const spec: LayerSpec = { kind: 'local', logicalId: layer.arn.split(':').slice(-2).join('-'), arn: layer.arn, contentDir: contentDir(where.found, sources.cacheDir) };
        resolved.set(layer.arn, spec);
        return spec;
      }
      const at = layer.at ? `${layer.at}: ` : `${fn.logicalId}: `;
      warnings.push(`${at}layer "${layer.arn}" is not provided locally, so the function runs without it; looked for ${where.looked.join(', ')} (provide it with --layer ARN=FOLDER_OR_ZIP or --layer-cache DIR)`);
      return layer;
    });
    return { ...fn, layers };
  });
  return { functions: out, warnings };
}
