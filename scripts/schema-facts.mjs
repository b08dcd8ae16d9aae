// Generates lib/upgrade/schema-facts.json (committed): what the review tools (`npm run diff`,
// `npm run check-upgrade`) read from the Kubernetes and CRD schemas instead of a hand-kept list.
// `npm run schema-facts`. Offline and re-runnable: the same schemas give the same file.
//
// - listKeys: for each kind (`<group>/<kind in lower case>`), the lists whose items are identified by
//   keys, by the path of the list (`spec.template.spec.containers[].ports`, `[]` standing for any item):
//   `x-kubernetes-list-map-keys` (server-side apply's keys) or else `x-kubernetes-patch-merge-key`
//   (strategic merge patch's `patchMergeKey`), exactly as `kubectl apply` and the API server merge them.
//   The diff matches the items of these lists by their keys (a container by its name, a container port
//   by containerPort and protocol), and any other list by a longest common subsequence.
// - immutable: for each custom resource kind, the fields its CRD declares unchangeable with a CEL
//   transition rule `self == oldSelf` (or `oldSelf == self`), with the rule's message (e.g. Argo Rollouts
//   1.9's `.spec.selector is immutable`, from `+kubebuilder:validation:XValidation` on RolloutSpec.Selector).
//   Any other transition rule (one that reads oldSelf otherwise) is listed under `otherTransitionRules`
//   so that a reader sees it is not checked.
//
// Sources: ../shared/kubernetes-json-schema (its README names the upstream commits): the Kubernetes
// v1.33.0 standalone schemas (every version of a kind merged) and crds/<group>/<kind>_<version>.json.
// Status fields are left out (no manifest writes them).
//
// `node scripts/schema-facts.mjs --check` writes nothing: it exits 1 when the committed file differs
// from what it would write (test/upgrade/schema-facts.test.ts runs it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = join(root, '..', 'shared', 'kubernetes-json-schema');
const builtIn = 'v1.33.0-standalone-strict';
const target = join(root, 'lib', 'upgrade', 'schema-facts.json');

function fail(message) {
  console.error(`schema-facts: ${message}`);
  process.exit(1);
}

const isArraySchema = (schema) => schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));

/** Walks a JSON schema, calling `visit(schema, path)` on every node; `[]` for array items, `*` for map values. */
function walk(schema, path, visit) {
  if (schema === null || typeof schema !== 'object') return;
  visit(schema, path);
  if (isArraySchema(schema) && schema.items) walk(schema.items, `${path}[]`, visit);
  for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, path === '' ? key : `${path}.${key}`, visit);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}.*`, visit);
  for (const alternative of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(alternative, path, visit);
}

const skipped = (path) => path === 'status' || path.startsWith('status.') || path.startsWith('status[');

/** The keyed lists of a kind's schema: path → keys. */
function listKeysOf(schema) {
  const keys = {};
  walk(schema, '', (node, path) => {
    if (!isArraySchema(node) || skipped(path)) return;
    const mapKeys = node['x-kubernetes-list-map-keys'];
    const mergeKey = node['x-kubernetes-patch-merge-key'];
    const found = Array.isArray(mapKeys) && mapKeys.length > 0 ? mapKeys : typeof mergeKey === 'string' ? [mergeKey] : undefined;
    if (found) keys[path] = found;
  });
  return keys;
}

/** The transition rules of a CRD schema: `self == oldSelf` fields apart, every other rule reading oldSelf listed. */
function transitionRulesOf(schema, file) {
  const immutable = [];
  const other = [];
  walk(schema, '', (node, path) => {
    if (skipped(path)) return;
    for (const rule of node['x-kubernetes-validations'] ?? []) {
      if (!/\boldSelf\b/.test(rule.rule)) continue;
      const text = rule.rule.replace(/\s+/g, ' ').trim();
      if (text === 'self == oldSelf' || text === 'oldSelf == self') immutable.push({ field: path, message: rule.message ?? 'is immutable', source: file });
      else other.push({ field: path, rule: text, message: rule.message ?? '', source: file });
    }
  });
  return { immutable, other };
}

const sortObject = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function derive() {
  if (!existsSync(schemas)) fail(`${schemas} not found: the shared schema folder is needed`);
  const listKeys = {};
  const add = (kindKey, keys) => {
    if (Object.keys(keys).length === 0) return;
    listKeys[kindKey] = sortObject({ ...listKeys[kindKey], ...keys });
  };
  const builtInDir = join(schemas, builtIn);
  for (const file of readdirSync(builtInDir).sort()) {
    if (!file.endsWith('.json') || file.startsWith('_') || file === 'all.json') continue;
    const schema = JSON.parse(readFileSync(join(builtInDir, file), 'utf8'));
    const kinds = schema['x-kubernetes-group-version-kind'];
    if (!Array.isArray(kinds)) continue;
    const keys = listKeysOf(schema);
    for (const { group, kind } of kinds) add(`${group}/${kind.toLowerCase()}`, keys);
  }
  const immutable = {};
  const otherTransitionRules = {};
  const crds = join(schemas, 'crds');
  for (const group of readdirSync(crds).sort()) {
    for (const file of readdirSync(join(crds, group)).sort()) {
      if (!file.endsWith('.json')) continue;
      const schema = JSON.parse(readFileSync(join(crds, group, file), 'utf8'));
      const kindKey = `${group}/${file.slice(0, file.indexOf('_'))}`;
      add(kindKey, listKeysOf(schema));
      const rules = transitionRulesOf(schema, `crds/${group}/${file}`);
      if (rules.immutable.length > 0) immutable[kindKey] = [...(immutable[kindKey] ?? []), ...rules.immutable];
      if (rules.other.length > 0) otherTransitionRules[kindKey] = [...(otherTransitionRules[kindKey] ?? []), ...rules.other];
    }
  }
  return {
    $comment: 'Generated by scripts/schema-facts.mjs from ../shared/kubernetes-json-schema (Kubernetes v1.33.0 and the CRDs); do not edit.',
    listKeys: sortObject(listKeys),
    immutable: sortObject(immutable),
    otherTransitionRules: sortObject(otherTransitionRules),
  };
}

const facts = derive();
if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : undefined;
  if (!isDeepStrictEqual(committed, facts)) fail('lib/upgrade/schema-facts.json differs from the schemas: run npm run schema-facts and commit it');
} else {
  writeFileSync(target, `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`schema-facts: wrote lib/upgrade/schema-facts.json (${Object.keys(facts.listKeys).length} kinds with keyed lists, ${Object.keys(facts.immutable).length} with immutable fields)`);
}
