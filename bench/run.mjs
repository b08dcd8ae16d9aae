// `npm run bench`: whole-process benchmarks of the synth and its references, on this machine.
// Every figure is a whole process (start-up included), measured after warm-up runs: median, min and
// max wall time, and peak resident memory (GNU time's %M: the largest process of the run). Writes
// bench/results.json and prints a table. Outputs go to bench/work/ (gitignored), never to dist/.
//
// The synth runs print their stage times (SYNTH_STAGE_TIMES=1, lib/synth/stage-times.ts): the medians
// per stage are in bench/results.json and in a second table.
//
//   npm run bench                 everything but the 1,000-application project (about 3 minutes)
//   npm run bench -- --quick      fewer runs, no 300-application project
//   npm run bench -- --only synth,direct,floor,build,scale,scale1000,helm,validate
//                                 scale1000: 1,000 applications (opt-in: about 2 minutes more)
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, commandLineOrExit, didYouMean, reportUsageError } from '../lib/cli/command-line.cjs';
import { LEAN_TEMPLATES, generateValues } from './generate.mjs';
import { hasGnuTime, measure, median, round, runOnce } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', 'work');
const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const helm = join(root, '.tools', 'helm3', 'helm');
const schemas = join(root, '..', 'shared', 'kubernetes-json-schema');

const SECTIONS = ['synth', 'direct', 'floor', 'build', 'scale', 'scale1000', 'helm', 'validate'];
/** Sections run when --only does not name them. */
const OPT_IN = new Set(['scale1000']);
const BENCH_COMMAND = {
  name: 'bench',
  invocation: 'npm run bench --',
  summary: 'Times whole processes of the synth, Helm and validation on this machine and writes bench/results.json (outputs in bench/work/).',
  options: {
    quick: { type: 'boolean', description: 'fewer runs, no 300-application project' },
    only: { type: 'string', value: 'SECTIONS', description: `comma-separated sections to run: ${SECTIONS.join(', ')}` },
  },
};
const { values: options } = commandLineOrExit(BENCH_COMMAND, process.argv.slice(2));
const quick = options.quick === true;
const only = options.only === undefined ? undefined : new Set(String(options.only).split(','));
for (const name of only ?? []) {
  if (!SECTIONS.includes(name)) {
    reportUsageError(BENCH_COMMAND, new UsageError(`--only ${name}: no such section${didYouMean(name, SECTIONS)} (sections: ${SECTIONS.join(', ')})`));
    process.exit(1);
  }
}
const wanted = (section) => (only ? only.has(section) : !OPT_IN.has(section));
/** The synth's environment in timed runs: its stage times on stderr (a few performance.now() calls per file). */
const stageEnv = { ...process.env, SYNTH_STAGE_TIMES: '1' };
const runs = (full, fewer = Math.max(3, Math.ceil(full / 2))) => (quick ? fewer : full);
const SCALE = quick ? [10, 100] : [10, 100, 300];

mkdirSync(work, { recursive: true });
const startedAt = Date.now();
const results = {
  date: new Date().toISOString(),
  machine: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', loadAverageAtStart: round(loadavg()[0], 2) },
  method: `wall time from spawn to exit (hrtime); peak memory ${hasGnuTime ? 'from /usr/bin/time -f %M (largest resident set of the process and its waited-for children)' : 'not measured (no GNU time at /usr/bin/time)'}`,
  measurements: {},
  notes: [],
  targets: {},
};
const rows = [];

// Two cases for the same synth: the output directory already holds what the synth makes (the usual
// run: synth after a change that leaves most files as they are; nothing is written), and an empty
// output directory (every file created: on this machine's disk mostly file-system time, and noisy).
// The previous output is renamed away (not deleted) before each run, and removed after the section:
// on this disk a mass deletion slows the file creations that follow it for seconds.
const setAside = [];
const emptied = (dir) => () => {
  if (!existsSync(dir)) return;
  const aside = `${dir}.aside-${setAside.length}`;
  renameSync(dir, aside);
  setAside.push(aside);
};
function removeSetAside() {
  for (const dir of setAside.splice(0)) rmSync(dir, { recursive: true, force: true });
  spawnSync('sync');
}

function record(key, label, measured, extra = {}) {
  results.measurements[key] = { label, ...measured, ...extra };
  rows.push({ label, ...measured, ...extra });
  const peak = measured.peakMB === null ? '' : `, peak ${measured.peakMB} MB`;
  console.error(`  ${label}: median ${measured.medianMs} ms (min ${measured.minMs}, max ${measured.maxMs})${peak}`);
}

function note(text) {
  results.notes.push(text);
  console.error(`  note: ${text}`);
}

function section(name, run) {
  if (!wanted(name)) return;
  console.error(`${name}...`);
  try {
    run();
  } catch (error) {
    note(`${name}: failed: ${error.message.split('\n').slice(0, 6).join(' | ')}`);
  } finally {
    removeSetAside();
  }
}

// The synth's bundle must exist and be current before anything is timed (untimed; see "build" for its cost).
runOnce(node, [join(root, 'scripts', 'build.mjs'), 'main']);
const shippedOut = join(work, 'out-shipped');

section('build', () => {
  // What `npm run synth` pays after a source change (esbuild + schemas compiled ahead of time), and
  // when nothing changed (the up-to-date check alone). The first run after a rebuild writes the code cache.
  record(
    'buildForced',
    'esbuild step after a change (scripts/build.mjs main --force)',
    measure({ command: node, args: [join(root, 'scripts', 'build.mjs'), 'main', '--force'], runs: runs(3), warmup: 1, cwd: root }),
  );
  runOnce(node, [join(root, 'build', 'main.js'), '--out', shippedOut], { cwd: root });
  record('buildFresh', 'up-to-date check (scripts/build.mjs main, nothing changed)', measure({ command: node, args: [join(root, 'scripts', 'build.mjs'), 'main'], runs: runs(7), warmup: 1, cwd: root }));
});

section('synth', () => {
  record('npmSynth', 'npm run synth (shipped values/, into bench/work)', measure({ command: npm, args: ['run', '-s', 'synth', '--', '--out', shippedOut], runs: runs(7), warmup: 2, cwd: root }));
});

section('direct', () => {
  record(
    'direct',
    'node build/main.js (shipped values/, output unchanged)',
    measure({ command: node, args: [join(root, 'build', 'main.js'), '--out', shippedOut], runs: runs(11), warmup: 2, cwd: root, env: stageEnv }),
  );
  const freshOut = join(work, 'out-shipped-fresh');
  record(
    'directFresh',
    'node build/main.js (shipped values/, into an empty directory)',
    measure({ command: node, args: [join(root, 'build', 'main.js'), '--out', freshOut], runs: runs(11), warmup: 2, cwd: root, env: stageEnv, before: emptied(freshOut) }),
  );
});

section('floor', () => {
  record('floor', 'node -e "require(\'cdk8s-plus-27\')" (floor)', measure({ command: node, args: ['-e', "require('cdk8s-plus-27')"], runs: runs(11), warmup: 2, cwd: root }));
  record('nodeStart', 'node -e 0 (Node.js start-up)', measure({ command: node, args: ['-e', '0'], runs: runs(11), warmup: 2, cwd: root }));
});

/** Synth of a generated project of `count` applications, into an empty directory and then unchanged (medians by count). */
const perApp = {};
const perAppFresh = {};
function scaleRuns(count, timedRuns, templates = undefined) {
  const values = join(work, `values-${count}`);
  generateValues(count, values, undefined, templates);
  const out = join(work, `out-${count}`);
  const args = [join(root, 'build', 'main.js'), '--values', values, '--out', out];
  const environments = readdirSync(values).filter((f) => f.endsWith('.yaml') && f !== 'base.yaml').length;
  const fresh = measure({ command: node, args, runs: timedRuns, warmup: 1, cwd: root, env: stageEnv, before: emptied(out) });
  record(`apps${count}Fresh`, `${count} applications x ${environments} environments, into an empty directory`, fresh, { applications: count, environments });
  const measured = measure({ command: node, args, runs: timedRuns, warmup: 1, cwd: root, env: stageEnv });
  record(`apps${count}`, `${count} applications x ${environments} environments, output unchanged`, measured, { applications: count, environments });
  perApp[count] = measured.medianMs;
  perAppFresh[count] = fresh.medianMs;
}

/** The time per added application over each step between the counts measured (marginal cost: linear when the same at every step). */
function scaleSteps() {
  const counts = Object.keys(perApp)
    .map(Number)
    .sort((a, b) => a - b);
  const steps = (medians) => counts.slice(1).map((b, i) => ({ from: counts[i], to: b, msPerApplication: round((medians[b] - medians[counts[i]]) / (b - counts[i]), 2) }));
  results.measurements.scaleSteps = steps(perApp);
  results.measurements.scaleStepsFresh = steps(perAppFresh);
  console.error(`  per added application: ${results.measurements.scaleSteps.map((s) => `${s.from}->${s.to}: ${s.msPerApplication} ms`).join(', ')}`);
}

section('scale', () => {
  for (const count of SCALE) scaleRuns(count, runs(count >= 300 ? 3 : count >= 100 ? 5 : 7, 3));
  scaleSteps();
});

section('scale1000', () => {
  // Opt-in (--only scale1000): with `scale` in the same run, the marginal cost spans 10 to 1,000 applications.
  // Clones of api, worker and ten of web in turn: a values file holds at most 1 MiB (bench/generate.mjs).
  scaleRuns(1000, runs(3, 2), LEAN_TEMPLATES);
  scaleSteps();
});

section('helm', () => {
  if (!existsSync(helm)) {
    note(`helm: ${relative(root, helm)} missing (npm run setup:tools): skipped`);
    return;
  }
  if (!existsSync(join(shippedOut, 'helm'))) runOnce(node, [join(root, 'build', 'main.js'), '--out', shippedOut], { cwd: root });
  const helmDir = join(shippedOut, 'helm');
  // The release namespace is the one the chart's plain Namespace object names (as in test/support/dist.ts).
  const releaseNamespace = (env, chart) => {
    const dir = join(shippedOut, 'manifests', env, chart);
    for (const file of existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.yaml'))
          .sort()
      : []) {
      const text = readFileSync(join(dir, file), 'utf8');
      const name = /^kind: Namespace$/m.test(text) && /^metadata:\n(?: {2}.*\n)*? {2}name: ("?)([^"\n]+)\1$/m.exec(text);
      if (name) return name[2];
    }
    return `${chart}-${env}`;
  };
  const jobs = [];
  for (const chart of readdirSync(helmDir).sort()) {
    const dir = join(helmDir, chart);
    if (!existsSync(join(dir, 'Chart.yaml'))) continue;
    for (const file of readdirSync(dir)
      .filter((f) => /^values-.+\.yaml$/.test(f))
      .sort()) {
      const env = file.slice('values-'.length, -'.yaml'.length);
      jobs.push([chart, env, ['template', chart, dir, '--namespace', releaseNamespace(env, chart), '-f', join(dir, file)]]);
    }
  }
  // One pass = every chart x environment, one helm process each, one after the other.
  const pass = () => {
    let ms = 0;
    let peakMB = null;
    for (const [, , args] of jobs) {
      const r = runOnce(helm, args, { cwd: root });
      ms += r.ms;
      if (r.peakMB !== null) peakMB = Math.max(peakMB ?? 0, r.peakMB);
    }
    return { ms, peakMB };
  };
  pass();
  const passes = Array.from({ length: runs(3) }, pass);
  const times = passes.map((p) => p.ms);
  record(
    'helmTemplate',
    `helm template, ${jobs.length} processes (every chart x environment), total`,
    {
      runs: passes.length,
      medianMs: round(median(times)),
      minMs: round(Math.min(...times)),
      maxMs: round(Math.max(...times)),
      peakMB: passes[0].peakMB === null ? null : round(Math.max(...passes.map((p) => p.peakMB))),
    },
    { processes: jobs.length, medianMsPerProcess: round(median(times) / jobs.length) },
  );
});

section('validate', () => {
  const buildScript = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');
  if (!existsSync(join(root, 'cli', 'validate.ts')) || !/\bvalidate:\s*'cli\/validate\.ts'/.test(buildScript)) {
    note('validate: cli/validate.ts or its build entry does not exist yet: skipped');
    return;
  }
  if (!existsSync(schemas)) {
    note(`validate: no local schemas at ${schemas}: skipped (the default locations need the network)`);
    return;
  }
  runOnce(node, [join(root, 'scripts', 'build.mjs'), 'validate'], { cwd: root });
  const locations = [
    '--schema-location',
    join(schemas, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    '--schema-location',
    join(schemas, 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
  ];
  const corpora = [['shipped', join(shippedOut, 'manifests')]];
  if (existsSync(join(work, 'out-100', 'manifests'))) corpora.push(['100 applications', join(work, 'out-100', 'manifests')]);
  for (const [name, dir] of corpora) {
    if (!existsSync(dir)) runOnce(node, [join(root, 'build', 'main.js'), '--out', shippedOut], { cwd: root });
    const args = [join(root, 'build', 'validate.js'), ...locations, dir];
    const probe = spawnSync(node, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const documents = Number(/validated (\d+) documents/.exec(probe.stdout)?.[1]);
    if (!(documents > 0)) throw new Error(`no "validated N documents" line (exit ${probe.status}): ${probe.stderr.slice(0, 300)}`);
    if (probe.status !== 0) note(`validate (${name}): exit code ${probe.status} (findings); timed anyway`);
    const measured = measure({ command: node, args, runs: runs(name === 'shipped' ? 5 : 3, 2), warmup: 1, cwd: root, okStatuses: [0, 1] });
    record(`validate${name === 'shipped' ? '' : '100'}`, `node build/validate.js, ${name} manifests`, measured, {
      documents,
      documentsPerSecond: round(documents / (measured.medianMs / 1000), 0),
    });
  }
  const npmArgs = ['run', '-s', 'validate', '--', ...locations, join(shippedOut, 'manifests')];
  record('npmValidate', 'npm run validate (shipped manifests)', measure({ command: npm, args: npmArgs, runs: runs(3, 2), warmup: 1, cwd: root, okStatuses: [0, 1] }));
});

// ---------------------------------------------------------------------------------------------
const m = results.measurements;
const target = (key, description, ok, detail) => {
  if (ok === undefined) return;
  results.targets[key] = { description, met: ok, detail };
};
// Targets of issue 24 (synth fast at any size), and the earlier ones of issue 5 still standing.
if (m.direct && m.floor) {
  const ratio = round(m.direct.medianMs / m.floor.medianMs, 2);
  const fresh = m.directFresh ? `; into an empty directory ${round(m.directFresh.medianMs / m.floor.medianMs, 2)} x` : '';
  target('direct', 'synth entry run directly <= 2 x the require("cdk8s-plus-27") floor (shipped values, output unchanged)', ratio <= 2, `${ratio} x${fresh}`);
}
if (m.npmSynth) target('npmSynth', 'npm run synth < 800 ms', m.npmSynth.medianMs < 800, `${m.npmSynth.medianMs} ms`);
if (m.apps100) target('apps100', '100 applications x 3 environments <= 1.5 s (output unchanged)', m.apps100.medianMs <= 1500, `${m.apps100.medianMs} ms`);
if (m.apps100Fresh) target('apps100Fresh', '100 applications x 3 environments <= 3 s (into an empty directory)', m.apps100Fresh.medianMs <= 3000, `${m.apps100Fresh.medianMs} ms`);
if (m.apps1000) {
  const peak = Math.max(...[m.apps1000, m.apps1000Fresh].filter(Boolean).map((x) => x.peakMB ?? 0));
  target('apps1000', '1,000 applications x 3 environments <= 10 s, peak memory < 1 GB (output unchanged)', m.apps1000.medianMs <= 10000 && peak < 1024, `${m.apps1000.medianMs} ms, peak ${peak} MB`);
}
if (m.apps1000Fresh) target('apps1000Fresh', '1,000 applications x 3 environments <= 20 s (into an empty directory)', m.apps1000Fresh.medianMs <= 20000, `${m.apps1000Fresh.medianMs} ms`);
if (m.scaleSteps?.length >= 1) {
  // The marginal cost: over the widest step measured from 100 applications (or the last step).
  const step = m.scaleSteps.find((s) => s.from === 100 && s.to === 1000) ?? m.scaleSteps[m.scaleSteps.length - 1];
  target('marginal', 'marginal cost <= 10 ms per added application (output unchanged)', step.msPerApplication <= 10, `${step.msPerApplication} ms (${step.from} -> ${step.to} applications)`);
}
if (m.scaleSteps?.length >= 2) {
  const [a, b] = [m.scaleSteps[0].msPerApplication, m.scaleSteps[m.scaleSteps.length - 1].msPerApplication];
  const ratio = round(b / a, 2);
  target('linear', 'linear cost (output unchanged): ms per added application about the same at every step (ratio 0.7 to 1.4)', ratio >= 0.7 && ratio <= 1.4, `${a} then ${b} ms per application (x${ratio})`);
}
if (m.apps300?.peakMB != null) {
  const peaks = [m.apps300, m.apps300Fresh].filter(Boolean).map((x) => x.peakMB);
  target('memory300', 'peak memory at 300 applications < 250 MB (output unchanged, empty directory)', Math.max(...peaks) < 250, `${peaks.join(' MB, ')} MB`);
}

results.machine.loadAverageAtEnd = round(loadavg()[0], 2);
results.durationSeconds = round((Date.now() - startedAt) / 1000);
if (results.machine.loadAverageAtStart > cpus().length / 2) {
  note(`the machine was busy (load average ${results.machine.loadAverageAtStart} on ${cpus().length} CPUs): figures are noisy`);
}
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

// The table.
const cell = (v) => (v === null || v === undefined ? '' : String(v));
const table = [['measurement', 'median ms', 'min ms', 'max ms', 'peak MB', 'notes']];
for (const r of rows) {
  const extra = [];
  if (r.documentsPerSecond) extra.push(`${r.documents} docs, ${r.documentsPerSecond} docs/s`);
  if (r.processes) extra.push(`${r.medianMsPerProcess} ms per process`);
  table.push([r.label, cell(r.medianMs), cell(r.minMs), cell(r.maxMs), cell(r.peakMB), extra.join('; ')]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => `| ${row.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(line(table[0]));
console.log(`|${widths.map((w, i) => (i === 0 || i === 5 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const row of table.slice(1)) console.log(line(row));
// Stage times of the synth runs (medians of the runs' own figures, main thread; lib/synth/stage-times.ts).
const staged = Object.entries(m).filter(([, r]) => r?.stages);
if (staged.length > 0) {
  const short = (r) =>
    r.label
      .replace(/^node build\/main\.js \((.*)\)$/, '$1')
      .replace(' x 3 environments', '')
      .replace('into an empty directory', 'empty');
  const ORDER = [
    'start-up',
    'output folder',
    'values and rules',
    'construct tree',
    'evaluation',
    'helm chart files',
    'gitops inventory and references',
    'pictures',
    'comparing and writing',
    'summary',
    'waiting for the helper thread',
    'other',
  ];
  const rank = (name) => ORDER.findIndex((o) => name === o || name.startsWith(`${o} `));
  const names = [...new Set(staged.flatMap(([, r]) => Object.keys(r.stages)))].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  const stageTable = [['stage (ms)', ...staged.map(([, r]) => short(r))], ...names.map((name) => [name, ...staged.map(([, r]) => cell(r.stages[name] ?? ''))])];
  stageTable.push(['CPU time (user + system)', ...staged.map(([, r]) => cell(r.cpuMs))]);
  const w = stageTable[0].map((_, i) => Math.max(...stageTable.map((row) => row[i].length)));
  const stageLine = (row) => `| ${row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  console.log(`\n${stageLine(stageTable[0])}`);
  console.log(`|${w.map((x, i) => (i === 0 ? `:${'-'.repeat(x + 1)}` : `${'-'.repeat(x + 1)}:`)).join('|')}|`);
  for (const row of stageTable.slice(1)) console.log(stageLine(row));
}
if (m.scaleSteps) console.log(`\nper added application (output unchanged): ${m.scaleSteps.map((s) => `${s.from}->${s.to} apps ${s.msPerApplication} ms`).join(', ')}`);
if (m.scaleStepsFresh) console.log(`per added application (empty directory): ${m.scaleStepsFresh.map((s) => `${s.from}->${s.to} apps ${s.msPerApplication} ms`).join(', ')}`);
console.log('\ntargets:');
for (const t of Object.values(results.targets)) console.log(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.description}: ${t.detail}`);
for (const n of results.notes) console.log(`note: ${n}`);
console.log(
  `\n${results.machine.cpus} x ${results.machine.cpuModel}, Node ${results.machine.node}, load average ${results.machine.loadAverageAtStart} -> ${results.machine.loadAverageAtEnd}; ${results.durationSeconds} s; bench/results.json`,
);
