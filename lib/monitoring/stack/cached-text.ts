/**
 * A generated text evaluated once per distinct input: interpolated text (lib/template/text.ts) fills
 * its chunks and then checks the result by parsing it again, at every evaluation. Where releases share
 * the input values (the dashboards, Loki's and Grafana's configuration are the same in every
 * environment), the text of one is the text of all: its evaluation depends on nothing else.
 */
import { Expr, type GoContext, type Scope } from '../../template/expr';
import { type GeneratedText, type TextInput, resolveInput } from '../../template/text';

class CachedText extends Expr<string> implements GeneratedText {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly input: TextInput,
    private readonly text: GeneratedText,
  ) {
    super();
  }

  evaluate(scope: Scope): string {
    const key = exactKey(resolveInput(this.input, scope));
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.text.evaluate(scope);
      this.texts.set(key, text);
    }
    return text;
  }

  go(ctx: GoContext): string {
    return this.text.go(ctx);
  }

  override goText(ctx: GoContext): string {
    return this.text.goText(ctx);
  }

  checksumInputs(): Expr[] {
    return this.text.checksumInputs();
  }
}

/** A text evaluated once per distinct value of its input (the same input it was made from). */
export function cachedText(input: TextInput, text: GeneratedText): GeneratedText {
  return new CachedText(input, text);
}

/** A key telling apart every JSON-like value (unlike JSON.stringify: -0, undefined, NaN, key order kept). */
function exactKey(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'number') return Object.is(value, -0) ? 'd-0' : `d${value}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) return `[${value.map(exactKey).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${exactKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  throw new Error(`cachedText: input value of type ${typeof value} cannot be keyed`);
}
