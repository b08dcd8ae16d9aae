/** Kubernetes label selectors (matchLabels AND matchExpressions), as the API server evaluates them. */
import { isRecord, objectsIn } from '../kubernetes-object';

interface Requirement {
  readonly key?: unknown;
  readonly operator?: unknown;
  readonly values?: unknown;
}

/**
 * Whether `selector` selects an object with `labels`. `{}` selects everything; a missing or malformed
 * selector, or an unknown operator, selects nothing (schema validation reports the malformation).
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isRecord(selector)) return false;
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined) {
    if (!isRecord(matchLabels)) return false;
    if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  }
  if (matchExpressions !== undefined) {
    if (!Array.isArray(matchExpressions)) return false;
    const requirements = objectsIn<Requirement>(matchExpressions);
    if (requirements.length !== matchExpressions.length) return false;
    if (!requirements.every(({ item }) => requirementMatches(item, labels))) return false;
  }
  return true;
}

function requirementMatches({ key, operator, values }: Requirement, labels: Readonly<Record<string, string>>): boolean {
  if (typeof key !== 'string') return false;
  const has = Object.hasOwn(labels, key);
  const listed = Array.isArray(values) && values.includes(labels[key]);
  switch (operator) {
    case 'In':
      return has && listed;
    case 'NotIn': // also selects objects without the label, as in Kubernetes
      return !has || !listed;
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}
