/**
 * A label value derived from a text that may not be one, the same in both renderings: an image tag
 * becomes the `app.kubernetes.io/version` label, and a tag may be 128 characters and start with `_`
 * or end with `.` or `-` (OCI distribution spec), where a label value is at most 63 characters and
 * starts and ends with a letter or digit (apimachinery IsValidLabelValue). Rather than refuse such
 * tags (valid images), the label takes the first 63 characters, without non-alphanumeric characters
 * at either end, as `helm create` truncates `.Chart.AppVersion` (`trunc 63`). Tag characters are
 * ASCII, so characters and bytes agree in both languages.
 */
import { Expr, type GoContext, type Operand, type Scope, expr } from './expr';

function labelValueOf(text: string): string {
  return text
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
}

/** The Go side of labelValueOf, as a pipeline on `goText` (for hand-written helpers). */
export function labelValueGo(goText: string): string {
  return `(regexReplaceAll "[^A-Za-z0-9]+$" (regexReplaceAll "^[^A-Za-z0-9]+" (trunc 63 ${goText}) "") "")`;
}

/** labelValueOf as an expression of the template engine. */
export function labelValue(text: Operand<string>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      return labelValueOf(String(expr(text).evaluate(scope)));
    }
    go(ctx: GoContext): string {
      // toString: a value removed with null reaches the templates as nil, which templates/validate-values.yaml
      // refuses with a message of its own; Helm renders templates/tests/ first, where trunc would fail on nil first.
      return labelValueGo(`(toString ${expr(text).go(ctx)})`);
    }
  })();
}
