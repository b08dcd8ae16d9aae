/**
 * Options for YAML that Helm reads (values.yaml, values-<env>.yaml, Chart.yaml), written with the
 * `yaml` library. Helm parses values as YAML 1.1, where yes, no, on, off and y are booleans: writing as
 * 1.1 quotes such strings, so they stay strings. No line folding.
 *
 * Strings with characters that the library would write raw (DEL, C1 controls, NEL, U+2028/U+2029, BOM;
 * Helm's parser refuses the first and splits lines at the others) are written double-quoted with
 * escapes instead (lib/template/yaml-scalars.ts), and so are `<<`, YAML 1.1's merge key, and text Go
 * may read as a number; every other string as the library writes it.
 */
import type { ScalarTag, Tags } from 'yaml';
import { stringTag } from 'yaml/util';
import { doubleQuoted, hasUnsafeCharacters } from '../template/yaml-scalars';

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * Text Go's YAML parser reads as a number (sigs.k8s.io/yaml: `strconv.ParseInt(text without "_", 0, 64)`,
 * which takes 0x, 0o, 0b prefixes in either case and a leading 0 for octal, then YAML's floats): such a
 * string is quoted, though YAML 1.1 itself would not read `0X1f`, `0o10` or `1_0` as numbers.
 */
const GO_INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
const readsAsNumberInGo = (text: string) => {
  const plain = text.replaceAll('_', '');
  return GO_INTEGER.test(plain) || GO_FLOAT.test(plain);
};

const safeString: ScalarTag = {
  ...stringTag,
  stringify: (item, ctx, onComment, onChompKeep) =>
    typeof item.value === 'string' && (hasUnsafeCharacters(item.value) || item.value === '<<' || readsAsNumberInGo(item.value))
      ? doubleQuoted(item.value)
      : stringTag.stringify!(item, ctx, onComment, onChompKeep),
};

export const YAML_FOR_HELM = {
  version: '1.1',
  lineWidth: 0,
  // The merge tag would write the key "<<" plain (a merge in YAML 1.1): without it, "<<" is a string.
  customTags: (tags: Tags) => tags.filter((tag) => typeof tag !== 'object' || tag.tag !== MERGE_TAG).map((tag) => (typeof tag === 'object' && tag.tag === stringTag.tag ? safeString : tag)),
} as const;
