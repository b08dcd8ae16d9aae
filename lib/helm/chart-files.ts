/**
 * The files of a Helm chart emitted from the objects of a cdk8s chart: Chart.yaml, values.yaml
 * (commented from the schema), values-<env>.yaml, values.schema.json, templates/, README.md and
 * .helmignore. Templates come from the same manifest trees as the plain manifests.
 */
import type { ChartIdentity, ChartObject } from '../chart/release';
import { engineHelpers } from '../template/expr';
import { sharedTemplate } from '../template/shared-templates';
import { escapeJsonText } from '../template/yaml-scalars';
import { diffValues } from '../values/merge';
import type { ChartLinks } from '../values/schema';
import { valueRulesTemplate } from '../values/app-rules';
import { commentedValues, helmYaml, valuesTable } from './values-docs';
import { requireValuesTemplate, schemaWithDefaults } from './schema-defaults';
import { type RecordedVersion, chartDigest, chartVersion } from './chart-versions';

export interface HelmChartSpec {
  /** The chart's objects (`chartObjects`): values-driven templates and static ones. */
  readonly objects: readonly ChartObject[];
  readonly identity: ChartIdentity;
  readonly description: string;
  readonly schema: object;
  /** values.yaml: the base values. */
  readonly baseValues: Record<string, unknown>;
  /** Each environment's full values; values-<env>.yaml holds what differs from the base. */
  readonly environmentValues: ReadonlyMap<string, Record<string, unknown>>;
  readonly helpers: string;
  /** Templates written as they are, by file name under templates/. */
  readonly extraTemplates?: Readonly<Record<string, string>>;
  /** Go template text of the rules on values (templates/validate-values.yaml, after the check that no default was removed). */
  readonly valueRules: string;
  readonly notes: string;
  /** Markdown for the README between the title and the values table (install, upgrade, differences). */
  readonly readme: string;
  /** Chart.yaml home, sources and icon (values/base.yaml `charts:`). */
  readonly links: ChartLinks;
  /** The chart's recorded version and the digest of its content (charts/versions.yaml); none for a new chart. */
  readonly recorded?: RecordedVersion;
}

const HELMIGNORE = `# Patterns ignored when packaging the chart (helm package).
.DS_Store
.git/
.gitignore
*.swp
*.bak
*.tmp
*.orig
*~
.idea/
.vscode/
`;

export function helmChartFiles(spec: HelmChartSpec): Map<string, string> {
  const files = new Map<string, string>();
  const { identity } = spec;
  files.set('.helmignore', HELMIGNORE);
  // The chart's defaults in its schema, `required` only without one (schema-defaults.ts); escaped: the
  // schema's patterns hold control characters (lib/values/kubernetes-names.ts).
  const editorSchema = schemaWithDefaults(spec.schema, spec.baseValues);
  const requireValues = requireValuesTemplate(identity.name, editorSchema.required);
  files.set('values.schema.json', `${escapeJsonText(JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...editorSchema.schema }, null, 2))}\n`);
  files.set('values.yaml', commentedValues(spec.schema, spec.baseValues, `# Default values of the ${identity.name} chart, generated from values/base.yaml; see README.md.`));
  for (const [environment, values] of spec.environmentValues) {
    const overlay = diffValues(spec.baseValues, values) ?? {};
    files.set(
      `values-${environment}.yaml`,
      `# The ${environment} environment: what it changes from values.yaml (generated from values/${environment}.yaml).\n${Object.keys(overlay).length > 0 ? helmYaml(overlay) : '{}\n'}`,
    );
  }
  files.set('templates/_helpers.tpl', `${spec.helpers}\n${engineHelpers(identity.name)}\n${requireValues.helper}`);
  files.set('templates/NOTES.txt', spec.notes);
  files.set('templates/validate-values.yaml', valueRulesTemplate(`${requireValues.check}\n${spec.valueRules}`));
  for (const [name, text] of Object.entries(spec.extraTemplates ?? {})) files.set(`templates/${name}`, text);
  for (const object of spec.objects) {
    if (object.plainOnly) continue;
    // Written once for every chart with the same tree (shared-templates.ts).
    files.set(`templates/${object.template}`, sharedTemplate(object.manifest, identity.name, object.condition));
  }
  files.set('README.md', `# ${identity.name}\n\n${spec.description}\n\n${spec.readme}\n## Values\n\n${valuesTable(spec.schema, spec.baseValues)}\n`);
  // The version recorded for this content (charts/versions.yaml), or an unreleased one above it (chart-versions.ts).
  const version = chartVersion(spec.recorded, chartDigest(files));
  const chartYaml = new Map([
    [
      'Chart.yaml',
      helmYaml({
        apiVersion: 'v2',
        name: identity.name,
        description: spec.description,
        type: 'application',
        version,
        appVersion: identity.appVersion,
        kubeVersion: '>=1.27.0-0',
        home: spec.links.home,
        sources: spec.links.sources,
        icon: spec.links.icon,
        maintainers: [{ name: 'Platform Team', email: 'platform@example.com' }],
        annotations: {
          // Artifact Hub (artifacthub.io/...): what a chart repository's index shows.
          'artifacthub.io/license': 'Apache-2.0',
          'artifacthub.io/category': identity.name === 'monitoring' ? 'monitoring-logging' : 'integration-delivery',
          'artifacthub.io/containsSecurityUpdates': 'false',
        },
      }),
    ],
  ]);
  return new Map([...chartYaml, ...files]);
}
