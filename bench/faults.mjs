// `node bench/faults.mjs`: the fault and fuzz figures of issue 20, measured on the compiled commands
// (run `npm run build` first). Writes bench/faults.json and prints the figures:
// - hangs: runs killed by the time limit (synth on fuzzed values, every command on special files);
// - internal messages: stderr lines of the engine, not ours (stack traces, "Maximum call stack size
//   exceeded", TypeError, ajv's "must NOT ..." words, [object Object]);
// - unlocated lines: lines of a failed synth that name neither a file and line nor a command-line
//   argument (`<file>:<line>:<column>: ...`, `synth: --<option> ...`), the closing count aside;
// - mixed outputs: pairs of synths of different values on one output, started at offsets from 0 to
//   0.9 s: a final output that is neither run's, or a run that said it succeeded whose output was not
//   the last one kept;
// - Helm-only acceptances: a value refused by synth (in values/production.yaml under applications.api)
//   that Helm 3 or Helm 4 renders (`helm template` of the api chart with the same value in a -f file)
//   and that `npm run validate` does not refuse either on the environment's rendered objects (helmRendered:
//   the renders Helm accepted; refusedByValidate: those validate refused).
// Fuzzing is seeded (--seed N) and bounded (--runs N): the same options give the same inputs.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScalar, parse, parseDocument, stringify } from 'yaml';
import { commandLineOrExit } from '../lib/cli/command-line.cjs';

const { values: options } = commandLineOrExit(
  {
    name: 'faults',
    invocation: 'node bench/faults.mjs',
    summary: 'Measures the fault and fuzz figures of issue 20 (hangs, internal messages, unlocated lines, mixed outputs, Helm-only acceptances) and writes bench/faults.json.',
    options: {
      runs: { type: 'string', value: 'N', description: 'fuzzed values runs of synth, and as many values given to both synth and Helm (default 120)' },
      pairs: { type: 'string', value: 'N', description: 'pairs of concurrent synths (default 10)' },
      seed: { type: 'string', value: 'N', description: 'seed of the fuzzing (default 20)' },
    },
  },
  process.argv.slice(2),
);
const RUNS = Number(options.runs ?? 120);
const PAIRS = Number(options.pairs ?? 10);
let seed = Number(options.seed ?? 20);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'build', 'main.js');
const helms = [join(root, '.tools', 'helm3', 'helm'), join(root, '.tools', 'helm4', 'helm')];
const work = mkdtempSync(join(tmpdir(), 'faults-'));
const TIMEOUT_MS = 120_000;

/** A small seeded generator (mulberry32): the same seed, the same inputs. */
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];

/**
 * Nested maps, `levels` deep: a marker replaced by a flow mapping once the file is written (yaml's own
 * writer recurses, and so cannot write what the reader must refuse).
 */
const nested = (levels) => `__DEEP${levels}__`;
/** A document's text with each nesting marker written out as `{l0: {l1: ... x}}`. */
const withNesting = (text) => text.replace(/(["']?)__DEEP(\d+)__\1/g, (_, _quote, levels) => `${'{l: '.repeat(Number(levels))}x${'}'.repeat(Number(levels))}`);

/** Values a person (or a fuzzer) might write where another was expected. */
const WEIRD = [
  () => -1,
  () => 0,
  () => 2 ** 53,
  () => 1.5,
  () => '',
  () => ' ',
  () => 'latest',
  () => '../../etc/passwd',
  () => '{{ .Release.Name }}',
  () => 'x'.repeat(300),
  () => 'ü-é-中',
  () => 'a\nb',
  () => null,
  () => true,
  () => [],
  () => ({}),
  () => [{}],
  () => ({ __proto__: null, unknownKey: 1 }),
  () => ({ ['__proto__']: 'x' }),
  () => ({ constructor: 'x' }),
  () => nested(70),
  () => nested(900),
  () => 'http://evil:9090',
  () => '0.0.0.0/0',
  () => 'monitoring',
  () => 'kube-system',
  () => '1e3',
  () => 'on',
];

/** Every leaf path of a values tree (maps and lists), as key lists. */
function leafPaths(node, path = []) {
  if (Array.isArray(node)) return node.length === 0 ? [path] : node.flatMap((item, i) => leafPaths(item, [...path, i]));
  if (node !== null && typeof node === 'object') return Object.keys(node).length === 0 ? [path] : Object.entries(node).flatMap(([key, value]) => leafPaths(value, [...path, key]));
  return [path];
}

function run(command, args, runOptions = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, ...runOptions });
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const INTERNAL = [
  /^\s+at .*:\d+:\d+\)?$/m,
  /Maximum call stack/,
  /TypeError|ReferenceError|RangeError|SyntaxError: Unexpected/,
  /\bmust (NOT|be equal|be >|be <|have|match)\b/,
  /\[object Object\]/,
  /\bundefined\b/,
  /\bNaN\b/,
];
const LOCATED = [/^.+\.yaml:\d+:\d+: /, /^synth: --[a-z-]+ /, /^synth: \d+ problem\(s\) in the values; .* was not changed$/, /^usage: /];

const figures = {
  fuzzedRuns: 0,
  failingRuns: 0,
  hangs: 0,
  internalMessages: 0,
  unlocatedLines: 0,
  mixedOutputs: 0,
  pairs: 0,
  helmComparisons: 0,
  helmRendered: 0,
  refusedByValidate: 0,
  helmOnlyAcceptances: 0,
  specialFileHangs: 0,
};
const examples = { internal: [], unlocated: [], helmOnly: [], mixed: [] };

// ---------------------------------------------------------------------------------------------
// 1. Fuzzed values files: one change to a copy of values/ per run (a weird value at a random path of a
//    random file, a duplicated key, a deleted key), synth into a scratch output.
// ---------------------------------------------------------------------------------------------
const valuesFiles = readdirSync(join(root, 'values')).filter((name) => name.endsWith('.yaml'));
for (let i = 0; i < RUNS; i += 1) {
  const dir = join(work, `fuzz-${i}`);
  cpSync(join(root, 'values'), join(dir, 'values'), { recursive: true });
  const file = join(dir, 'values', pick(valuesFiles));
  const text = readFileSync(file, 'utf8');
  const kind = random();
  if (kind < 0.1) {
    // A key written twice.
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    writeFileSync(file, [...lines.slice(0, at + 1), lines[at], ...lines.slice(at + 1)].join('\n'));
  } else {
    const document = parseDocument(text);
    const paths = leafPaths(document.toJS() ?? {}).filter((p) => p.length > 0);
    const path = pick(paths);
    if (kind < 0.2) document.deleteIn(path);
    else document.setIn(path, pick(WEIRD)());
    writeFileSync(file, withNesting(document.toString({ lineWidth: 0 })));
  }
  const result = run(process.execPath, [main, '--values', 'values', '--out', 'out', '--quiet'], { cwd: dir });
  figures.fuzzedRuns += 1;
  if (result.signal) figures.hangs += 1;
  if (result.status !== 0) figures.failingRuns += 1;
  for (const line of result.stderr.split('\n').filter(Boolean)) {
    if (INTERNAL.some((pattern) => pattern.test(line))) {
      figures.internalMessages += 1;
      if (examples.internal.length < 10) examples.internal.push(line.slice(0, 300));
    }
    if (result.status !== 0 && !LOCATED.some((pattern) => pattern.test(line))) {
      figures.unlocatedLines += 1;
      if (examples.unlocated.length < 10) examples.unlocated.push(line.slice(0, 300));
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// 2. Concurrent synths: pairs of different values on one output.
// ---------------------------------------------------------------------------------------------
function readTree(dir) {
  const out = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}
const start = (args, cwd) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { cwd, stdio: 'ignore' });
    child.on('close', (status) => resolve({ status, endedAt: process.hrtime.bigint() }));
  });
{
  const dir = join(work, 'pairs');
  for (const name of ['a', 'b']) cpSync(join(root, 'values'), join(dir, `values-${name}`), { recursive: true });
  const production = join(dir, 'values-b', 'production.yaml');
  writeFileSync(production, readFileSync(production, 'utf8').replace('  logLevel: warn\n', '  logLevel: error\n'));
  for (const name of ['a', 'b']) run(process.execPath, [main, '--values', `values-${name}`, '--out', `alone-${name}`, '--quiet'], { cwd: dir });
  const alone = { a: JSON.stringify(readTree(join(dir, 'alone-a'))), b: JSON.stringify(readTree(join(dir, 'alone-b'))) };
  for (let i = 0; i < PAIRS; i += 1) {
    const out = `pair-${i}`;
    const first = start(['--values', 'values-a', '--out', out, '--quiet'], dir);
    await new Promise((resolve) => setTimeout(resolve, Math.round((900 * i) / Math.max(1, PAIRS - 1))));
    const second = start(['--values', 'values-b', '--out', out, '--quiet'], dir);
    const [a, b] = await Promise.all([first, second]);
    figures.pairs += 1;
    const final = JSON.stringify(readTree(join(dir, out)));
    const last = a.endedAt > b.endedAt ? 'a' : 'b';
    // Both may succeed (one after the other); the final output must then be the last one's.
    const mixed = (final !== alone.a && final !== alone.b) || (a.status === 0 && b.status === 0 && final !== alone[last]) || (final === alone.a && a.status !== 0) || (final === alone.b && b.status !== 0);
    if (mixed) {
      figures.mixedOutputs += 1;
      examples.mixed.push(`pair ${i}: statuses ${a.status}, ${b.status}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Helm-only acceptances: a weird value at a random path of api's production values, given to synth
//    (values/production.yaml, applications.api) and to Helm (-f over values-production.yaml).
// ---------------------------------------------------------------------------------------------
{
  const chart = join(root, 'dist', 'helm', 'api');
  const apiValues = { ...parse(readFileSync(join(chart, 'values.yaml'), 'utf8')), ...parse(readFileSync(join(chart, 'values-production.yaml'), 'utf8')) };
  // Keys synth derives itself (refused when written, by design); Helm's values files carry them.
  const derived = new Set(['environment', 'traffic', 'global']);
  const paths = leafPaths(apiValues).filter((p) => p.length > 0 && !derived.has(String(p[0])) && !(p[0] === 'networkPolicy' && p[1] === 'dependents'));
  for (let i = 0; i < RUNS; i += 1) {
    const path = pick(paths);
    const value = pick(WEIRD)();
    const dir = join(work, `helm-${i}`);
    cpSync(join(root, 'values'), join(dir, 'values'), { recursive: true });
    const file = join(dir, 'values', 'production.yaml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    // A string quoted, as in the -f file below: both get the same value ("on" written plain would be a
    // different value for Helm's YAML 1.1, which synth refuses as such, a rule on the file, not the value).
    const node = document.createNode(value);
    if (isScalar(node) && typeof value === 'string') node.type = 'QUOTE_DOUBLE';
    document.setIn(['applications', 'api', ...path], node);
    writeFileSync(file, withNesting(document.toString({ lineWidth: 0 })));
    const synth = run(process.execPath, [main, '--values', 'values', '--out', 'out', '--quiet'], { cwd: dir });
    if (synth.signal) figures.hangs += 1;
    if (synth.status === 0) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    figures.helmComparisons += 1;
    // Written for Helm's YAML 1.1 reader ("on" quoted): Helm gets the value synth got.
    const overlay = {};
    path.reduce((node, key, i) => {
      if (i === path.length - 1) node[key] = value;
      else node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
      return node[key];
    }, overlay);
    const overlayFile = join(dir, 'overlay.yaml');
    writeFileSync(overlayFile, withNesting(stringify(overlay, { version: '1.1', lineWidth: 0 })));
    for (const helm of helms) {
      const rendered = run(helm, ['template', 'api', chart, '-n', 'api-production', '-f', join(chart, 'values-production.yaml'), '-f', overlayFile], { env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
      if (rendered.signal) figures.hangs += 1;
      if (rendered.status !== 0) continue;
      figures.helmRendered += 1;
      // Rendered: refused by the rules across charts on the environment's objects?
      writeFileSync(join(dir, 'api.yaml'), rendered.stdout);
      const others = ['web', 'worker', 'monitoring'].map((name) => {
        const other = join(root, 'dist', 'helm', name);
        const namespace = name === 'monitoring' ? 'monitoring' : `${name}-production`;
        const out = join(dir, `${name}.yaml`);
        writeFileSync(out, run(helm, ['template', name, other, '-n', namespace, '-f', join(other, 'values-production.yaml')], { env: { PATH: process.env.PATH, HOME: '/nonexistent' } }).stdout);
        return out;
      });
      const validated = run(
        process.execPath,
        [
          join(root, 'build', 'validate.js'),
          '--schema-location',
          join(root, '..', 'shared', 'kubernetes-json-schema', '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
          '--schema-location',
          join(root, '..', 'shared', 'kubernetes-json-schema', 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
          join(dir, 'api.yaml'),
          ...others,
        ],
        { cwd: root },
      );
      const refusedAcross = /: (NetworkPolicy|AnalysisTemplate)\/[^:]*: /.test(validated.stdout) || validated.stdout.split('\n').some((line) => line.includes('api.yaml'));
      if (validated.status === 2 || validated.signal) throw new Error(`validate could not run: ${validated.stderr}`);
      if (refusedAcross) figures.refusedByValidate += 1;
      else {
        figures.helmOnlyAcceptances += 1;
        if (examples.helmOnly.length < 20)
          examples.helmOnly.push(`${helm.includes('helm3') ? 'Helm 3' : 'Helm 4'} ${path.join('.')}=${JSON.stringify(value)?.slice(0, 80)}: synth said ${synth.stderr.split('\n')[0].slice(0, 200)}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Special files, every command: none may stall.
// ---------------------------------------------------------------------------------------------
{
  const fifo = join(work, 'fifo.yaml');
  spawnSync('mkfifo', [fifo]);
  mkdirSync(join(work, 'cwd'));
  const cases = [
    ['build/main.js', ['--out', '/proc/synth-out']],
    ['build/main.js', ['--values', fifo, '--out', join(work, 'never')]],
    ['build/package.js', ['--out', '/proc/packages']],
    ['build/package.js', ['--dist', fifo]],
    ['build/validate.js', ['--no-policy', fifo]],
    ['build/validate.js', ['--no-policy', '/proc/self/status']],
    ['build/diff.js', ['dev', 'production', '--dir', fifo]],
    ['build/check-upgrade.js', ['--current', fifo]],
  ];
  for (const [entry, args] of cases) {
    const result = run(process.execPath, [join(root, entry), ...args], { cwd: root, timeout: 60_000 });
    if (result.signal) figures.specialFileHangs += 1;
  }
}

rmSync(work, { recursive: true, force: true });
const report = { date: new Date().toISOString(), options: { runs: RUNS, pairs: PAIRS, seed: Number(options.seed ?? 20) }, figures, examples };
writeFileSync(join(root, 'bench', 'faults.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
