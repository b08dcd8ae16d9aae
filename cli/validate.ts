/**
 * `npm run validate`: strict schema validation of Kubernetes manifests (kubeconform's -schema-location
 * templates, every requested Kubernetes version) and the platform policy checks.
 * Exit code: 0 clean, 1 findings, 2 bad usage or schemas that cannot be fetched (one line saying so).
 */
import { existsSync } from 'node:fs';
import { Progress } from '../lib/cli/progress';
import { parseArgs } from 'node:util';
import { DEFAULT_KUBERNETES_VERSIONS, DEFAULT_SCHEMA_LOCATIONS, formatFinding, formatUnevaluatedRule, loadManifests, validateManifests, ValidationConfigurationError } from '../lib/validation';

const USAGE = `usage: node build/validate.js [--schema-location LOC]... [--kubernetes-version 1.27.0,1.33.0] [--no-policy] [PATH...]

  PATH                  YAML files, or directories searched recursively for .yaml/.yml (default: dist/manifests and dist/environments)
  --schema-location     kubeconform location template or directory, tried in order (repeatable);
                        also read from KUBE_SCHEMA_LOCATION (comma- or newline-separated);
                        default: ${DEFAULT_SCHEMA_LOCATIONS.join('\n                        and ')}
  --kubernetes-version  comma-separated versions to validate against (default: ${DEFAULT_KUBERNETES_VERSIONS.join(',')})
  --no-policy           schema validation only`;

class UsageError extends Error {}

/** Runs `parse`, reporting what it throws as a UsageError. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseCommandLine(args: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = asUsageError(() =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        'schema-location': { type: 'string', multiple: true, default: [] },
        'kubernetes-version': { type: 'string', multiple: true, default: [] },
        'no-policy': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  const listed = (items: readonly string[], separator: RegExp) =>
    items
      .flatMap((item) => item.split(separator))
      .map((item) => item.trim())
      .filter(Boolean);
  const schemaLocations = [...values['schema-location'], ...listed([env.KUBE_SCHEMA_LOCATION ?? ''], /[,\n]/)];
  const kubernetesVersions = listed(values['kubernetes-version'], /,/);
  return {
    help: values.help,
    // The GitOps objects beside the manifests (dist/environments/<env>/gitops) too, when synth wrote them.
    paths: positionals.length > 0 ? positionals : ['dist/manifests', ...(existsSync('dist/environments') ? ['dist/environments'] : [])],
    options: {
      schemaLocations: schemaLocations.length > 0 ? schemaLocations : undefined,
      kubernetesVersions: kubernetesVersions.length > 0 ? kubernetesVersions : undefined,
      policy: !values['no-policy'],
    },
  };
}

async function main(): Promise<number> {
  const { help, paths, options } = parseCommandLine(process.argv.slice(2), process.env);
  if (help) {
    console.log(USAGE);
    return 0;
  }
  const loaded = await loadManifests(paths);
  const progress = new Progress('validate', 0);
  const result = await validateManifests(loaded.documents, { ...options, onProgress: (done, total, what) => progress.update(done, what, total) });
  progress.end();
  const schemaErrors = [...loaded.problems, ...result.schemaErrors];
  for (const finding of [...schemaErrors, ...result.apiServerFindings, ...result.policyFindings]) console.log(formatFinding(finding));
  const { rules, reached, unevaluated, transition } = result.celRules;
  for (const rule of unevaluated) console.log(`CEL rule not evaluated: ${formatUnevaluatedRule(rule)}`);
  for (const rule of transition) console.log(`CEL transition rule, not applied to a create: ${formatUnevaluatedRule(rule)}`);
  if (rules > 0) {
    const evaluated = reached - unevaluated.length - transition.length;
    console.log(`CEL rules of the CRDs present: ${rules}, ${reached} reached by the objects (${evaluated} evaluated, ${unevaluated.length} not evaluated, ${transition.length} for updates only)`);
  }
  const versions = (options.kubernetesVersions ?? DEFAULT_KUBERNETES_VERSIONS).length;
  console.log(
    `validated ${result.documents} documents (${versions} Kubernetes versions): ${schemaErrors.length} schema errors, ${result.policyFindings.length} policy findings, ${result.apiServerFindings.length} API server findings`,
  );
  return schemaErrors.length + result.apiServerFindings.length + result.policyFindings.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof UsageError || error instanceof ValidationConfigurationError)) throw error;
    console.error(`validate: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = 2;
  },
);
