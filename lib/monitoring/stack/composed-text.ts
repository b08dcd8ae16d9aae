/**
 * Generated texts composed at the expression level, so that a choice made by a value (the traffic
 * provider, an alert switched off) selects or drops a whole part in both renderings instead of giving
 * one interpolated text a shape per combination of choices (lib/template/text.ts: the shapes of its
 * input's lists and maps are fixed per variant, and variants multiply).
 *
 * Each part is a generated text of its own, checked against its builder as any interpolated text is;
 * the composition only joins texts:
 * - `listItems(key, text)`: the items of the list `key` of a text generated from `{ [key]: [...] }`
 *   (its first line `<key>:` cut off), to append to a text whose last key is that same list;
 *   `textAfter(prefix, text)` in general: a text without the lines it starts with;
 * - `concatenatedText(parts)`: the parts one after the other;
 * - `chosenText(condition, a, b)`, `optionalText(condition, text)`: a choice made by a value;
 * - `fixedText(text)`: text no value changes.
 */
import { Expr, type GoContext, type Scope, ifElse } from '../../template/expr';
import type { GeneratedText } from '../../template/text';

/**
 * Inputs listed once each, in the order of their first appearance. Parts generated from one input
 * (every alert of the log rules reads the namespaces of every application: configs.ts) share its
 * expressions; listed per part, the checksum annotation of the Loki StatefulSet grew with the square
 * of the applications (1.6 MB of template at 100 applications, 115 MB at 1,000). An expression listed
 * once still changes the checksum whenever its value changes.
 */
function uniqueInputs(inputs: readonly Expr[]): Expr[] {
  return [...new Set(inputs)];
}

/** A part of a composed text: a generated text, or any string expression (a choice between texts). */
type Part = Expr<string> & Partial<Pick<GeneratedText, 'checksumInputs'>>;

/** The items of the list `key` of a text generated from `{ [key]: [...] }` (a list of at least one item). */
export function listItems(key: string, text: GeneratedText): GeneratedText {
  return textAfter(`${key}:\n`, text);
}

class ConcatenatedText extends Expr<string> implements GeneratedText {
  constructor(private readonly parts: readonly Part[]) {
    super();
  }

  evaluate(scope: Scope): string {
    return this.parts.map((part) => part.evaluate(scope)).join('');
  }

  go(ctx: GoContext): string {
    return `(print ${this.parts.map((part) => part.goText(ctx)).join(' ')})`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  /** Every generated part's inputs; a part that is a choice between texts changes with its own value too. */
  checksumInputs(): Expr[] {
    return uniqueInputs(this.parts.flatMap((part) => (part.checksumInputs ? part.checksumInputs() : [part])));
  }
}

/** The parts one after the other (each a generated text or a string expression choosing between texts). */
export function concatenatedText(...parts: Part[]): GeneratedText {
  return new ConcatenatedText(parts);
}

class ChosenText extends Expr<string> implements GeneratedText {
  private readonly chosen: Expr<string>;

  constructor(
    private readonly condition: Expr<boolean>,
    private readonly whenTrue: GeneratedText,
    private readonly whenFalse: GeneratedText,
  ) {
    super();
    this.chosen = ifElse(condition, whenTrue, whenFalse);
  }

  evaluate(scope: Scope): string {
    return this.chosen.evaluate(scope);
  }

  go(ctx: GoContext): string {
    return this.chosen.go(ctx);
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  checksumInputs(): Expr[] {
    return uniqueInputs([this.condition, ...this.whenTrue.checksumInputs(), ...this.whenFalse.checksumInputs()]);
  }
}

/** One of two texts by a condition (both are evaluated, as Sprig's `ternary` does: both must render). */
export function chosenText(condition: Expr<boolean>, whenTrue: GeneratedText, whenFalse: GeneratedText): GeneratedText {
  return new ChosenText(condition, whenTrue, whenFalse);
}

class TextAfter extends Expr<string> implements GeneratedText {
  constructor(
    private readonly prefix: string,
    private readonly text: GeneratedText,
  ) {
    super();
  }

  evaluate(scope: Scope): string {
    const text = this.text.evaluate(scope);
    if (!text.startsWith(this.prefix)) throw new Error(`textAfter: the text does not start with ${JSON.stringify(this.prefix)}`);
    return text.slice(this.prefix.length);
  }

  go(ctx: GoContext): string {
    return `(trimPrefix ${JSON.stringify(this.prefix)} ${this.text.goText(ctx)})`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  checksumInputs(): Expr[] {
    return this.text.checksumInputs();
  }
}

/** A text without the lines it starts with (`prefix`, which it must start with): e.g. a rule nested in its group. */
export function textAfter(prefix: string, text: GeneratedText): GeneratedText {
  return new TextAfter(prefix, text);
}

/** A text, or nothing when the condition is false (both renderings evaluate the text: it must render either way). */
export function optionalText(condition: Expr<boolean>, text: GeneratedText): GeneratedText {
  return chosenText(condition, text, fixedText(''));
}

class FixedText extends Expr<string> implements GeneratedText {
  constructor(private readonly text: string) {
    super();
  }

  evaluate(): string {
    return this.text;
  }

  go(): string {
    return JSON.stringify(this.text);
  }

  override goText(): string {
    return this.go();
  }

  checksumInputs(): Expr[] {
    return [];
  }
}

/** A text that no value changes (a header between generated parts). */
export function fixedText(text: string): GeneratedText {
  return new FixedText(text);
}

/** The separators of a rule file as the YAML writer writes it: groups, and the rules of a group. */
const GROUP = '\n  - name: ';
const RULE = '\n      - ';
const ALERT = /^alert: ([A-Za-z0-9_]+)/;

/**
 * A rule file written by the YAML writer (`groups:` / `  - name:` / `    rules:` / `      - alert: X`)
 * without the alerts `disabled` names (true), and without the groups left with no rule: the same cut
 * in both renderings (JavaScript here, the chart's named template `withoutDisabledAlerts` in Go).
 * Cutting the verified text of the whole file is cheaper than a text per alert, and a rule's lines
 * never hold the separators (deeper lines are indented further).
 */
export function withoutDisabledAlerts(text: GeneratedText, disabled: Expr<Readonly<Record<string, boolean | undefined>>>): GeneratedText {
  return new WithoutDisabledAlerts(text, disabled);
}

class WithoutDisabledAlerts extends Expr<string> implements GeneratedText {
  constructor(
    private readonly text: GeneratedText,
    private readonly disabled: Expr<Readonly<Record<string, boolean | undefined>>>,
  ) {
    super();
  }

  evaluate(scope: Scope): string {
    const text = this.text.evaluate(scope);
    const disabled = this.disabled.evaluate(scope) ?? {};
    if (!Object.values(disabled).some((off) => off === true)) return text;
    const [header, ...groups] = text.split(GROUP);
    const kept = groups.flatMap((group) => {
      const [head, ...rules] = group.split(RULE);
      const enabled = rules.filter((rule) => disabled[ALERT.exec(rule)?.[1] ?? ''] !== true);
      return enabled.length === 0 ? [] : [[head, ...enabled].join(RULE)];
    });
    if (kept.length === 0) return 'groups: []\n';
    const joined = [header, ...kept].join(GROUP);
    return joined.endsWith('\n') ? joined : `${joined}\n`;
  }

  go(ctx: GoContext): string {
    return `(include ${JSON.stringify(`${ctx.chartName}.withoutDisabledAlerts`)} (list ${this.text.goText(ctx)} ${this.disabled.go(ctx)}))`;
  }

  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }

  checksumInputs(): Expr[] {
    return [...this.text.checksumInputs(), this.disabled];
  }
}

/** The named template withoutDisabledAlerts relies on; for the chart's _helpers.tpl. */
export function withoutDisabledAlertsHelper(chartName: string): string {
  return `{{/* A rule file without the alerts switched off (lib/monitoring/stack/composed-text.ts withoutDisabledAlerts). */}}
{{- define "${chartName}.withoutDisabledAlerts" -}}
{{- $text := index . 0 -}}
{{- $disabled := default (dict) (index . 1) -}}
{{- $any := false -}}
{{- range $name, $off := $disabled }}{{ if eq $off true }}{{ $any = true }}{{ end }}{{ end -}}
{{- if not $any -}}
{{- $text -}}
{{- else -}}
{{- $parts := splitList ${JSON.stringify(GROUP)} $text -}}
{{- $kept := list (first $parts) -}}
{{- range $group := rest $parts -}}
{{- $rules := splitList ${JSON.stringify(RULE)} $group -}}
{{- $enabled := list -}}
{{- range $rule := rest $rules -}}
{{- $name := regexFind "^alert: [A-Za-z0-9_]+" $rule | trimPrefix "alert: " -}}
{{- if not (and $name (eq (dig $name false $disabled) true)) }}{{ $enabled = append $enabled $rule }}{{ end -}}
{{- end -}}
{{- if $enabled }}{{ $kept = append $kept (join ${JSON.stringify(RULE)} (prepend $enabled (first $rules))) }}{{ end -}}
{{- end -}}
{{- if eq (len $kept) 1 -}}
groups: []
{{ else -}}
{{- $joined := join ${JSON.stringify(GROUP)} $kept -}}
{{- $joined -}}{{- if not (hasSuffix "\\n" $joined) }}
{{ end -}}
{{- end -}}
{{- end -}}
{{- end }}
`;
}
