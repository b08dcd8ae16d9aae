/**
 * One block-style YAML writer for both renderings:
 * - `writeYaml(value)`: plain YAML for concrete JSON (the committed manifests);
 * - `writeTemplate(node)`: a Helm template for a manifest tree, where expressions become
 *   `{{ ... | toJson }}` (JSON is valid YAML, so every type survives), `when` becomes `if`,
 *   `each` becomes `range`, and literal `{{` is escaped.
 * Output is deterministic: keys in the order the tree gives them.
 */
import { Expr, GoContext } from './expr';
import { isOptional } from './evaluate';
import { Each, Node, Spread, When } from './manifest';

const INDENT = 2;
const PLAIN_SCALAR = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const YAML_KEYWORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', 'nil']);

interface Mode {
  /** null for plain YAML; the chart context for a Helm template. */
  readonly go: GoContext | null;
}

export function writeYaml(value: unknown): string {
  return writeRoot(value as Node, { go: null });
}

export function writeTemplate(node: Node, ctx: GoContext, condition?: Expr): string {
  const body = writeRoot(node, { go: ctx });
  if (!condition) return body;
  return `{{- if ${unwrap(condition.go(ctx))} }}\n${body}{{- end }}\n`;
}

function writeRoot(node: Node, mode: Mode): string {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !isPlainObject(node)) {
    throw new Error('a manifest must be an object');
  }
  return `${objectLines(node as Record<string, Node>, 0, mode).join('\n')}\n`;
}

function isPlainObject(node: object): boolean {
  return !(node instanceof Expr || node instanceof When || node instanceof Each || node instanceof Spread);
}

function pad(indent: number): string {
  return ' '.repeat(indent);
}

function objectLines(node: Record<string, Node>, indent: number, mode: Mode): string[] {
  const lines: string[] = [];
  for (const [key, child] of Object.entries(node)) {
    if (child instanceof Spread) {
      const go = requireGo(mode, 'spread');
      lines.push(
        `${pad(indent)}{{- range $key, $value := ${child.map.go(go)} }}`,
        `${pad(indent)}{{ $key | toJson }}: {{ $value | toJson }}`,
        `${pad(indent)}{{- end }}`,
      );
    } else if (child instanceof When) {
      lines.push(...conditional(child, mode, indent, (branch) => entryLines(key, branch, indent, mode)));
    } else {
      lines.push(...entryLines(key, child, indent, mode));
    }
  }
  return lines;
}

function entryLines(key: string, value: Node, indent: number, mode: Mode): string[] {
  const head = `${pad(indent)}${scalar(key, mode)}:`;
  return guardPresence(value, indent, mode, () => {
    const inline = inlineValue(value, mode);
    if (inline !== null) return [`${head} ${inline}`];
    if (typeof value === 'string') return [`${head} ${blockIndicator(value)}`, ...blockLines(value, indent + INDENT, mode)];
    if (Array.isArray(value) || value instanceof Each) {
      return [head, ...listLines(value instanceof Each ? [value] : value, indent + INDENT, mode)];
    }
    return [head, ...objectLines(value as Record<string, Node>, indent + INDENT, mode)];
  });
}

function listLines(items: readonly Node[], indent: number, mode: Mode): string[] {
  const lines: string[] = [];
  for (const item of items) {
    if (item instanceof Each) {
      const go = requireGo(mode, 'each');
      if (isOptional(item.body)) throw new Error('each(): the item of a list must always be present');
      lines.push(`${pad(indent)}{{- range ${item.variable} := ${item.list.go(go)} }}`);
      lines.push(...itemLines(item.body, indent, mode));
      lines.push(`${pad(indent)}{{- end }}`);
    } else if (item instanceof When) {
      lines.push(...conditional(item, mode, indent, (branch) => itemLines(branch, indent, mode)));
    } else {
      lines.push(...guardPresence(item, indent, mode, () => itemLines(item, indent, mode)));
    }
  }
  return lines;
}

function itemLines(value: Node, indent: number, mode: Mode): string[] {
  const dash = `${pad(indent)}-`;
  const inline = inlineValue(value, mode);
  if (inline !== null) return [`${dash} ${inline}`];
  if (typeof value === 'string') return [`${dash} ${blockIndicator(value)}`, ...blockLines(value, indent + INDENT, mode)];
  if (Array.isArray(value) || value instanceof Each) {
    return [dash, ...listLines(value instanceof Each ? [value] : value, indent + INDENT, mode)];
  }
  const entries = objectLines(value as Record<string, Node>, indent + INDENT, mode);
  const first = entries[0];
  if (first !== undefined && !first.trimStart().startsWith('{{')) {
    return [`${dash} ${first.slice(indent + INDENT)}`, ...entries.slice(1)];
  }
  return [dash, ...entries];
}

/** A value written on the key's own line, or null when it needs lines of its own. */
function inlineValue(value: Node, mode: Mode): string | null {
  if (value instanceof Expr) return `{{ ${unwrap(value.go(requireGo(mode, 'an expression')))} | toJson }}`;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return blockSafe(value) ? null : scalar(value, mode);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : null;
  if (typeof value === 'object' && isPlainObject(value) && Object.keys(value).length === 0) return '{}';
  return null;
}

function conditional(node: When, mode: Mode, indent: number, branch: (value: Node) => string[]): string[] {
  const go = requireGo(mode, 'when');
  if (node.cond.go(go) === 'true') return branch(node.then);
  const lines = [`${pad(indent)}{{- if ${unwrap(node.cond.go(go))} }}`, ...branch(node.then)];
  if (node.otherwise !== undefined) lines.push(`${pad(indent)}{{- else }}`, ...branch(node.otherwise));
  lines.push(`${pad(indent)}{{- end }}`);
  return lines;
}

/** Wraps a container made only of optional parts in the condition under which it has any. */
function guardPresence(value: Node, indent: number, mode: Mode, lines: () => string[]): string[] {
  if (mode.go === null || !isOptional(value)) return lines();
  return [`${pad(indent)}{{- if ${unwrap(presence(value, mode.go))} }}`, ...lines(), `${pad(indent)}{{- end }}`];
}

/** The Go condition under which an optional node yields something (mirrors evaluate.ts). */
function presence(node: Node, go: GoContext): string {
  if (node instanceof When) {
    const then = isOptional(node.then) ? `(and ${node.cond.go(go)} ${presence(node.then, go)})` : node.cond.go(go);
    if (node.otherwise === undefined) return then;
    const otherwise = isOptional(node.otherwise)
      ? `(and (not ${node.cond.go(go)}) ${presence(node.otherwise, go)})`
      : `(not ${node.cond.go(go)})`;
    return `(or ${then} ${otherwise})`;
  }
  if (node instanceof Each) return node.list.go(go);
  if (node instanceof Spread) return node.map.go(go);
  const children: Node[] = Array.isArray(node) ? [...node] : Object.values(node as Record<string, Node>);
  const parts = children.map((child) => presence(child, go));
  return parts.length === 1 ? parts[0] : `(or ${parts.join(' ')})`;
}

/** `(f x)` → `f x` where the call stands alone (an `if` condition or the head of a pipeline). */
function unwrap(go: string): string {
  if (!go.startsWith('(') || !go.endsWith(')')) return go;
  let depth = 0;
  for (let i = 0; i < go.length; i += 1) {
    if (go[i] === '"') {
      i += 1;
      while (i < go.length && go[i] !== '"') i += go[i] === '\\' ? 2 : 1;
    } else if (go[i] === '(') depth += 1;
    else if (go[i] === ')') {
      depth -= 1;
      if (depth === 0 && i < go.length - 1) return go; // `(a) (b)`: not one call
    }
  }
  return go.slice(1, -1);
}

function requireGo(mode: Mode, what: string): GoContext {
  if (mode.go === null) throw new Error(`${what} cannot be written as plain YAML: evaluate the manifest first`);
  return mode.go;
}

/** A scalar on one line: plain when unambiguous, else double-quoted (JSON strings are valid YAML). */
function scalar(text: string, mode: Mode): string {
  const plain = PLAIN_SCALAR.test(text) && !YAML_KEYWORDS.has(text.toLowerCase());
  return escapeGo(plain ? text : JSON.stringify(text), mode);
}

/** Multi-line strings are written as literal blocks when YAML can keep them exactly. */
function blockSafe(text: string): boolean {
  return text.includes('\n') && !/[\r\t]/.test(text) && !text.startsWith(' ') && !/ \n|\n\n\n/.test(text);
}

function blockIndicator(text: string): string {
  if (!text.endsWith('\n')) return '|-';
  return text.endsWith('\n\n') ? '|+' : '|';
}

function blockLines(text: string, indent: number, mode: Mode): string[] {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body.split('\n').map((line) => (line === '' ? '' : `${pad(indent)}${escapeGo(line, mode)}`));
}

/** In a Helm template, literal `{{` must not start an action. */
function escapeGo(text: string, mode: Mode): string {
  return mode.go === null ? text : text.replace(/\{\{/g, '{{ "{{" }}');
}
