/**
 * The object diff (object-diff.ts) as text for a terminal and as Markdown for a pull request. Both list
 * added, removed and changed objects (kind, namespace/name, file), then each changed field with its
 * values before and after; changes Kubernetes refuses on `kubectl apply` or `helm upgrade` are marked
 * IMMUTABLE with the rule's reason; an object its delivery deletes and creates again (a hook) is marked
 * RECREATED, its immutable fields free to change.
 */
import type { KubeObject } from '../upgrade/rules';
import type { FieldDifference, ObjectDiff } from './object-diff';

const MAX_VALUE = 120;

function value(text: unknown): string {
  if (text === undefined) return '(unset)';
  const json = JSON.stringify(text);
  return json.length > MAX_VALUE ? `${json.slice(0, MAX_VALUE - 1)}…` : json;
}

function describe(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function field(difference: FieldDifference): string {
  const change = difference.type === 'added' ? `+ ${value(difference.after)}` : difference.type === 'removed' ? `- ${value(difference.before)}` : `${value(difference.before)} -> ${value(difference.after)}`;
  return `${difference.path}: ${change}${difference.immutable ? `  IMMUTABLE: ${difference.immutable.field} ${difference.immutable.reason}` : ''}`;
}

/** The totals line: `2 added, 1 changed (1 immutable), 1 removed, 290 unchanged`. */
function totals(result: ObjectDiff): string {
  const immutable = result.changed.filter((c) => c.immutable.length > 0).length;
  return `${result.added.length} added, ${result.changed.length} changed${immutable > 0 ? ` (${immutable} with immutable-field changes)` : ''}, ${result.removed.length} removed, ${result.unchanged} unchanged`;
}

/** Plain text, one object per line, its fields indented below. */
export function formatText(title: string, result: ObjectDiff): string {
  const lines = [title, ''];
  for (const side of result.added) lines.push(`+ ${describe(side.object)}  (${side.file})`);
  for (const side of result.removed) lines.push(`- ${describe(side.object)}  (${side.file})`);
  for (const change of result.changed) {
    const note = change.immutable.length > 0 ? '  IMMUTABLE FIELDS CHANGED' : change.recreated ? `  RECREATED: ${change.recreated}` : '';
    lines.push(`~ ${describe(change.after.object)}  (${change.after.file})${note}`);
    for (const difference of change.fields) lines.push(`    ${field(difference)}`);
  }
  lines.push('', totals(result));
  return `${lines.join('\n')}\n`;
}

/** Markdown for a pull request comment: a table of objects, then the fields of each changed one. */
export function formatMarkdown(title: string, result: ObjectDiff): string {
  const code = (text: string) => `\`${text.replace(/`/g, 'ˋ')}\``;
  const lines = [`### ${title}`, '', totals(result), ''];
  const immutable = result.changed.filter((c) => c.immutable.length > 0);
  if (immutable.length > 0) {
    lines.push(`> [!WARNING]`, `> ${immutable.length} object(s) change fields Kubernetes refuses to update: delete and re-create them, or revert.`, '');
  }
  if (result.added.length + result.removed.length + result.changed.length > 0) {
    lines.push('| | object | file |', '| --- | --- | --- |');
    for (const side of result.added) lines.push(`| added | ${code(describe(side.object))} | ${code(side.file)} |`);
    for (const side of result.removed) lines.push(`| removed | ${code(describe(side.object))} | ${code(side.file)} |`);
    for (const change of result.changed) {
      const note = change.immutable.length > 0 ? ' (immutable!)' : change.recreated ? ' (recreated: hook)' : '';
      lines.push(`| changed${note} | ${code(describe(change.after.object))} | ${code(change.after.file)} |`);
    }
    lines.push('');
  }
  for (const change of result.changed) {
    lines.push(`<details><summary>${describe(change.after.object)}: ${change.fields.length} field(s)</summary>`, '', '```diff');
    for (const difference of change.fields) {
      const path = difference.immutable ? `${difference.path} (IMMUTABLE: ${difference.immutable.reason})` : difference.path;
      if (difference.type !== 'added') lines.push(`- ${path}: ${value(difference.before)}`);
      if (difference.type !== 'removed') lines.push(`+ ${path}: ${value(difference.after)}`);
    }
    lines.push('```', '', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
}
