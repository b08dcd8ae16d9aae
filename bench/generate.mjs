// Generates a values directory with N applications, from values/: the `api` and `worker` applications
// cloned under new names (api-001, worker-002, ...), alternately, with their overrides in every
// environment overlay. Host names, secret names and other strings naming the application follow.
// `--templates api,worker,web,...` clones those applications of values/ in turn instead: a values file
// holds at most 1 MiB (lib/values/source.ts), which about 330 clones of api and worker fill, so the
// 1,000-application project of the benchmark is mostly clones of the smaller `web` (LEAN_TEMPLATES).
//   node bench/generate.mjs N OUT_DIR [--templates a,b,...]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const YAML = createRequire(join(root, 'package.json'))('yaml');
const TEMPLATES = ['api', 'worker'];
/** Other words that name an application in its strings (web serves www.{domain}): renamed like its name. */
const OTHER_NAMES = { web: ['www'] };
/** The applications cloned in turn for 1,000 applications: base.yaml then holds about 0.9 MiB. */
export const LEAN_TEMPLATES = ['api', 'worker', ...Array(10).fill('web')];

/**
 * Deep copy of a YAML value with every string naming the template (api, api-tls, api.example.com) renamed,
 * map keys too (the Secret names of `secrets`, which secretEnv refers to).
 */
function rename(value, from, to) {
  if (typeof value === 'string') return value.replace(new RegExp(`(^|[.-])${from}(?=$|[.-])`, 'g'), `$1${to}`);
  if (Array.isArray(value)) return value.map((item) => rename(item, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k, from, to), rename(v, from, to)]));
  }
  return value;
}

/**
 * The existing Secrets and ConfigMaps an overlay declares in the templates' namespaces (`<template>-<env>`,
 * prerequisites.secrets and .configMaps), declared for each clone in its own namespace.
 */
function cloneDeclared(prerequisites, names, templateNames) {
  for (const section of ['secrets', 'configMaps']) {
    const byNamespace = prerequisites?.[section];
    if (!byNamespace) continue;
    for (const [namespace, objects] of Object.entries(byNamespace)) {
      const template = templateNames.find((t) => namespace.startsWith(`${t}-`));
      if (!template) continue;
      delete byNamespace[namespace];
      for (const name of names.filter((n) => n.slice(0, n.lastIndexOf('-')) === template)) byNamespace[rename(namespace, template, name)] = rename(objects, template, name);
    }
  }
}

/**
 * The clone another template application is in the same turn as clone `i` (a web clone depends on
 * the api clone beside it, as web depends on api in values/), else the first; undefined for a name
 * that is not a template.
 */
function peerOf(names, templates, i, template) {
  const at = templates.indexOf(template);
  if (at < 0) return undefined;
  return names[i - (i % templates.length) + at] ?? names[at];
}

/** The application names of `app:` keys (e.g. networkPolicy.dependencies[].app) that are template names, replaced by `peer(name)`. */
function relink(value, peer) {
  if (Array.isArray(value)) return value.map((item) => relink(item, peer));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'app' && typeof v === 'string' ? (peer(v) ?? v) : relink(v, peer)]));
  }
  return value;
}

function appNames(count, templates) {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `${templates[i % templates.length]}-${String(i + 1).padStart(width, '0')}`);
}

/**
 * Writes OUT_DIR/base.yaml and one overlay per environment of values/, for `count` applications cloned
 * from `templates` (applications of values/) in turn.
 */
export function generateValues(count, outDir, valuesDir = join(root, 'values'), templates = TEMPLATES) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const names = appNames(count, templates);
  const templateNames = [...new Set(templates)];
  for (const file of readdirSync(valuesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const data = YAML.parse(readFileSync(join(valuesDir, file), 'utf8')) ?? {};
    const sources = data.applications ?? {};
    if (Object.keys(sources).length > 0 || file === 'base.yaml') {
      const applications = {};
      names.forEach((name, i) => {
        const template = name.slice(0, name.lastIndexOf('-'));
        if (sources[template] === undefined) return;
        const renamed = (OTHER_NAMES[template] ?? []).reduce((value, other) => rename(value, other, name), rename(sources[template], template, name));
        applications[name] = relink(renamed, (app) => peerOf(names, templates, i, app));
      });
      data.applications = applications;
      if (file === 'base.yaml') {
        const missing = templateNames.filter((t) => !(t in sources));
        if (missing.length > 0) throw new Error(`values/base.yaml has no application ${missing.join(', ')} to clone`);
      }
    }
    cloneDeclared(data.prerequisites, names, templateNames);
    writeFileSync(join(outDir, file), YAML.stringify(data, { lineWidth: 0 }));
  }
  return names;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, out, flag, list] = process.argv.slice(2);
  if (!(Number(count) > 0) || !out || (flag !== undefined && (flag !== '--templates' || !list))) {
    console.error('usage: node bench/generate.mjs N OUT_DIR [--templates a,b,...]');
    process.exit(2);
  }
  generateValues(Number(count), out, undefined, list ? list.split(',') : TEMPLATES);
}
