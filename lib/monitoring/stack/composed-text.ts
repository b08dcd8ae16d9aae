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
    return this.parts.flatMap((part) => (part.checksumInputs ? part.checksumInputs() : [part]));
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
    return [this.condition, ...this.whenTrue.checksumInputs(), ...this.whenFalse.checksumInputs()];
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
