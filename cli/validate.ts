/**
 * `npm run validate`: strict schema validation of Kubernetes manifests (kubeconform's -schema-location
 * templates, every requested Kubernetes version) and the platform policy checks.
 * Exit code: 0 clean, 1 findings, 2 bad usage or schemas that cannot be fetched (one line saying so).
 */
import { existsSync } from 'node:fs';
import { type CommandSpec, type ParsedCommand, runCommand } from '../lib/cli/command-line.cjs';
import { Progress } from '../lib/cli/progress';
import { DEFAULT_KUBERNETES_VERSIONS, DEFAULT_SCHEMA_LOCATIONS, formatFinding, formatUnevaluatedRule, loadManifests, validateManifests, ValidationConfigurationError } from '../lib/validation';

const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  invocation: 'npm run validate --',
  summary: 'Validates Kubernetes manifests against strict JSON schemas (kubeconform locations) and the platform policy.',
  positionals: [{ name: 'PATH', multiple: true, description: 'YAML files, or folders searched for .yaml/.yml (default: dist/manifests and dist/environments)' }],
  options: {
    'schema-location': {
      type: 'string',
      value: 'LOC',
      multiple: true,
      description: `kubeconform location template or folder, tried in order (repeatable);\nalso read from KUBE_SCHEMA_LOCATION (comma- or newline-separated);\ndefault: ${DEFAULT_SCHEMA_LOCATIONS.join('\nand ')}`,
    },
    'kubernetes-version': { type: 'string', value: 'VERSIONS', multiple: true, description: `comma-separated versions to validate against (default: ${DEFAULT_KUBERNETES_VERSIONS.join(',')})` },
    'no-policy': { type: 'boolean', description: 'schema validation only' },
  },
  notes: 'Exit code: 0 clean, 1 findings, 2 bad usage or schemas that cannot be fetched.',
  usageExitCode: 2,
};

function validateOptions(parsed: ParsedCommand, env: NodeJS.ProcessEnv) {
  const values = parsed.values as { 'schema-location'?: string[]; 'kubernetes-version'?: string[]; 'no-policy'?: boolean };
  const listed = (items: readonly string[], separator: RegExp) =>
    items
      .flatMap((item) => item.split(separator))
      .map((item) => item.trim())
      .filter(Boolean);
  const schemaLocations = [...(values['schema-location'] ?? []), ...listed([env.KUBE_SCHEMA_LOCATION ?? ''], /[,\n]/)];
  const kubernetesVersions = listed(values['kubernetes-version'] ?? [], /,/);
  return {
    // The GitOps objects beside the manifests (dist/environments/<env>/gitops) too, when synth wrote them.
    paths: parsed.positionals.length > 0 ? parsed.positionals : ['dist/manifests', ...(existsSync('dist/environments') ? ['dist/environments'] : [])],
    options: {
      schemaLocations: schemaLocations.length > 0 ? schemaLocations : undefined,
      kubernetesVersions: kubernetesVersions.length > 0 ? kubernetesVersions : undefined,
      policy: values['no-policy'] !== true,
    },
  };
}

async function main(parsed: ParsedCommand): Promise<number> {
  const { paths, options } = validateOptions(parsed, process.env);
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

runCommand(VALIDATE_COMMAND, process.argv.slice(2), main).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof ValidationConfigurationError)) throw error;
    console.error(`validate: ${error.message}`);
    process.exitCode = 2;
  },
);
