// Nothing unsupported passes silently: `emulate validate` and start-up list each feature as file:line:col: path: what happens; unrunnable ones stop the start unless --allow-unsupported.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';

const ALL = 'fixtures/templates/unsupported/template.yaml';
const API_ONLY = 'fixtures/templates/unsupported-api-only/template.yaml';

const EXPECTED = [
  ':14:7: Resources.Worker.Properties.ProvisionedConcurrencyConfig: provisioned concurrency is not emulated',
  ':16:7: Resources.Worker.Properties.SnapStart: SnapStart is not emulated',
  ':18:7: Resources.Worker.Properties.VpcConfig: no VPC is attached',
  ':21:7: Resources.Worker.Properties.FileSystemConfigs: EFS is not mounted',
  ':12:7: Resources.Worker.Properties.DeploymentPreference: gradual deployment',
  ':11:7: Resources.Worker.Properties.AutoPublishAlias: no version or alias is published locally',
  ':26:11: Resources.Worker.Properties.Events.Queue.Type: SQS events are not triggered locally; use `emulate invoke Worker`',
  ':30:11: Resources.Worker.Properties.Events.Nightly.Type: Schedule events are not triggered locally',
  ':45:7: Resources.MadeFunction.Metadata.BuildMethod: BuildMethod "makefile" is not run',
];

let cli: RunningCli | undefined;
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
});

describe('unsupported template features', () => {
  it('validate lists each one with its position and consequence', async () => {
    const { code, stdout } = await runCli(['validate', '-t', ALL]);
    expect(code).toBe(0);
    for (const line of EXPECTED) expect(stdout).toContain(`unsupported/template.yaml${line}`);
    expect(stdout).toContain('Warnings (9)');
  });

  it('start-api refuses to start on a makefile build, naming the line and the opt-out', async () => {
    const { code, stderr } = await runCli(['start-api', '-t', ALL, '--runner', 'process', '-p', '0']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('1 template feature(s) make functions unrunnable here');
    expect(stderr).toContain('unsupported/template.yaml:45:7: Resources.MadeFunction.Metadata.BuildMethod');
    expect(stderr).toContain('--allow-unsupported');
  });

  it('invoke refuses too, and --allow-unsupported starts, logs every line and serves the Api route', async () => {
    const refused = await runCli(['invoke', 'Worker', '-t', ALL, '--runner', 'process', '--event', '-'], { stdin: '{}' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('make functions unrunnable here');
    cli = await startCli(['start-api', '-t', ALL, '--runner', 'process', '-p', '0', '--allow-unsupported']);
    for (const line of EXPECTED) expect(cli.stderr()).toContain(line);
    const res = await fetch(`${cli.url}/hello`);
    expect(await res.text()).toBe('worker');
  });

  it('a template whose only APIs are unsupported says that no route is served', async () => {
    const { code, stdout } = await runCli(['validate', '-t', API_ONLY]);
    expect(code).toBe(0);
    expect(stdout).toContain('Resources.Socket.Properties.ProtocolType: WEBSOCKET APIs are not emulated');
    expect(stdout).toContain('Resources.Mocked.Properties.Integration.Type: MOCK is not a Lambda proxy integration');
    expect(stdout).toContain('unsupported-api-only/template.yaml:11:3: Resources.Socket: no route is served');
  });
});
