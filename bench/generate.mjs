// Generates a values directory with N applications, from values/: the `api` and `worker` applications
// cloned under new names (api-001, worker-002, ...), alternately, with their overrides in every
// environment overlay. Host names, secret names and other strings naming the application follow.
//   node bench/generate.mjs N OUT_DIR
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const YAML = createRequire(join(root, 'package.json'))('yaml');
const TEMPLATES = ['api', 'worker'];

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
function cloneDeclared(prerequisites, names) {
  for (const section of ['secrets', 'configMaps']) {
    const byNamespace = prerequisites?.[section];
    if (!byNamespace) continue;
    for (const [namespace, objects] of Object.entries(byNamespace)) {
      const template = TEMPLATES.find((t) => namespace.startsWith(`${t}-`));
      if (!template) continue;
      delete byNamespace[namespace];
      for (const name of names.filter((n) => n.slice(0, n.lastIndexOf('-')) === template)) byNamespace[rename(namespace, template, name)] = rename(objects, template, name);
    }
  }
}

export function appNames(count) {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `${TEMPLATES[i % TEMPLATES.length]}-${String(i + 1).padStart(width, '0')}`);
}

/** Writes OUT_DIR/base.yaml and one overlay per environment of values/, for `count` applications. */
export function generateValues(count, outDir, valuesDir = join(root, 'values')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const names = appNames(count);
  for (const file of readdirSync(valuesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const data = YAML.parse(readFileSync(join(valuesDir, file), 'utf8')) ?? {};
    const templates = data.applications ?? {};
    if (Object.keys(templates).length > 0 || file === 'base.yaml') {
      const applications = {};
      for (const name of names) {
        const template = name.slice(0, name.lastIndexOf('-'));
        if (templates[template] !== undefined) applications[name] = rename(templates[template], template, name);
      }
      data.applications = applications;
      if (file === 'base.yaml') {
        const missing = TEMPLATES.filter((t) => !(t in templates));
        if (missing.length > 0) throw new Error(`values/base.yaml has no application ${missing.join(', ')} to clone`);
      }
    }
    cloneDeclared(data.prerequisites, names);
    writeFileSync(join(outDir, file), YAML.stringify(data, { lineWidth: 0 }));
  }
  return names;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, out] = process.argv.slice(2);
  if (!(Number(count) > 0) || !out) {
    console.error('usage: node bench/generate.mjs N OUT_DIR');
    process.exit(2);
  }
  generateValues(Number(count), out);
}
