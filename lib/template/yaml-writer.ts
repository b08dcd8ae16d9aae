/**
 * One block-style YAML writer for both renderings:
 * - `writeYaml(value)`: plain YAML for concrete JSON (the committed manifests);
 * - `writeTemplate(node)`: a Helm template for a manifest tree, where expressions become
 *   `{{ ... | toJson }}` (JSON is valid YAML, so every type survives), `when` becomes `if`,
 *   `each` becomes `range`, and literal `{{` is escaped.
 * Output is deterministic: keys in the order the tree gives them.
 */
import { Expr, type GoContext, hasTokens, readableTokens } from './expr';
import { isOptional } from './evaluate';
import { Each, type Node, Spread, When } from './manifest';
import { doubleQuoted, hasUnsafeCharacters } from './yaml-scalars';

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
  const out: string[] = [];
  objectLines(out, node as Record<string, Node>, 0, mode);
  return `${out.join('\n')}\n`;
}

function isPlainObject(node: object): boolean {
  return !(node instanceof Expr || node instanceof When || node instanceof Each || node instanceof Spread);
}

const PADS: string[] = [];
function pad(indent: number): string {
  let padding = PADS[indent];
  if (padding === undefined) {
    padding = ' '.repeat(indent);
    PADS[indent] = padding;
  }
  return padding;
}

// Each writer below appends its lines to `out` (one array for the whole document).

function objectLines(out: string[], node: Record<string, Node>, indent: number, mode: Mode): void {
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child = node[key];
    if (child instanceof Spread) {
      const go = requireGo(mode, 'spread');
      out.push(`${pad(indent)}{{- range $key, $value := ${child.map.go(go)} }}`, `${pad(indent)}{{ $key | toJson }}: {{ $value | toJson }}`, `${pad(indent)}{{- end }}`);
    } else if (child instanceof When) {
      conditional(out, child, mode, indent, (branch) => entryLines(out, key, branch, indent, mode));
    } else {
      entryLines(out, key, child, indent, mode);
    }
  }
}

function entryLines(out: string[], key: string, value: Node, indent: number, mode: Mode): void {
  const head = `${pad(indent)}${scalar(key, mode)}:`;
  guardPresence(out, value, indent, mode, () => {
    const inline = inlineValue(value, mode);
    if (inline !== null) {
      out.push(`${head} ${inline}`);
    } else if (typeof value === 'string') {
      out.push(`${head} ${blockIndicator(value)}`);
      blockLines(out, value, indent + INDENT, mode);
    } else if (Array.isArray(value) || value instanceof Each) {
      out.push(head);
      listLines(out, value instanceof Each ? [value] : value, indent + INDENT, mode);
    } else {
      out.push(head);
      objectLines(out, value as Record<string, Node>, indent + INDENT, mode);
    }
  });
}

function listLines(out: string[], items: readonly Node[], indent: number, mode: Mode): void {
  for (const item of items) {
    if (item instanceof Each) {
      const go = requireGo(mode, 'each');
      out.push(`${pad(indent)}{{- range ${item.variable} := ${item.list.go(go)} }}`);
      // A body that may be absent (a `when`) is written inside the range as it is elsewhere in a list.
      listLines(out, [item.body], indent, mode);
      out.push(`${pad(indent)}{{- end }}`);
    } else if (item instanceof When) {
      conditional(out, item, mode, indent, (branch) => itemLines(out, branch, indent, mode));
    } else {
      guardPresence(out, item, indent, mode, () => itemLines(out, item, indent, mode));
    }
  }
}

function itemLines(out: string[], value: Node, indent: number, mode: Mode): void {
  const dash = `${pad(indent)}-`;
  const inline = inlineValue(value, mode);
  if (inline !== null) {
    out.push(`${dash} ${inline}`);
  } else if (typeof value === 'string') {
    out.push(`${dash} ${blockIndicator(value)}`);
    blockLines(out, value, indent + INDENT, mode);
  } else if (Array.isArray(value) || value instanceof Each) {
    out.push(dash);
    listLines(out, value instanceof Each ? [value] : value, indent + INDENT, mode);
  } else {
    // The first entry goes on the dash's line, unless it is a template action.
    const start = out.length;
    objectLines(out, value as Record<string, Node>, indent + INDENT, mode);
    const first = out[start];
    if (first !== undefined && !first.trimStart().startsWith('{{')) {
      out[start] = `${dash} ${first.slice(indent + INDENT)}`;
    } else {
      out.splice(start, 0, dash);
    }
  }
}

/** A value written on the key's own line, or null when it needs lines of its own. */
function inlineValue(value: Node, mode: Mode): string | null {
  if (value instanceof Expr) return `{{ ${unwrap(value.go(requireGo(mode, 'an expression')))} | toJson }}`;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return blockSafe(value) ? null : scalar(value, mode);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : null;
  if (typeof value === 'object' && isPlainObject(value) && isEmpty(value)) return '{}';
  return null;
}

function isEmpty(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

function conditional(out: string[], node: When, mode: Mode, indent: number, branch: (value: Node) => void): void {
  const go = requireGo(mode, 'when');
  // A branch that is a `when` once more (`when(a, x, when(b, y))`) nests its own condition.
  const write = (value: Node) => (value instanceof When ? conditional(out, value, mode, indent, branch) : branch(value));
  if (node.cond.go(go) === 'true') {
    write(node.then);
    return;
  }
  out.push(`${pad(indent)}{{- if ${unwrap(node.cond.go(go))} }}`);
  write(node.then);
  if (node.otherwise !== undefined) {
    out.push(`${pad(indent)}{{- else }}`);
    write(node.otherwise);
  }
  out.push(`${pad(indent)}{{- end }}`);
}

/** Wraps a container made only of optional parts in the condition under which it has any. */
function guardPresence(out: string[], value: Node, indent: number, mode: Mode, lines: () => void): void {
  if (mode.go === null || !isOptional(value)) {
    lines();
    return;
  }
  out.push(`${pad(indent)}{{- if ${unwrap(presence(value, mode.go))} }}`);
  lines();
  out.push(`${pad(indent)}{{- end }}`);
}

/** The Go condition under which an optional node yields something (mirrors evaluate.ts). */
function presence(node: Node, go: GoContext): string {
  if (node instanceof When) {
    const then = isOptional(node.then) ? `(and ${node.cond.go(go)} ${presence(node.then, go)})` : node.cond.go(go);
    if (node.otherwise === undefined) return then;
    const otherwise = isOptional(node.otherwise) ? `(and (not ${node.cond.go(go)}) ${presence(node.otherwise, go)})` : `(not ${node.cond.go(go)})`;
    return `(or ${then} ${otherwise})`;
  }
  if (node instanceof Each) {
    // Whether any item's optional body is present is not a Go operand: such a list must hold an item
    // that is always present, or iterate over a filtered list (functions.ts itemsWith).
    if (isOptional(node.body)) throw new Error('each(): a list whose every item may be absent cannot be left out when empty; add an item that is always there, or filter the list (itemsWith)');
    return node.list.go(go);
  }
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
  refuseTokens(text);
  const plain = PLAIN_SCALAR.test(text) && !YAML_KEYWORDS.has(text.toLowerCase());
  return escapeGo(plain ? text : doubleQuoted(text), mode);
}

/** Multi-line strings are written as literal blocks when YAML can keep them exactly. */
function blockSafe(text: string): boolean {
  return (
    text.includes('\n') &&
    !/[\r\t]/.test(text) &&
    !text.startsWith(' ') &&
    !/ \n|\n\n\n/.test(text) &&
    // The first non-empty line sets the block's indentation: a leading space there would be taken as
    // indentation (YAML 1.2, section 8.1.1.1) and lost.
    !/^\n* /.test(text) &&
    // Something besides line breaks ("\n" alone would read back as "").
    /[^\n]/.test(text) &&
    // A block scalar cannot escape anything: characters that need an escape go double-quoted.
    !hasUnsafeCharacters(text)
  );
}

function blockIndicator(text: string): string {
  if (!text.endsWith('\n')) return '|-';
  return text.endsWith('\n\n') ? '|+' : '|';
}

function blockLines(out: string[], text: string, indent: number, mode: Mode): void {
  refuseTokens(text);
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (const line of body.split('\n')) out.push(line === '' ? '' : `${pad(indent)}${escapeGo(line, mode)}`);
}

/** In a Helm template, literal `{{` must not start an action. */
function escapeGo(text: string, mode: Mode): string {
  return mode.go === null ? text : text.replace(/\{\{/g, '{{ "{{" }}');
}

/** An expression token (`Expr.toString`) left in a string means an expression was lost on the way. */
function refuseTokens(text: string): void {
  if (hasTokens(text)) {
    throw new Error(
      `an expression was turned into text where it cannot be rendered: ${JSON.stringify(readableTokens(text))} (expressions in strings work in cdk8s objects that are not TemplatedObjects, and in none of their keys)`,
    );
  }
}
