/**
 * Names the platform builds other names from: application names (chart names, release names,
 * namespaces `<app>-<env>`, dist/ folders) and environment names (overlay files, namespaces).
 */
import { Type } from '@sinclair/typebox';
import { longestEnvironmentObjectName } from '../gitops/layout';
import { dnsLabelPattern } from './kubernetes-names';
import { layoutReservedNames } from './layout-names';
import { MAX_FULLNAME } from './name-budget';
import { patterns } from './schema-primitives';
import type { Problem } from './problems';

/**
 * Application names that collide with the platform: those of the output's layout (layout-names.ts:
 * `monitoring`, `packages`, `root`, ...), and `constructor` and `prototype`, properties of every
 * JavaScript object, which a lookup by name could find instead of an application (`__proto__` fails
 * the DNS label pattern).
 */
const RESERVED_APPLICATION_NAMES = [...layoutReservedNames().map(({ name }) => name), 'constructor', 'prototype'];

/** Why each reserved name is reserved, for the message. */
const RESERVED_WHY = `is a name the platform uses itself (${[...layoutReservedNames().map(({ name, takes }) => `${name}: ${takes}`), 'constructor, prototype: JavaScript'].join('; ')}); choose another`;

/** `default` names the base values' own release (values.yaml); `base` is the base file. */
const RESERVED_ENVIRONMENT_NAMES = ['default', 'base'] as const;

/**
 * Longest application name: it is the release name, chart name and full name of its chart, so the
 * longest object name the chart derives (`<app>-<longest suffix>`, name-budget.ts) stays within 63
 * characters; `<app>-<env>` namespaces are checked below.
 */
export const MAX_APPLICATION_NAME = MAX_FULLNAME;

/** A namespace is a DNS label: at most 63 characters (Kubernetes). */
const MAX_NAMESPACE = 63;

/**
 * The key schema of `applications`: a DNS-1035 label, since the application name is the full name
 * that names its Service (Service names start with a letter: ValidateServiceName).
 */
export function applicationNameSchema() {
  return Type.String({ pattern: patterns.dns1035Label, maxLength: MAX_APPLICATION_NAME, not: { enum: RESERVED_APPLICATION_NAMES, description: RESERVED_WHY } } as object);
}

/** Problems with environment names (from the overlay file names), each naming its file. */
export function environmentNameProblems(environments: readonly { readonly name: string; readonly file: string }[]): Problem[] {
  const problems: Problem[] = [];
  for (const { name, file } of environments) {
    if (!new RegExp(dnsLabelPattern).test(name) || name.length > MAX_NAMESPACE) {
      problems.push({ file, path: '', message: `the environment name "${name}" (from the file name) must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit` });
    } else if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
      problems.push({ file, path: '', message: `"${name}" is a name the platform uses itself (${RESERVED_ENVIRONMENT_NAMES.join(', ')}); rename the file` });
    }
  }
  return problems;
}

/**
 * Problems with environment names that make a name of the environment's own GitOps objects longer than
 * 63 characters (lib/gitops/layout.ts: each is also a label value), each naming its file.
 */
export function environmentObjectNameProblems(environments: readonly { readonly name: string; readonly file: string }[]): Problem[] {
  return environments.flatMap(({ name, file }) => {
    const object = longestEnvironmentObjectName(name);
    if (object.length <= MAX_NAMESPACE) return [];
    const message = `the environment name "${name}" (from the file name) is too long: its GitOps object "${object}" would be ${object.length} characters, and that name is also its app.kubernetes.io/name label value, which Kubernetes allows ${MAX_NAMESPACE}: at most ${name.length - (object.length - MAX_NAMESPACE)} characters`;
    return [{ file, path: '', message }];
  });
}

/**
 * Problems with namespaces `<app>-<env>` longer than 63 characters, located where the application is
 * defined (`where(app)`).
 */
export function namespaceLengthProblems(applications: readonly string[], environments: readonly string[], where: (app: string) => Problem): Problem[] {
  const problems: Problem[] = [];
  for (const app of applications) {
    for (const env of environments) {
      const namespace = `${app}-${env}`;
      if (namespace.length > MAX_NAMESPACE) {
        const at = where(app);
        problems.push({ ...at, message: `the namespace "${namespace}" would be ${namespace.length} characters; Kubernetes allows ${MAX_NAMESPACE}: shorten the application or environment name` });
      }
    }
  }
  return problems;
}
