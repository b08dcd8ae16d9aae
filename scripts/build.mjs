// Compiles the TypeScript entry points ahead of time with esbuild (no type checking here:
// `npm run typecheck` does that). One bundled file per entry keeps start-up to a single module load.
//
// Work done here once instead of at every run:
// - The values schemas (TypeBox) are compiled by ajv at build time into standalone validator code
//   bundled with them (see valuesSchemasAheadOfTime): runs do not compile them.
// - build/main.js runs the bundle with V8's code cache (see codeCached).
// - An entry whose bundle is up to date is not rebuilt (see isFresh): `npm run synth` only pays for
//   esbuild after a change. `--force` rebuilds anyway.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError, commandLineOrExit, didYouMean, reportUsageError } from '../lib/cli/command-line.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  main: 'main.ts',
  validate: 'cli/validate.ts',
  package: 'cli/package.ts',
  'check-upgrade': 'cli/check-upgrade.ts',
  diff: 'cli/diff.ts',
  'chart-versions': 'cli/chart-versions.ts',
};

// `node scripts/build.mjs main validate` builds those entries; no argument builds them all.
const BUILD_COMMAND = {
  name: 'build',
  invocation: 'npm run build --',
  summary: 'Bundles the entry points into build/ with esbuild (no type checking: npm run typecheck does that); an entry whose bundle is up to date is not rebuilt.',
  positionals: [{ name: 'ENTRY', multiple: true, description: `the entries to build (default: all): ${Object.keys(entries).join(', ')}` }],
  options: { force: { type: 'boolean', description: 'rebuild even the entries that are up to date' } },
};
const commandLine = commandLineOrExit(BUILD_COMMAND, process.argv.slice(2));
const force = commandLine.values.force === true;
const wanted = commandLine.positionals;
for (const name of wanted) {
  if (!(name in entries)) {
    reportUsageError(BUILD_COMMAND, new UsageError(`unknown entry ${name}${didYouMean(name, Object.keys(entries))} (entries: ${Object.keys(entries).join(', ')})`));
    process.exit(1);
  }
}
const selected = Object.fromEntries(Object.entries(entries).filter(([name]) => wanted.length === 0 || wanted.includes(name)));

const options = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // Graphviz in WebAssembly (5 MB): required from node_modules only by a run that draws a picture.
  external: ['@viz-js/viz'],
};

// ---------------------------------------------------------------------------------------------
// Up-to-date check. After a build, build/<entry>.inputs.json records every file the bundle was made
// from (esbuild's metafile inputs, the files the build-time generation read, package.json and
// tsconfig.json files, this script) and every directory holding one, with their inode, size, mtime
// and ctime, plus the bundle itself. The entry is fresh only if all of them are unchanged: ctime
// cannot be set back (an npm install, a git checkout or `touch` changes it), and a directory changes
// when a file is added beside a source (which could change module resolution). Any doubt rebuilds.
// ---------------------------------------------------------------------------------------------
const STAMP_VERSION = 1;
const stampPath = (name) => join(root, 'build', `${name}.inputs.json`);
const outputPath = (name) => join(root, 'build', `${name}.js`);
/** The files an entry's build writes: build/<entry>.js, and for a code-cached entry its bundle. */
const outputs = (name) => (codeCached.has(name) ? [outputPath(name), bundlePath(name)] : [outputPath(name)]);

function fingerprint(path) {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

function configKey() {
  // The build options (this script and esbuild's package.json are also among each entry's files).
  return createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(JSON.stringify(options))
    .digest('hex');
}

function isFresh(name) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath(name), 'utf8'));
  } catch {
    return false;
  }
  if (stamp.version !== STAMP_VERSION || stamp.entry !== entries[name] || stamp.config !== configKey()) return false;
  if (outputs(name).map(fingerprint).join(' ') !== stamp.output) return false;
  for (const [path, print] of Object.entries(stamp.files)) {
    if (fingerprint(resolve(root, path)) !== print) return false;
  }
  return true;
}

/** The package.json files and directories that decide how the inputs resolve. */
function resolutionFiles(inputs, entryPoints) {
  const files = new Set([
    fileURLToPath(import.meta.url),
    join(root, 'package.json'),
    join(root, 'tsconfig.json'),
    join(root, 'jsconfig.json'),
    createRequire(join(root, 'package.json')).resolve('esbuild/package.json'),
  ]);
  const dirs = new Set();
  for (const input of inputs) {
    if (entryPoints.has(input)) continue; // given by path: nothing beside it changes which file it is
    // Every folder from the input's up to the project's (a new file there, such as x.tsx beside x.ts
    // or a tsconfig.json, could change what is bundled), and the nearest package.json ("main",
    // "exports", "type" select the files).
    let packageFound = false;
    for (let dir = dirname(input); dir.startsWith(root + sep); dir = dirname(dir)) {
      dirs.add(dir);
      if (!packageFound && existsSync(join(dir, 'package.json'))) {
        files.add(join(dir, 'package.json'));
        packageFound = true;
      }
    }
  }
  return [...files, ...dirs];
}

function writeStamp(name, inputs, startedAt) {
  const files = {};
  const entryPoint = new Set([resolve(root, entries[name])]);
  for (const path of [...new Set([...inputs, ...resolutionFiles(inputs, entryPoint)])].sort()) {
    const s = existsSync(path) ? statSync(path, { bigint: true }) : undefined;
    // A file changed while esbuild was reading may be bundled in its old state: leave no stamp, so the
    // next run rebuilds. (File timestamps come from a coarse clock: allow for it.)
    if (s && Number(s.ctimeNs / 1_000_000n) >= startedAt - 100) return;
    files[relative(root, path).split(sep).join('/')] = fingerprint(path);
  }
  const stamp = { version: STAMP_VERSION, entry: entries[name], config: configKey(), output: outputs(name).map(fingerprint).join(' '), files };
  const temporary = `${stampPath(name)}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(stamp, null, 1)}\n`);
  renameSync(temporary, stampPath(name));
}

// ---------------------------------------------------------------------------------------------
// Values schemas ahead of time. checkAgainstSchema (lib/values/schema-check.ts) compiled each TypeBox
// schema with ajv at every run (~80 ms for the application values, ~130 ms for the monitoring
// values). The schemas listed here are evaluated at build time and compiled by ajv, with the same
// options, into standalone validator code bundled beside the schema; the schema's module gets one
// statement appended that attaches { validate, json } to the schema object (non-enumerable, under
// schema-check's PRECOMPILED_VALIDATOR symbol). At run time schema-check uses it only if the schema
// still serializes to `json`, else compiles as before. A schema not listed is compiled at run time.
// ---------------------------------------------------------------------------------------------
/** Module (from the project root) → its exported schemas given to checkAgainstSchema. */
const precompiledSchemas = {
  'lib/values/schema.ts': ['AppValuesSchema', 'PlatformFileSchema'],
  'lib/monitoring/values-schema.ts': ['MonitoringValuesSchema'],
  'lib/values/traffic.ts': ['TrafficSchema'],
};
const SCHEMA_CHECK_MODULE = join(root, 'lib', 'values', 'schema-check.ts');
const VALIDATOR_NAMESPACE = 'values-schema-validator';

/** Throws unless the value is JSON data (plain objects, arrays, strings, finite numbers, booleans, null; registered symbol keys allowed). */
function assertPlainData(value, path) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Error(`${path}: number ${value} is not JSON`);
    return;
  }
  if (typeof value !== 'object') throw new Error(`${path}: ${typeof value} is not JSON`);
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) throw new Error(`${path}: not a plain object`);
  for (const key of Reflect.ownKeys(value)) {
    if (Array.isArray(value) && key === 'length') continue;
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (!('value' in d) || !d.enumerable) throw new Error(`${path}: property ${String(key)} is not a plain data property`);
    if (typeof key === 'symbol' && Symbol.keyFor(key) === undefined) throw new Error(`${path}: symbol key ${String(key)}`);
    assertPlainData(d.value, `${path}.${String(key)}`);
  }
}

/**
 * Evaluates the schema modules (and schema-check.ts for the ajv options) and generates the validators:
 * { modules: Map<absolute path, [{ name, id, json }]>, validators: Map<id, code>, symbolKey, dependencies }.
 */
async function generateValidators(esbuild) {
  const modules = Object.keys(precompiledSchemas)
    .map((path) => join(root, path))
    .filter((path) => existsSync(path));
  const entry = [...modules.map((path, i) => `export * as m${i} from ${JSON.stringify(path)};`), `export { AJV_OPTIONS, PRECOMPILED_VALIDATOR } from ${JSON.stringify(SCHEMA_CHECK_MODULE)};`].join('\n');
  const bundled = await esbuild.build({
    absWorkingDir: root,
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'values-schemas-ahead-of-time.ts' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const requireFromRoot = createRequire(join(root, 'package.json'));
  const module = { exports: {} };
  new Function('module', 'exports', 'require', '__filename', '__dirname', bundled.outputFiles[0].text)(module, module.exports, requireFromRoot, join(root, 'build', 'schemas.js'), join(root, 'build'));
  const { AJV_OPTIONS, PRECOMPILED_VALIDATOR } = module.exports;
  const symbolKey = typeof PRECOMPILED_VALIDATOR === 'symbol' ? Symbol.keyFor(PRECOMPILED_VALIDATOR) : undefined;
  if (!AJV_OPTIONS || symbolKey === undefined) throw new Error('lib/values/schema-check.ts exports no AJV_OPTIONS and registered PRECOMPILED_VALIDATOR symbol');

  const Ajv = requireFromRoot('ajv').default;
  const standaloneCode = requireFromRoot('ajv/dist/standalone').default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const result = { modules: new Map(), validators: new Map(), symbolKey, dependencies: [] };
  modules.forEach((path, i) => {
    const source = readFileSync(path, 'utf8');
    const schemas = [];
    for (const name of precompiledSchemas[relative(root, path).split(sep).join('/')]) {
      const value = module.exports[`m${i}`][name];
      const where = `${relative(root, path)}: ${name}`;
      try {
        if (!new RegExp(`^export const ${name}\\b`, 'm').test(source)) throw new Error('not declared there as `export const`');
        if (value === null || typeof value !== 'object') throw new Error('not a schema object');
        assertPlainData(value, name);
      } catch (error) {
        console.warn(`build: ${where} is compiled at run time: ${error.message}`);
        continue;
      }
      // Compiled as schema-check.ts would at run time: a schema ajv rejects fails the build here.
      let code;
      try {
        code = standaloneCode(ajv, ajv.compile(value));
      } catch (error) {
        throw Object.assign(new Error(`${where}: ${error.message}`), { fatal: true });
      }
      const id = `v${result.validators.size}`;
      result.validators.set(id, code);
      schemas.push({ name, id, json: JSON.stringify(value) });
    }
    result.modules.set(path, schemas);
  });
  result.dependencies = [
    ...Object.keys(bundled.metafile.inputs)
      .filter((p) => !p.startsWith('<'))
      .map((p) => resolve(root, p)),
    ...modules,
    requireFromRoot.resolve('ajv/package.json'),
    requireFromRoot.resolve('ajv/dist/standalone'),
  ];
  return result;
}

function valuesSchemasAheadOfTime(esbuild, dependencies) {
  let generated;
  const generate = () => {
    generated ??= generateValidators(esbuild).then(
      (result) => {
        dependencies.push(...result.dependencies);
        return result;
      },
      (error) => {
        if (error.fatal) throw error;
        console.warn(`build: values schemas compiled at run time: ${error.message}`);
        return { modules: new Map(), validators: new Map() };
      },
    );
    return generated;
  };
  return {
    name: 'values-schemas-ahead-of-time',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!Object.keys(precompiledSchemas).some((path) => join(root, path) === args.path)) return undefined;
        const { modules, symbolKey } = await generate();
        const schemas = modules.get(args.path) ?? [];
        if (schemas.length === 0) return undefined;
        const appended = schemas.flatMap(({ name, id, json }) => [
          `import __precompiled_${id} from ${JSON.stringify(`${VALIDATOR_NAMESPACE}:${id}`)};`,
          `Object.defineProperty(${name}, Symbol.for(${JSON.stringify(symbolKey)}), { value: { validate: __precompiled_${id}, json: ${JSON.stringify(json)} } });`,
        ]);
        return { contents: `${readFileSync(args.path, 'utf8')}\n// Appended by scripts/build.mjs.\n${appended.join('\n')}\n`, loader: 'ts', resolveDir: dirname(args.path) };
      });
      b.onResolve({ filter: new RegExp(`^${VALIDATOR_NAMESPACE}:`) }, (args) => ({ path: args.path.slice(VALIDATOR_NAMESPACE.length + 1), namespace: VALIDATOR_NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: VALIDATOR_NAMESPACE }, async (args) => {
        const { validators } = await generate();
        return { contents: validators.get(args.path), loader: 'js', resolveDir: root };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Loading only what a run uses.
// - cdk8s ships its own copy of yaml (bundledDependencies). When it is the same version as the
//   project's, the bundle holds and loads one copy.
// - cdk8s requires child_process at load (with it net, stream, dgram and more), for its Helm construct
//   and URL includes, which this project never runs: in the bundle, child_process is loaded when
//   first used.
// ---------------------------------------------------------------------------------------------
const inPackage = (file, name) => file.includes(`${sep}node_modules${sep}${name}${sep}`);

function sharedCopies() {
  const requireFromRoot = createRequire(join(root, 'package.json'));
  return {
    name: 'shared-copies',
    setup(b) {
      b.onResolve({ filter: /^yaml$/ }, (args) => {
        if (!inPackage(args.importer, 'cdk8s')) return undefined;
        const own = createRequire(args.importer);
        const version = (resolve) => JSON.parse(readFileSync(resolve('yaml/package.json'), 'utf8')).version;
        if (version(own.resolve) !== version(requireFromRoot.resolve)) return undefined;
        return { path: requireFromRoot.resolve('yaml') };
      });
    },
  };
}

/** Builtins loaded when first called: the functions cdk8s reads from them at load (wrappers). */
const LAZY_BUILTINS = { child_process: ['spawnSync', 'execFileSync'] };

function lazyBuiltins() {
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z_]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!(name in LAZY_BUILTINS) || !inPackage(args.importer, 'cdk8s')) return undefined;
        return { path: name, namespace: 'lazy-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));
const wrappers = { ${LAZY_BUILTINS[args.path].map((f) => `${f}: (...a) => load().${f}(...a)`).join(', ')} };
module.exports = new Proxy(wrappers, { get: (_, key) => (Object.hasOwn(wrappers, key) ? wrappers[key] : load()[key]) });
`,
        loader: 'js',
      }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// V8 code cache. Node 20 compiles a 1 MB bundle from source at every start and each function again
// when first called. For these entries build/<entry>.js is a small loader that compiles the bundle
// (build/<entry>.bundle.js) with vm.Script and the code cache build/<entry>.bundle.js.cache, which
// V8 writes after a run that had none (it then holds the functions that run compiled). The cache
// records the SHA-256 of the bundle it was made from and is ignored when that differs; V8 ignores a
// cache from another V8 version or other flags. Either way the run compiles from source and writes
// a new cache. The bundle runs as the main module would: same module, require, __filename/__dirname
// of the bundle. The loader also raises V8's optimization threshold (measured: -50 ms for values/,
// unchanged for 100 and 300 applications).
// ---------------------------------------------------------------------------------------------
const codeCached = new Set(['main', 'validate']);
/** V8's tier-up budget in the loader (default 67584); see the loader. */
const INTERRUPT_BUDGET = 8 * 67584;
const bundleName = (name) => `${name}.bundle`;
const bundlePath = (name) => join(root, 'build', `${bundleName(name)}.js`);

const loader = (name) => `'use strict';
// Written by scripts/build.mjs: runs ./${bundleName(name)}.js with V8's code cache (see the build script).
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { join } = require('node:path');
const vm = require('node:vm');

// A run is short: optimize only functions that stay hot 8 times longer than V8's default, so that a
// run does not spend its time (and the second core) compiling code it is about to stop running.
require('node:v8').setFlagsFromString('--interrupt-budget=${INTERRUPT_BUDGET}');
const file = join(__dirname, ${JSON.stringify(`${bundleName(name)}.js`)});
const cacheFile = \`\${file}.cache\`;
const bytes = readFileSync(file);
const digest = createHash('sha256').update(bytes).digest();
let cachedData;
try {
  const cache = readFileSync(cacheFile);
  if (cache.length > digest.length && digest.equals(cache.subarray(0, digest.length))) cachedData = cache.subarray(digest.length);
} catch {}
const script = new vm.Script(\`(function (exports, require, module, __filename, __dirname) {\${bytes.toString('utf8')}\\n})\`, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      const temporary = \`\${cacheFile}.\${process.pid}\`;
      writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]));
      renameSync(temporary, cacheFile);
    } catch {} // a read-only build/: every run compiles from source
  });
}
script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
`;

function writeLoader(name) {
  const temporary = `${outputPath(name)}.${process.pid}`;
  writeFileSync(temporary, loader(name));
  renameSync(temporary, outputPath(name));
  rmSync(`${outputPath(name)}.map`, { force: true }); // the map of a bundle once written there
}

// ---------------------------------------------------------------------------------------------

const stale = Object.fromEntries(Object.entries(selected).filter(([name]) => force || !isFresh(name)));
if (Object.keys(stale).length > 0) {
  const esbuild = await import('esbuild');
  const startedAt = Date.now();
  const dependencies = [];
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(stale).map(([name, file]) => [codeCached.has(name) ? bundleName(name) : name, file])),
    outdir: 'build',
    ...options,
    metafile: true,
    write: false,
    plugins: [valuesSchemasAheadOfTime(esbuild, dependencies), sharedCopies(), lazyBuiltins()],
  });
  // Each file replaced in one step: a synth running meanwhile reads the old bundle or the new one.
  mkdirSync(join(root, 'build'), { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  for (const name of Object.keys(stale)) {
    const output = result.metafile.outputs[`build/${codeCached.has(name) ? bundleName(name) : name}.js`];
    if (!output) continue;
    if (codeCached.has(name)) writeLoader(name);
    const inputs = Object.keys(output.inputs)
      .filter((p) => !p.includes(':'))
      .map((p) => resolve(root, p));
    writeStamp(name, [...inputs, ...dependencies], startedAt);
  }
}

// cdk8s's Include (and Yaml.load) reads a file or URL in a child process running `_loadurl.mjs`, found
// beside the module (path.join(__dirname, '_loadurl.mjs')). In the bundle __dirname is build/, so the
// script goes there, as it is (copied when missing or changed: it is not part of the bundle's stamp).
{
  const source = createRequire(join(root, 'package.json')).resolve('cdk8s/lib/_loadurl.mjs');
  const target = join(root, 'build', '_loadurl.mjs');
  const content = readFileSync(source);
  let current;
  try {
    current = readFileSync(target);
  } catch {
    current = undefined;
  }
  if (!current?.equals(content)) {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(`${target}.${process.pid}`, content);
    renameSync(`${target}.${process.pid}`, target);
  }
}
