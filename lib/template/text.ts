/**
 * Generated text: a configuration file computed by a TypeScript builder (alert rules, Alertmanager,
 * Prometheus and Loki configuration, Grafana dashboards) from values, in both renderings.
 *
 * Two mechanisms, with the same interface (an `Expr<string>` plus the inputs a checksum needs):
 *
 * `interpolatedText`: the values remain Helm values. In three steps:
 * 1. The builder runs once, at construction, on a marker input: every scalar value it receives is
 *    replaced by a unique marker string (`@@v:7@@`), objects and lists keep the shape they have in
 *    the chart's default values. The output is serialized (YAML or JSON) and cut at the markers into
 *    literal chunks and value slots.
 * 2. Both renderings fill the slots the same way: JavaScript for the plain manifests, Go for the Helm
 *    template (`print` of the chunks and the values, with the same quoting rules on both sides).
 * 3. Every JavaScript rendering runs the builder on the real values too and fails unless the filled
 *    text parses to exactly that output. So a builder that does arithmetic on a value, branches on it,
 *    reformats it or drops its marker is caught at synth time, never shipped.
 *
 * Lists and maps in the input are structure: their length and keys are fixed by the values of the
 * releases given as `shape`. When the releases differ in shape (an application only some environments
 * monitor, a second host in one environment), the text has one variant per shape, and each rendering
 * picks the variant whose shape the release's values have (Helm: `tpl` of an `if`/`else if` chain over
 * the variants, so only the chosen one is rendered). Both renderings check it (Helm: `fail`), so a
 * release can change every scalar but not give a list or map a shape no environment has.
 *
 * `precomputedText`: for builders that compute with their values (validate them, format 0.05 as
 * "5%", derive 1 - objective). The text is built for every release synth knows (the environments),
 * and the chart holds one text per distinct input, keyed by the sha256 of the input values. A release
 * whose input values match no environment fails (Helm: `fail`): those values are changed in values/
 * and synthesized again, never silently ignored.
 */
import { createHash } from 'node:crypto';
import { CORE_SCHEMA, load } from 'js-yaml';
import { Expr, type GoContext, Literal, type Scope, ValueRef, sha256OfJson } from './expr';
import { listOf } from './functions';
import { goJson } from './go-semantics';
import { writeYaml } from './yaml-writer';

/** The builder's input: literals (fixed structure) and expressions (values filled per release). */
export type TextInput = Expr | string | number | boolean | null | readonly TextInput[] | { readonly [key: string]: TextInput };

/** The type the builder receives for an input tree. */
export type Resolved<I> = I extends Expr<infer T> ? T : I extends readonly (infer E)[] ? Resolved<E>[] : I extends object ? { -readonly [K in keyof I]: Resolved<I[K]> } : I;

export interface InterpolatedTextOptions<I extends TextInput> {
  /** Names the file in error messages, e.g. `alert rules`. */
  readonly name: string;
  readonly format: 'yaml' | 'json';
  readonly input: I;
  readonly build: (input: Resolved<I>) => unknown;
  /**
   * The release whose values give lists and maps their shape (the chart's default values), or every
   * release the chart is generated for, when their shapes may differ.
   */
  readonly shape: Scope | readonly Scope[];
}

/** How a value fills its slot: the whole scalar (JSON), inside a double-quoted string, inside a literal block. */
type SlotStyle = 'json' | 'quoted' | 'line';
type Chunk = string | { readonly style: SlotStyle; readonly value: Expr };

interface Shape {
  readonly value: Expr;
  readonly expected: string;
}

const MARKER = /@@v:(\d+)@@/g;
const HAS_MARKER = /@@v:\d+@@/;
const marker = (index: number) => `@@v:${index}@@`;

/** What the workloads need of a generated text: the text, and what its pods' checksum annotation hashes. */
export interface GeneratedText extends Expr<string> {
  /** Changes whenever the text can, without repeating the whole text in the template. */
  checksumInputs(): Expr[];
}

/** An interpolated text, with one variant per shape of the input among the releases given as `shape`. */
export function interpolatedText<I extends TextInput>(options: InterpolatedTextOptions<I>): GeneratedText {
  const scopes: readonly Scope[] = Array.isArray(options.shape) ? options.shape : [options.shape as Scope];
  const variants = new Map<string, InterpolatedText>();
  for (const scope of scopes) {
    const variant = new InterpolatedText({ ...(options as unknown as InterpolatedTextOptions<TextInput>), shape: scope });
    if (!variants.has(variant.shapeKey())) variants.set(variant.shapeKey(), variant);
  }
  return variants.size === 1 ? [...variants.values()][0] : new ShapeSwitchedText(options.name, [...variants.values()]);
}

class InterpolatedText extends Expr<string> implements GeneratedText {
  private readonly chunks: readonly Chunk[];
  private readonly shapes: Shape[] = [];
  private readonly slots: Expr[] = [];

  constructor(private readonly options: InterpolatedTextOptions<TextInput> & { readonly shape: Scope }) {
    super();
    const markerInput = this.markerize(options.input, options.shape);
    const output = options.build(markerInput);
    this.chunks = options.format === 'json' ? jsonChunks(output, this.slots) : yamlChunks(output, this.slots);
    const literal = this.chunks.filter((c): c is string => typeof c === 'string').join('');
    if (literal.includes('@@')) throw new Error(`${options.name}: the builder altered a value marker (${literal.slice(literal.indexOf('@@'), literal.indexOf('@@') + 20)}...)`);
  }

  evaluate(scope: Scope): string {
    for (const shape of this.shapes) checkShape(shape.value.evaluate(scope), shape.expected, describe(shape.value));
    const text = this.chunks.map((chunk) => (typeof chunk === 'string' ? chunk : fill(chunk.style, chunk.value.evaluate(scope), chunk.value))).join('');
    this.verify(text, scope);
    return text;
  }

  go(ctx: GoContext): string {
    const guards = this.shapes.map((s) => `(include ${JSON.stringify(`${ctx.chartName}.expectShape`)} (list ${s.value.go(ctx)} ${JSON.stringify(s.expected)} ${JSON.stringify(describe(s.value))}))`);
    const parts = this.chunks.map((chunk) => (typeof chunk === 'string' ? goChunk(chunk) : goSlot(chunk.style, chunk.value, ctx)));
    return `(print ${[...guards, ...parts].join(' ')})`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  /** The shape of the input this text was made for, as text (equal for texts of the same shape). */
  shapeKey(): string {
    return JSON.stringify(this.shapes.map((s) => [describe(s.value), s.expected]));
  }

  /** Whether a release's values have the shape this text was made for (outer lists and maps first). */
  hasShapeIn(scope: Scope): boolean {
    return this.shapes.every((s) => shapeOf(s.value.evaluate(scope)) === s.expected);
  }

  /** The same test in Go (`and` stops at the first false, so no item of a shorter list is read). */
  goShapeTest(ctx: GoContext): string {
    if (this.shapes.length === 0) return 'true';
    const tests = this.shapes.map((s) => `(eq (include ${JSON.stringify(`${ctx.chartName}.shapeOf`)} ${s.value.go(ctx)}) ${JSON.stringify(s.expected)})`);
    return tests.length === 1 ? tests[0] : `(and ${tests.join(' ')})`;
  }

  /** The shapes this text was made for, for messages. */
  describeShape(): string {
    return this.shapes.map((s) => `${describe(s.value)}: ${s.expected}`).join('; ') || 'no lists or maps';
  }

  /** A digest of the literal chunks, and the input values. */
  checksumInputs(): Expr[] {
    const digest = createHash('sha256')
      .update(JSON.stringify(this.chunks.map((c) => (typeof c === 'string' ? c : c.style))))
      .digest('hex');
    return [new Literal(digest), ...topLevelExprs(this.options.input)];
  }

  /** The input with a marker for every scalar, recording the expression behind each marker. */
  private markerize(input: TextInput, shapeScope: Scope): unknown {
    if (input instanceof Expr) return this.markerizeValue(input, input.evaluate(shapeScope));
    if (Array.isArray(input)) return input.map((item) => this.markerize(item, shapeScope));
    if (input !== null && typeof input === 'object') {
      return Object.fromEntries(Object.entries(input).map(([key, item]) => [key, this.markerize(item as TextInput, shapeScope)]));
    }
    return input;
  }

  private markerizeValue(value: Expr, concrete: unknown): unknown {
    if (concrete === undefined) throw new Error(`${this.options.name}: ${describe(value)} has no value in the default values`);
    if (Array.isArray(concrete)) {
      this.shapes.push({ value, expected: shapeOf(concrete) });
      return concrete.map((item, i) => this.markerizeValue(new PathRef(value, i), item));
    }
    if (concrete !== null && typeof concrete === 'object') {
      this.shapes.push({ value, expected: shapeOf(concrete) });
      return Object.fromEntries(Object.entries(concrete).map(([key, item]) => [key, this.markerizeValue(new PathRef(value, key), item)]));
    }
    this.slots.push(value);
    return marker(this.slots.length - 1);
  }

  /** The filled text must parse to what the builder makes of the real values. */
  private verify(text: string, scope: Scope): void {
    const expected: unknown = JSON.parse(JSON.stringify(this.options.build(resolvedOnce(this.options.input, scope))));
    // js-yaml with the YAML 1.2 core schema: the same data as the yaml library's parse, about ten times faster.
    const actual: unknown = this.options.format === 'json' ? JSON.parse(text) : load(text, { schema: CORE_SCHEMA });
    const difference = firstDifference(expected, actual, '');
    if (difference !== null) {
      throw new Error(
        `${this.options.name}: the text filled with this release's values differs from the builder's output at ${difference}. ` +
          'The builder must pass each value through as is (no arithmetic, formatting or branching on it), ' +
          'and lists and maps must keep the shape of the default values.',
      );
    }
  }
}

/**
 * Interpolated text with one variant per shape of its input (see the module comment): each release
 * gets the variant made for the shape of its values, or fails when no environment has that shape.
 */
class ShapeSwitchedText extends Expr<string> implements GeneratedText {
  constructor(
    private readonly name: string,
    private readonly variants: readonly InterpolatedText[],
  ) {
    super();
  }

  evaluate(scope: Scope): string {
    const variant = this.variants.find((v) => v.hasShapeIn(scope));
    if (!variant) throw new Error(this.noShapeMessage());
    return variant.evaluate(scope);
  }

  go(ctx: GoContext): string {
    // The chain is itself a template, rendered by `tpl` with the root context: only the chosen
    // variant's text is evaluated (the others may read list items this release does not have).
    const branches = this.variants.map((v, i) => `{{- ${i === 0 ? 'if' : 'else if'} ${v.goShapeTest(ctx)} }}{{ ${v.go(ctx)} }}`).join('');
    const chain = `${branches}{{- else }}{{ fail ${JSON.stringify(this.noShapeMessage())} }}{{- end }}`;
    return `(tpl ${JSON.stringify(chain)} $)`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  checksumInputs(): Expr[] {
    const [first, ...others] = this.variants.map((v) => v.checksumInputs());
    const digest = createHash('sha256')
      .update(JSON.stringify([first, ...others].map((inputs) => (inputs[0] as Literal<string>).value)))
      .digest('hex');
    return [new Literal(digest), ...first.slice(1)];
  }

  private noShapeMessage(): string {
    // One line: the shapes themselves (every list and map of every environment) would fill a screen.
    return `${this.name}: these values give a list or map a shape that none of the environments of values/ has (the chart's texts are generated for those): change values/ and run npm run synth`;
  }
}

export interface PrecomputedTextOptions<I extends TextInput> {
  /** Names the file in error messages, e.g. `alert rules`. */
  readonly name: string;
  readonly format: 'yaml' | 'json';
  readonly input: I;
  readonly build: (input: Resolved<I>) => unknown;
  /** Every release the chart is generated for (the environments and the default values). */
  readonly releases: readonly Scope[];
}

export function precomputedText<I extends TextInput>(options: PrecomputedTextOptions<I>): PrecomputedText {
  return new PrecomputedText(options as unknown as PrecomputedTextOptions<TextInput>);
}

export class PrecomputedText extends Expr<string> implements GeneratedText {
  /** The input values of a release, as the key of its text. */
  private readonly key: Expr<string>;
  /** Text by key, in the order the releases were given. */
  private readonly texts = new Map<string, string>();

  constructor(private readonly options: PrecomputedTextOptions<TextInput>) {
    super();
    this.key = sha256OfJson(listOf(topLevelExprs(options.input)));
    for (const release of options.releases) {
      const key = this.key.evaluate(release);
      if (!this.texts.has(key)) this.texts.set(key, serialize(options.format, options.build(resolveInput(options.input, release))));
    }
  }

  evaluate(scope: Scope): string {
    const text = this.texts.get(this.key.evaluate(scope));
    if (text === undefined) throw new Error(precomputedMessage(this.options.name));
    return text;
  }

  go(ctx: GoContext): string {
    const table = [...this.texts].map(([key, text]) => `${JSON.stringify(key)} ${goChunk(text)}`).join(' ');
    return `(include ${JSON.stringify(`${ctx.chartName}.precomputedText`)} (list (dict ${table}) ${this.key.go(ctx)} ${JSON.stringify(this.options.name)}))`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  checksumInputs(): Expr[] {
    return [this.key];
  }
}

function precomputedMessage(name: string): string {
  return `${name}: these values match none of the environments the chart was generated for (the text is computed from them in TypeScript): change values/ and synthesize again`;
}

function serialize(format: 'yaml' | 'json', output: unknown): string {
  return format === 'json' ? `${JSON.stringify(output, null, 2)}\n` : writeYaml(output);
}

/** `<base>[key]`: a value inside a list or map value. */
class PathRef extends Expr {
  constructor(
    readonly base: Expr,
    readonly key: string | number,
  ) {
    super();
  }
  evaluate(scope: Scope): unknown {
    const container = this.base.evaluate(scope) as Record<string | number, unknown> | undefined | null;
    return container === null || typeof container !== 'object' ? undefined : container[this.key];
  }
  go(ctx: GoContext): string {
    return `(index ${this.base.go(ctx)} ${typeof this.key === 'number' ? this.key : JSON.stringify(this.key)})`;
  }
}

function describe(value: Expr): string {
  if (value instanceof PathRef) return `${describe(value.base)}${typeof value.key === 'number' ? `[${value.key}]` : `.${value.key}`}`;
  if (value instanceof ValueRef) return value.describe().replace(/^\.Values\./, '');
  return value.go({ chartName: '<chart>' });
}

/** The input with every expression evaluated for a release: what the builder gets in that release. */
export function resolveInput<I extends TextInput>(input: I, scope: Scope): Resolved<I> {
  return resolve(input, scope) as Resolved<I>;
}

/**
 * `resolveInput` kept per input object and scope: the parts of a composed text (one per alert and
 * application, lib/monitoring/stack/configs.ts) share one input, which each part's check would resolve
 * again (quadratic in the applications). Builders read their input, never change it.
 */
const RESOLVED = new WeakMap<object, WeakMap<Scope, unknown>>();
function resolvedOnce(input: TextInput, scope: Scope): unknown {
  if (input === null || typeof input !== 'object') return resolve(input, scope);
  let byScope = RESOLVED.get(input);
  if (byScope === undefined) {
    byScope = new WeakMap();
    RESOLVED.set(input, byScope);
  }
  if (!byScope.has(scope)) byScope.set(scope, resolve(input, scope));
  return byScope.get(scope);
}

function resolve(input: TextInput, scope: Scope): unknown {
  if (input instanceof Expr) return input.evaluate(scope);
  if (Array.isArray(input)) return input.map((item) => resolve(item, scope));
  if (input !== null && typeof input === 'object') return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, resolve(v as TextInput, scope)]));
  return input;
}

function topLevelExprs(input: TextInput): Expr[] {
  if (input instanceof Expr) return [input];
  if (input !== null && typeof input === 'object') return Object.values(input).flatMap((item) => topLevelExprs(item as TextInput));
  return [];
}

/** Shape of a list or map value, as the Helm helper `expectShape` writes it. */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `${value.length} items`;
  if (value !== null && typeof value === 'object') return `keys ${Object.keys(value).sort().join(', ')}`;
  return '';
}

function checkShape(value: unknown, expected: string, path: string): void {
  const actual = shapeOf(value);
  if (actual !== expected) throw new Error(shapeMessage(path, expected, actual));
}

function shapeMessage(path: string, expected: string, actual: string): string {
  return `${path}: expected ${expected}, got ${actual} (generated configuration has this shape: change values/ and synthesize again)`;
}

/** How a value prints as text, as the chart's `str` helper prints it (numbers as JSON writes them). */
function asText(value: unknown): string {
  return typeof value === 'number' ? JSON.stringify(value) : String(value);
}

function fill(style: SlotStyle, value: unknown, expr: Expr): string {
  if (style === 'json') return goJson(value);
  if (style === 'quoted') return goJson(asText(value)).slice(1, -1);
  const text = asText(value);
  if (/[\r\n]/.test(text)) throw new Error(lineMessage(describe(expr)));
  return text;
}

function lineMessage(path: string): string {
  return `${path}: expected a single line (it is written inside a multi-line text)`;
}

function goSlot(style: SlotStyle, value: Expr, ctx: GoContext): string {
  const str = JSON.stringify(`${ctx.chartName}.str`);
  if (style === 'json') return `(toJson ${value.go(ctx)})`;
  if (style === 'quoted') return `(include ${str} ${value.go(ctx)} | toJson | trimPrefix "\\"" | trimSuffix "\\"")`;
  return `(include ${JSON.stringify(`${ctx.chartName}.line`)} (list ${value.go(ctx)} ${JSON.stringify(describe(value))}))`;
}

/** A Go string literal for a literal chunk: a raw string keeps the text readable in the template. */
function goChunk(text: string): string {
  return /[`\r]/.test(text) ? JSON.stringify(text) : `\`${text}\``;
}

/** The named templates interpolated text relies on; add them to the chart's _helpers.tpl. */
export function textHelpers(chartName: string): string {
  return `{{/* Interpolated text (lib/template/text.ts): fails unless a list or map value has the shape the chart was generated for. */}}
{{- define "${chartName}.expectShape" -}}
{{- $value := index . 0 -}}
{{- $shape := "" -}}
{{- if kindIs "slice" $value -}}
{{- $shape = printf "%d items" (len $value) -}}
{{- else if kindIs "map" $value -}}
{{- $shape = printf "keys %s" (keys $value | sortAlpha | join ", ") -}}
{{- end -}}
{{- if ne $shape (index . 1) -}}
{{- fail (printf "${shapeMessage('%s', '%s', '%s')}" (index . 2) (index . 1) $shape) -}}
{{- end -}}
{{- end }}

{{/* Interpolated text with variants (lib/template/text.ts): the shape of a list or map value, as expectShape writes it. */}}
{{- define "${chartName}.shapeOf" -}}
{{- if kindIs "slice" . -}}
{{- printf "%d items" (len .) -}}
{{- else if kindIs "map" . -}}
{{- printf "keys %s" (keys . | sortAlpha | join ", ") -}}
{{- end -}}
{{- end }}

{{/* Precomputed text (lib/template/text.ts): the text generated for these input values, or fail. */}}
{{- define "${chartName}.precomputedText" -}}
{{- $text := get (index . 0) (index . 1) -}}
{{- if not $text -}}
{{- fail (printf "${precomputedMessage('%s')}" (index . 2)) -}}
{{- end -}}
{{- $text -}}
{{- end }}

{{/* Interpolated text: a value written inside a multi-line text, which must be a single line. */}}
{{- define "${chartName}.line" -}}
{{- $text := include "${chartName}.str" (index . 0) -}}
{{- if regexMatch "[\\r\\n]" $text -}}
{{- fail (printf "${lineMessage('%s')}" (index . 1)) -}}
{{- end -}}
{{- $text -}}
{{- end }}
`;
}

// ---- Serialization: the marker output as text, cut into literal chunks and slots. ----

/** Parts of a string: literal text and slot indexes. */
function splitMarkers(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(Number(match[1]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function slotRef(slots: readonly Expr[], index: number): Expr {
  const value = slots[index];
  if (value === undefined) throw new Error(`unknown value marker ${marker(index)}`);
  return value;
}

const TOKEN = '__interpolated_text_slot_';

/**
 * The output with every string that holds markers replaced by a token `__interpolated_text_slot_<i>__`
 * (written as is by both serializers), and the parts of those strings.
 */
function tokenize(output: unknown): { tokenized: unknown; strings: (string | number)[][] } {
  const strings: (string | number)[][] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (node.includes(TOKEN)) throw new Error(`the builder output holds the reserved word ${TOKEN}`);
      if (!HAS_MARKER.test(node)) return node;
      strings.push(splitMarkers(node));
      return `${TOKEN}${strings.length - 1}__`;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => {
          if (key.includes('@@')) throw new Error(`a value is used as a key ("${key}"): keys must be fixed by the builder`);
          return [key, walk(value)];
        }),
      );
    }
    return node;
  };
  return { tokenized: walk(output), strings };
}

/** JSON (pretty, 2 spaces): a string that is one value becomes the JSON value; values in other strings are escaped. */
function jsonChunks(output: unknown, slots: readonly Expr[]): Chunk[] {
  const { tokenized, strings } = tokenize(output);
  const text = serialize('json', tokenized);
  const chunks: Chunk[] = [];
  let last = 0;
  for (const match of text.matchAll(/"__interpolated_text_slot_(\d+)__"/g)) {
    chunks.push(text.slice(last, match.index), ...quotedString(strings[Number(match[1])], slots, (p) => JSON.stringify(p).slice(1, -1)));
    last = match.index + match[0].length;
  }
  chunks.push(text.slice(last));
  return merge(chunks);
}

/**
 * YAML as the plain manifests are written (yaml-writer.ts), except strings that hold values: a string
 * that is one value becomes that value as JSON; a multi-line string stays a literal block (values must
 * then be single lines); any other string is double-quoted, its values escaped.
 */
function yamlChunks(output: unknown, slots: readonly Expr[]): Chunk[] {
  const { tokenized, strings } = tokenize(output);
  const text = writeYaml(tokenized);
  const chunks: Chunk[] = [];
  let last = 0;
  for (const match of text.matchAll(/__interpolated_text_slot_(\d+)__$/gm)) {
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    const parts = strings[Number(match[1])];
    const block = blockParts(parts);
    chunks.push(text.slice(last, match.index), ...(block ? literalBlock(block, contentIndent(text.slice(lineStart, match.index)), slots) : quotedString(parts, slots, (p) => goJson(p).slice(1, -1))));
    last = match.index + match[0].length;
  }
  chunks.push(text.slice(last));
  return merge(chunks);
}

/** A string as a double-quoted scalar (JSON and YAML alike); a string that is one value is that value as JSON. */
function quotedString(parts: readonly (string | number)[], slots: readonly Expr[], escapeLiteral: (literal: string) => string): Chunk[] {
  if (parts.length === 1 && typeof parts[0] === 'number') return [{ style: 'json', value: slotRef(slots, parts[0]) }];
  return ['"', ...parts.map((p): Chunk => (typeof p === 'string' ? escapeLiteral(p) : { style: 'quoted', value: slotRef(slots, p) })), '"'];
}

/** The parts of a multi-line string that can be a literal block: starts with text, no tabs or trailing spaces. */
function blockParts(parts: readonly (string | number)[]): readonly (string | number)[] | null {
  const literals = parts.filter((p): p is string => typeof p === 'string');
  const first = parts[0];
  const last = parts[parts.length - 1];
  const safe =
    literals.some((p) => p.includes('\n')) && typeof first === 'string' && !/^[ \n]/.test(first) && !literals.some((p) => /[\r\t]|\n\n\n| \n/.test(p)) && !(typeof last === 'string' && last.endsWith('\n\n'));
  return safe ? parts : null;
}

/** Indentation of a block scalar's lines for a value written at the end of `linePrefix`. */
function contentIndent(linePrefix: string): number {
  const [, spaces, dashes, key] = /^( *)((?:- )*)(.*)$/.exec(linePrefix)!;
  return spaces.length + dashes.length + (key === '' ? 0 : 2);
}

function literalBlock(parts: readonly (string | number)[], indent: number, slots: readonly Expr[]): Chunk[] {
  const pad = ' '.repeat(indent);
  const last = parts[parts.length - 1];
  const endsWithNewline = typeof last === 'string' && last.endsWith('\n');
  const chunks: Chunk[] = [endsWithNewline ? '|' : '|-', `\n${pad}`];
  parts.forEach((part, i) => {
    if (typeof part === 'number') {
      chunks.push({ style: 'line', value: slotRef(slots, part) });
      return;
    }
    const body = i === parts.length - 1 && endsWithNewline ? part.slice(0, -1) : part;
    // Each line indented, as yaml-writer.ts writes blocks; empty lines stay empty.
    chunks.push(body.replace(/\n/g, (_newline, offset: number) => (body[offset + 1] === '\n' ? '\n' : `\n${pad}`)));
  });
  return chunks;
}

/** Adjacent literal chunks joined, empty ones dropped. */
function merge(chunks: Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (const chunk of chunks) {
    if (chunk === '') continue;
    const previous = out[out.length - 1];
    if (typeof chunk === 'string' && typeof previous === 'string') out[out.length - 1] = previous + chunk;
    else out.push(chunk);
  }
  return out;
}

function firstDifference(expected: unknown, actual: unknown, path: string): string | null {
  if (expected === actual) return null;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return `${path || '(root)'} (${expected.length} items expected, ${actual.length} written)`;
    for (let i = 0; i < expected.length; i += 1) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const found = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
    return null;
  }
  return `${path || '(root)'} (expected ${JSON.stringify(expected)}, written ${JSON.stringify(actual)})`;
}
