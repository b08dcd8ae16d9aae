/**
 * Schema patterns are Go (RE2) regular expressions, as kubeconform and the API server evaluate them.
 * JavaScript lacks two RE2 forms found in CRDs: inline flags such as `^(?i)(abort|warn)?$`
 * (PrometheusRule) and named groups `(?P<name>...)`. Inline flags become flags of the whole
 * expression: exact when they come first, as in every schema here, and broader otherwise.
 */
import type { RegExpEngine } from 'ajv/dist/types';

const INLINE_FLAGS = /\(\?([ims]+)\)/g;

function goRegExp(pattern: string, flags: string): RegExp {
  let inlineFlags = '';
  const source = pattern
    .replace(INLINE_FLAGS, (_, found: string) => {
      inlineFlags += found;
      return '';
    })
    .replace(/\(\?P</g, '(?<');
  return new RegExp(source, [...new Set(flags + inlineFlags)].join(''));
}

/** ajv's regular expression engine option; `code` only names it in generated standalone code. */
export const goRegExpEngine: RegExpEngine = Object.assign(goRegExp, { code: 'goRegExp' });
