/**
 * Secret scanning of the outputs: secretlint with its recommended preset (cloud keys, tokens, private
 * keys, basic-auth URLs, connection strings...) on every file's text, plus rules of our own on the
 * parsed objects, which no scanner has because they need the Kubernetes shape:
 * - a Secret object with `data` or `stringData` (secrets are referenced, never written);
 * - an environment variable whose name says credential (PASSWORD, TOKEN, SECRET, API_KEY, ...) with a
 *   literal `value` instead of `valueFrom`;
 * - a ConfigMap entry or any object field whose key says credential with a literal text;
 * - `password = ...`, `token: ...` style assignments inside configuration text (ConfigMap files,
 *   annotations, args), unless the value is a file path or a reference (`$VAR`, `${...}`, `$__file{...}`).
 * A SealedSecret's `spec.encryptedData` is ciphertext only the cluster can decrypt: it is not a finding.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';

export interface Finding {
  /** File or rendering the finding is in. */
  readonly where: string;
  /** Rule: `secretlint:<rule id>` or `platform:<rule>`. */
  readonly rule: string;
  readonly message: string;
}

/** Names that hold a credential's value (not a reference to one: secretName, passwordKey, ...). */
const CREDENTIAL_NAME = /(^|[_.-])(password|passwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)$/i;
/** A field key naming a credential value, in camelCase or snake_case. */
const CREDENTIAL_KEY = /^(password|passwd|secret|token|apiKey|api_key|accessKey|access_key|secretAccessKey|secret_access_key|privateKey|private_key|clientSecret|client_secret|auth|bearerToken|bearer_token)$/;
/** `password = value`, `token: value` in configuration text. */
const ASSIGNMENT = /\b(password|passwd|secret|token|api[_-]?key|client[_-]?secret)\s*[:=]\s*["']?([^\s"',}]+)/gi;

/** A value that names where a credential is, rather than being one. */
function isReference(value: string): boolean {
  return value === '' || /^(\/|\$|\{\{|<|\*+$)/.test(value) || /^(true|false|null)$/i.test(value);
}

/** Every finding of our own rules in one parsed object. */
export function scanObject(object: unknown, where: string): Finding[] {
  const findings: Finding[] = [];
  const o = object as { kind?: string; metadata?: { name?: string }; data?: object; stringData?: object };
  const what = `${where} ${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;
  if (o.kind === 'Secret' && (Object.keys(o.data ?? {}).length > 0 || Object.keys(o.stringData ?? {}).length > 0)) {
    findings.push({ where: what, rule: 'platform:secret-with-data', message: 'a Secret with data: reference an existing Secret, an ExternalSecret or a SealedSecret instead' });
  }
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${path}[${i}]`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (o.kind === 'SealedSecret' && path === '.spec.encryptedData') return;
    const record = node as Record<string, unknown>;
    // An environment variable: {name, value}.
    if (typeof record.name === 'string' && typeof record.value === 'string' && CREDENTIAL_NAME.test(record.name) && !isReference(record.value)) {
      findings.push({ where: what, rule: 'platform:credential-env', message: `${path}: ${record.name} has a literal value; read it from a Secret (valueFrom.secretKeyRef)` });
    }
    for (const [key, value] of Object.entries(record)) {
      const at = `${path}.${key}`;
      if (typeof value === 'string') {
        const configMapEntry = o.kind === 'ConfigMap' && path === '.data' && CREDENTIAL_NAME.test(key);
        if ((configMapEntry || CREDENTIAL_KEY.test(key)) && !isReference(value)) {
          findings.push({ where: what, rule: 'platform:credential-field', message: `${at}: a credential written as a literal` });
        }
        for (const match of value.matchAll(ASSIGNMENT)) {
          if (!isReference(match[2])) findings.push({ where: what, rule: 'platform:credential-assignment', message: `${at}: "${match[1]}" assigned a literal in the text` });
        }
      } else {
        visit(value, at);
      }
    }
  };
  visit(object, '');
  return findings;
}

/** secretlint's recommended preset on one file's text. */
export async function scanText(text: string, where: string): Promise<Finding[]> {
  const result = await lintSource({
    source: { content: text, filePath: where, ext: '.yaml', contentType: 'text' },
    options: { maskSecrets: true, noPhysicFilePath: true, config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] } },
  });
  return result.messages.map((m) => ({ where, rule: `secretlint:${m.ruleId}`, message: m.message }));
}
