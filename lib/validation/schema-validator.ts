/**
 * Strict schema validation the kubeconform way: for each (kind, apiVersion, Kubernetes version), the
 * locations are tried in order and the first schema found is used. Schemas are loaded lazily, only for
 * the kinds present, and each schema file is compiled once and reused for every document.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { goRegExpEngine } from './go-regexp';
import { NOT_FOUND, SchemaSource, SchemaUnreachableError } from './schema-source';
import { shareRepeatedSubschemas } from './shared-subschemas';
import { normalizeSchemaLocation, schemaPath, type SchemaTarget, schemaTargetKey } from './schema-location';

/** The outcome of looking a kind up in the schema locations. */
export type SchemaLookup =
  /** `schema` is the file as read (the CEL rules of a CRD are taken from it). */
  | { readonly status: 'found'; readonly location: string; readonly validate: ValidateFunction; readonly schema: Readonly<Record<string, unknown>> }
  | { readonly status: 'missing'; readonly tried: readonly string[] }
  | { readonly status: 'unusable'; readonly location: string; readonly reason: string }
  /** The location's server could not be reached: no document can be validated against it. */
  | { readonly status: 'unreachable'; readonly location: string; readonly reason: string };

/**
 * Formats of the Kubernetes OpenAPI definitions and of CRDs that ajv-formats does not know. They are
 * accepted as they are: the `type` keyword beside them still catches wrong types.
 */
const KUBERNETES_ONLY_FORMATS = ['int-or-string', 'quantity', 'cidr', 'mac', 'uuid3', 'uuid4', 'uuid5', 'bsonobjectid', 'datetime'];

function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Halves the compilation of the large schemas; the generated validators are about as fast.
    code: { optimize: false, regExp: goRegExpEngine },
    // Each shared subschema (shareRepeatedSubschemas) compiles to one function, called where it is used.
    inlineRefs: false,
    // Schemas keep OpenAPI extension keywords (x-kubernetes-*): annotations, ignored as kubeconform does.
    // An unknown format is ignored with a warning on stderr rather than failing the compilation.
    strict: false,
    // Schemas do not carry unique $ids, and each compiled function is cached here anyway.
    addUsedSchema: false,
  });
  // ajv-formats covers date-time, byte, int32, int64, float, double, password, binary and the
  // standard string formats; OpenAPI's `nullable: true` is understood by ajv itself.
  addFormats(ajv);
  for (const format of KUBERNETES_ONLY_FORMATS) ajv.addFormat(format, true);
  return ajv;
}

export class SchemaValidator {
  private readonly ajv = createAjv();
  private readonly templates: readonly string[];
  private readonly lookups = new Map<string, Promise<SchemaLookup>>();
  /** Compiled per schema file: CRD schemas are the same file for every Kubernetes version. */
  private readonly compiled = new Map<string, Promise<SchemaLookup>>();

  constructor(
    schemaLocations: readonly string[],
    private readonly source = new SchemaSource(),
  ) {
    this.templates = schemaLocations.map(normalizeSchemaLocation);
  }

  /** The schema for a kind in one Kubernetes version, from the first location that has it. */
  lookup(target: SchemaTarget): Promise<SchemaLookup> {
    const key = schemaTargetKey(target);
    let lookup = this.lookups.get(key);
    if (!lookup) {
      lookup = this.findSchema(target);
      this.lookups.set(key, lookup);
    }
    return lookup;
  }

  private async findSchema(target: SchemaTarget): Promise<SchemaLookup> {
    const tried: string[] = [];
    for (const template of this.templates) {
      const location = schemaPath(template, target);
      const lookup = await this.compile(location);
      if (lookup.status !== 'missing') return lookup;
      tried.push(location);
    }
    return { status: 'missing', tried };
  }

  private compile(location: string): Promise<SchemaLookup> {
    let lookup = this.compiled.get(location);
    if (!lookup) {
      lookup = this.source.load(location).then(
        (schema): SchemaLookup => {
          if (schema === NOT_FOUND) return { status: 'missing', tried: [location] };
          try {
            const read = withoutMetaSchema(schema);
            return { status: 'found', location, validate: this.ajv.compile(shareRepeatedSubschemas(read)), schema: read };
          } catch (error) {
            return { status: 'unusable', location, reason: `cannot compile schema: ${(error as Error).message}` };
          }
        },
        (error: Error): SchemaLookup => (error instanceof SchemaUnreachableError ? { status: 'unreachable', location, reason: error.reason } : { status: 'unusable', location, reason: error.message }),
      );
      this.compiled.set(location, lookup);
    }
    return lookup;
  }
}

/**
 * The generated Kubernetes schemas declare `"$schema": "http://json-schema.org/schema#"` (no draft),
 * which ajv does not know: compile them as ajv's default draft instead.
 */
function withoutMetaSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error('not a JSON schema object');
  const { $schema: _metaSchema, ...rest } = schema as Record<string, unknown>;
  return rest;
}
