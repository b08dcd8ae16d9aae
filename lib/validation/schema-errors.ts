/** ajv errors turned into one readable message per wrong field. */
import type { ErrorObject } from 'ajv';
import { type FieldPath, resolvePointer } from './field-path';

export interface SchemaProblem {
  readonly path: FieldPath;
  readonly message: string;
}

export function describeSchemaErrors(errors: readonly ErrorObject[], document: unknown): SchemaProblem[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const isInsideAlternative = (e: ErrorObject) => alternatives.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && isWithin(e.instancePath, a.instancePath));
  const problems = new Map<string, SchemaProblem>();
  for (const error of errors) {
    // An int-or-string field fails both of its branches: its oneOf error explains them together.
    if (isInsideAlternative(error)) continue;
    const branches = errors.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath === error.instancePath);
    const { path, value } = resolvePointer(document, error.instancePath);
    const problem = describe(error, path, value, branches);
    problems.set(JSON.stringify(problem), problem);
  }
  return [...problems.values()];
}

function describe(error: ErrorObject, path: (string | number)[], value: unknown, branches: readonly ErrorObject[]): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  const got = `got ${describeValue(value)}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: `unknown field "${String(params.additionalProperty)}"` };
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: `required field "${String(params.missingProperty)}" is missing` };
    case 'type':
      return { path, message: `expected ${typeNames(params.type)}, ${got}` };
    case 'enum':
      return { path, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, ${got}` };
    case 'format':
      return { path, message: `expected format ${String(params.format)}, ${got}` };
    case 'pattern':
      return { path, message: `expected a value matching ${String(params.pattern)}, ${got}` };
    case 'oneOf':
    case 'anyOf': {
      if (params.passingSchemas) return { path, message: `matches more than one allowed form, ${got}` };
      const typeBranches = branches.filter((b) => b.keyword === 'type');
      if (typeBranches.length === branches.length && branches.length > 0) {
        return { path, message: `expected ${typeBranches.map((b) => typeNames((b.params as { type: unknown }).type)).join(' or ')}, ${got}` };
      }
      const reasons = [...new Set(branches.map((b) => b.message ?? b.keyword))].join('; ');
      return { path, message: `matches none of the allowed forms (${reasons}), ${got}` };
    }
    default:
      return { path, message: `${error.message ?? `fails ${error.keyword}`}, ${got}` };
  }
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

/** `["integer", "null"]` -> `integer`: Kubernetes treats null as unset, so "or null" only adds noise. */
function typeNames(type: unknown): string {
  const names = (Array.isArray(type) ? type : String(type).split(',')).filter((name) => name !== 'null');
  return names.length > 0 ? names.join(' or ') : 'null';
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
