// Benchmark of the template reader: time to read and resolve a generated 200-function SAM template (median of several runs).
// Run `npx tsc -p tsconfig.build.json` first; then `node bench/template.mjs [functions] [runs]`.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = new URL('../dist/src/template/index.js', import.meta.url);

/** A template in the shape real projects have: Globals, parameters, conditions, mappings, intrinsics in every function, API events. */
function generateTemplate(count) {
  const lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Parameters:',
    '  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }',
    '  Subnets: { Type: CommaDelimitedList, Default: "subnet-a,subnet-b" }',
    'Mappings:',
    '  StageConfig:',
    '    dev: { MemorySize: 256, LogLevel: debug }',
    '    prod: { MemorySize: 1024, LogLevel: warn }',
    'Conditions:',
    '  IsProd: !Equals [!Ref Stage, prod]',
    '  IsDev: !Not [!Condition IsProd]',
    'Globals:',
    '  Function:',
    '    Runtime: nodejs22.x',
    '    Timeout: 10',
    '    MemorySize: !FindInMap [StageConfig, !Ref Stage, MemorySize]',
    '    Environment:',
    '      Variables:',
    '        STAGE: !Ref Stage',
    '        LOG_LEVEL: !FindInMap [StageConfig, !Ref Stage, LogLevel]',
    '  Api:',
    `    Cors: "'*'"`,
    'Resources:',
    '  Table:',
    '    Type: AWS::DynamoDB::Table',
    '    Properties:',
    '      TableName: !Sub "items-${Stage}"',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
  ];
  for (let i = 0; i < count; i++) {
    const kind = i % 2 === 0 ? 'Api' : 'HttpApi';
    lines.push(
      `  Function${i}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      FunctionName: !Sub "\${AWS::StackName}-fn-${i}"`,
      `      CodeUri: src/fn${i}/`,
      '      Handler: index.handler',
      '      Environment:',
      '        Variables:',
      '          TABLE: !Ref Table',
      '          TABLE_ARN: !GetAtt Table.Arn',
      '          QUEUE_URL: !Ref Queue',
      `          NEXT: !GetAtt Function${(i + 1) % count}.Arn`,
      '          MODE: !If [IsProd, strict, relaxed]',
      '          SUBNET: !Select [0, !Ref Subnets]',
      '          DEBUG: !If [IsDev, "1", !Ref AWS::NoValue]',
      '      Events:',
      '        Get:',
      `          Type: ${kind}`,
      '          Properties:',
      `            Path: /items/${i}/{id}`,
      '            Method: get',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function writeProject(dir, count) {
  await writeFile(path.join(dir, 'template.yaml'), generateTemplate(count));
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const code = path.join(dir, 'src', `fn${i}`);
    await mkdir(code, { recursive: true });
    await writeFile(path.join(code, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  }));
}

/** Reads the generated template `runs` times (after warm-up) and returns the timings in ms. */
export async function benchTemplate({ functions = 200, runs = 15 } = {}) {
  const { readTemplate } = await import(DIST.href);
  const dir = await mkdtemp(path.join(tmpdir(), 'emulate-template-bench-'));
  try {
    await writeProject(dir, functions);
    const file = path.join(dir, 'template.yaml');
    for (let i = 0; i < 3; i++) await readTemplate(file);
    const times = [];
    let model;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      model = await readTemplate(file);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    return {
      title: `Template reader: ${functions} functions`,
      header: ['functions', 'routes', 'median ms', 'min ms', 'max ms', 'runs'],
      rows: [[model.functions.length, model.routes.length, median.toFixed(1), times[0].toFixed(1), times.at(-1).toFixed(1), runs]],
      notes: ['readTemplate(): read, parse, resolve, check every CodeUri on disk; target well under 100 ms'],
      median,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const functions = Number(process.argv[2] ?? 200);
  const runs = Number(process.argv[3] ?? 15);
  const result = await benchTemplate({ functions, runs });
  console.log(`${result.title}: median ${result.median.toFixed(1)} ms over ${runs} runs (min ${result.rows[0][3]} ms, max ${result.rows[0][4]} ms), ${result.rows[0][1]} routes`);
}


