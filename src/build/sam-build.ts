// Which template to serve: SAM's `.aws-sam/build/template.yaml` when it is newer than the source one, as `sam local` does.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export interface TemplateChoice {
  template: string;
  /** True when the template is sam build's output: its code is built already, so nothing is bundled again. */
  prebuilt: boolean;
  /** What to say at start-up. */
  info?: string;
  warning?: string;
}

/**
 * `sam local` reads `.aws-sam/build/template.yaml` when no `--template` is given (SAM CLI's default template
 * lookup); emulate does so only while that build is newer than the source, and warns when it is stale.
 */
export function chooseTemplate(source: string, given: boolean, forceSource: boolean): TemplateChoice {
  const built = path.join(path.dirname(source), '.aws-sam', 'build', 'template.yaml');
  if (given || !existsSync(built) || !existsSync(source)) return { template: source, prebuilt: false };
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  const newer = statSync(built).mtimeMs >= statSync(source).mtimeMs;
  if (forceSource) return { template: source, prebuilt: false, info: `serving ${rel(source)} (--source-template), not SAM's build ${rel(built)}` };
  if (newer) {
    return { template: built, prebuilt: true, info: `serving SAM's build ${rel(built)}, newer than ${rel(source)} (--source-template serves the source)` };
  }
  return {
    template: source,
    prebuilt: false,
    warning: `SAM's build ${rel(built)} is older than ${rel(source)}; serving ${rel(source)} (run sam build again or delete .aws-sam to silence this)`,
  };
}
