/**
 * The whole platform, composed: one chart per application and the monitoring chart, each built once
 * and released to every environment through the one release pipeline (lib/synth/release-pipeline.ts).
 * The output of `npm run synth`, as files relative to dist/:
 * - manifests/<env>/<chart>/<object>.yaml: the plain manifests of every chart in every environment;
 * - helm/<chart>/: one Helm chart per application, and helm/monitoring/.
 * Pure: every environment's values are loaded and validated before the first file is emitted, so bad
 * values throw a ValuesError before any output.
 */
import { App } from 'cdk8s';
import { appNotes, appReadme } from '../lib/app/chart-docs';
import { environmentOutput, gitopsFiles } from '../lib/gitops/environment-files';
import { addressNames } from '../lib/network-graph/address-names';
import { annotationHelpers } from '../lib/traffic/annotations';
import { type RouteClaim, applicationClaims, monitoringClaims, routeClaimConflicts } from '../lib/traffic/route-claims';
import { SUB_PATHS } from '../lib/monitoring/stack/ports';
import type { MonitoringValues } from '../lib/monitoring/values-schema';
import { edgeEnvironmentOutput } from '../lib/traffic/controller-settings';
import { PlatformInventory } from '../lib/gitops/inventory';
import { type GitOpsSettings, gitopsSettings } from '../lib/gitops/settings';
import { clashTemplate, extraObjectClashes, extraObjectsTemplate, renderExtraObjects } from '../lib/app/extra-objects';
import { helpersTemplate } from '../lib/app/names';
import { canaryStepsHelper } from '../lib/delivery/canary-steps';
import { type ChartIdentity, releaseScope } from '../lib/chart/release';
import { type MonitoringReleases, loadMonitoringReleases, monitoringHelm } from '../lib/monitoring/stack/synth';
import { emitChartRelease } from '../lib/synth/release-pipeline';
import { CHART_VERSION, type SynthOptions, loadPlatformValues, namespaceOf } from '../lib/synth/synthesize';
import { appRulesTemplate, quantityHelper } from '../lib/values/app-rules';
import { valuesShapeTemplate } from '../lib/values/values-shape';
import { canonicalQuantityHelper, quantityRulesTemplate } from '../lib/values/quantity-rules';
import { type EnvironmentValues, environmentRuleTemplate, located } from '../lib/values/load';
import { type Problem, ValuesError, uniqueProblems } from '../lib/values/problems';
import { AppValuesSchema } from '../lib/values/schema';
import { recoverySection } from '../lib/backup/recovery-notes';
import { sharedBackupFolderProblems } from '../lib/backup/shared-locations';
import { AppChart } from './app-chart';
import { MonitoringChart } from './monitoring-chart';
import { withSchemaChanges } from '../lib/values/schema-paths';
import { type ChartVersions, VERSIONS_FILE, readChartVersions } from '../lib/helm/chart-versions';
import { GITOPS, PlatformReferences, declaredGateway, prerequisitesOf } from '../lib/references/platform-references';
import { migrationHelpers } from '../lib/secrets/migration-copies';
import { prerequisitesSection } from '../lib/references/readme';
import { tracingCollectors } from '../lib/references/tracing';
import { gitopsFolder } from '../lib/gitops/argocd';
import { stage } from '../lib/synth/stage-times';
import { type ClaimOrder, type HelperData, type HelperThread, helperUnavailable, serveJobs } from '../lib/synth/helper-thread';
import { OutputRecord, type RecordEntry } from '../lib/synth/output-record';
import type { ChartLinks } from '../lib/values/schema';

export interface PlatformOptions extends SynthOptions {
  /** The recorded chart versions (lib/helm/chart-versions.ts); default: charts/versions.yaml of the working folder. */
  readonly chartVersionsFile?: string;
  /** Labels on every object of every application chart (cdk8s chart-level `labels`), in both outputs. */
  readonly applicationLabels?: Readonly<Record<string, string>>;
  /**
   * Called with each application's chart once its own objects are defined, before anything is
   * rendered: add cdk8s constructs here (cdk8s-plus-27, `ApiObject`, imported CRD classes), call
   * `addJsonPatch`, `metadata.addLabel`, `onlyWhen`. Everything added is in both outputs.
   */
  readonly extendApplication?: (chart: AppChart) => void;
}

/**
 * Keys of a map of the application values (`backups.postgresql`, `secrets`) that an overlay adds but
 * values/base.yaml does not declare: the chart has objects per key of the base values, so such a key
 * would silently make nothing.
 */
function undeclaredKeys(app: string, path: readonly string[], what: string, declared: readonly string[], environments: readonly EnvironmentValues[]): Problem[] {
  return environments.flatMap((env) => {
    const map = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], env.applications.get(app));
    return Object.keys((map as Record<string, unknown> | undefined) ?? {})
      .filter((key) => !declared.includes(key))
      .flatMap((key) =>
        located([{ path: [...path, key], message: `${what} not declared in values/base.yaml (declared there: ${declared.join(', ') || 'none'}); the chart has its objects from the base values` }], env.files, [
          ['applications', app],
          ['defaults'],
        ]),
      );
  });
}

/** The routes of an environment claiming a host and path another application (or the monitoring stack) claims first. */
function environmentClaimProblems(env: EnvironmentValues, monitoringValues: MonitoringValues): Problem[] {
  const claims = [...[...env.applications].flatMap(([name, values]) => applicationClaims(name, values)), ...monitoringClaims(monitoringValues, Object.values(SUB_PATHS))];
  const locate = (claim: RouteClaim, message: string) => located([{ path: [...claim.at], message }], env.files, claim.owner[0] === 'monitoring' ? [['monitoring']] : [[...claim.owner], ['defaults']])[0];
  return routeClaimConflicts(claims, (first) => {
    const at = locate(first, '');
    return at.line === undefined ? at.file : `${at.file}:${at.line}`;
  }).map(({ claim, message }) => locate(claim, message));
}

/**
 * The chart's values schema with the maps whose keys make objects (`backups.postgresql`, `secrets`)
 * limited to the names the chart has objects for, so that Helm refuses a name that would make nothing,
 * as synth does (`undeclaredKeys`). Paths are dotted property paths of the schema.
 */
function schemaWithDeclaredNames(schema: object, names: Readonly<Record<string, readonly string[]>>): object {
  // Charts that declare the same names (most declare none) share one schema object, so that what is
  // derived from it per schema object (readable-schema.ts, reserved-keys.ts) is derived once.
  const key = JSON.stringify(Object.entries(names));
  let bySchema = WITH_DECLARED_NAMES.get(schema);
  if (bySchema === undefined) {
    bySchema = new Map();
    WITH_DECLARED_NAMES.set(schema, bySchema);
  }
  let found = bySchema.get(key);
  if (found === undefined) {
    found = withDeclaredNames(schema, names);
    bySchema.set(key, found);
  }
  return found;
}

/** schemaWithDeclaredNames's schemas, by base schema and declared names. */
const WITH_DECLARED_NAMES = new WeakMap<object, Map<string, object>>();

function withDeclaredNames(schema: object, names: Readonly<Record<string, readonly string[]>>): object {
  return withSchemaChanges(
    schema,
    Object.entries(names).map(([path, declared]) => [
      path,
      (node) => {
        if (declared.length === 0) node.maxProperties = 0;
        else node.propertyNames = { allOf: [node.propertyNames, { enum: [...declared] }] };
      },
    ]),
  );
}

/**
 * The output files, in memory: path relative to dist/ → content. Without the network pictures
 * (environments/<env>/network.svg and network/<chart>.svg), drawn asynchronously from what synthesizeEach returns.
 */
export function synthesize(options: PlatformOptions): Map<string, string> {
  const files = new Map<string, string>();
  synthesizeEach(options, (path, content) => files.set(path, content));
  return files;
}

/** A picture still to draw: where it goes and its Graphviz source (lib/network-graph/render.ts). */
export interface PendingPicture {
  readonly path: string;
  readonly dot: string;
}

/**
 * Where a produced file goes. `knownUnchanged`: the output folder the synth compares with
 * (`compareWith` of the helper thread) was found to hold this content already; `content` is then
 * empty when the file was made on the helper thread (the output folder's file is the content: see
 * ApplicationRecord), and `proof` what the output record (lib/synth/output-record.ts) keeps of the file.
 */
export type Emit = (path: string, content: string, knownUnchanged?: boolean, proof?: RecordEntry) => void;

/** What releasing the applications needs, prepared the same way on every thread. */
interface ApplicationsContext {
  readonly options: PlatformOptions;
  readonly base: EnvironmentValues;
  readonly environments: readonly EnvironmentValues[];
  readonly links: ChartLinks;
  readonly versions: ChartVersions;
}

function applicationsContext(options: PlatformOptions, base: EnvironmentValues, environments: readonly EnvironmentValues[]): ApplicationsContext {
  // Required in base.yaml: loadPlatformValues has refused values without it.
  const links = base.charts as NonNullable<typeof base.charts>;
  return { options, base, environments, links, versions: readChartVersions(options.chartVersionsFile ?? VERSIONS_FILE) };
}

type Observe = (environment: string, chart: string, object: Record<string, unknown>, file: string) => void;

/** One application's chart released to every environment: files to `emit`, objects to `observe`; returns the problems found. */
function releaseApplication(context: ApplicationsContext, name: string, emit: Emit, observe: Observe): Problem[] {
  const { options, base, environments, links, versions } = context;
  const baseValues = base.applications.get(name)!;
  // One cdk8s App per application: nothing links the charts, and each can be freed once written.
  const identity: ChartIdentity = { name, version: CHART_VERSION, appVersion: baseValues.image.tag };
  const databases = Object.keys(baseValues.backups.postgresql).sort();
  const secretNames = Object.keys(baseValues.secrets).sort();
  const problems = stage('values and rules', () => [
    ...undeclaredKeys(name, ['backups', 'postgresql'], 'database', databases, environments),
    ...undeclaredKeys(name, ['secrets'], 'Secret', secretNames, environments),
  ]);
  const chart = stage('construct tree', () => {
    const made = new AppChart(new App(), name, {
      databases,
      secretNames,
      labels: options.applicationLabels,
      version: CHART_VERSION,
      defaultScope: releaseScope(identity, baseValues, { name, namespace: namespaceOf(name, base.environment) }),
    });
    options.extendApplication?.(made);
    return made;
  });
  const envNames = environments.map((e) => e.environment);
  const released = emitChartRelease(
    {
      chart,
      identity,
      locateBase: (found) => located(found, base.files, [['applications', name], ['defaults']]),
      environments: environments.map((env) => ({
        environment: env.environment,
        namespace: namespaceOf(name, env.environment),
        values: env.applications.get(name)!,
        locate: (found) => located(found, env.files, [['applications', name], ['defaults']]),
      })),
      helm: stage('helm chart files', () => ({
        description: `The ${name} application (${baseValues.component}) of the ${baseValues.partOf} platform.`,
        schema: schemaWithDeclaredNames(AppValuesSchema, { 'backups.postgresql': databases, secrets: secretNames }),
        baseValues,
        helpers: `${helpersTemplate(name)}\n${quantityHelper(name)}\n${canonicalQuantityHelper(name)}\n${canaryStepsHelper(name)}\n${migrationHelpers(name)}\n${annotationHelpers(name)}`,
        valueRules: `${valuesShapeTemplate(name)}${environmentRuleTemplate(envNames)}${quantityRulesTemplate(name, AppValuesSchema)}\n${appRulesTemplate(name)}`,
        notes: appNotes(name),
        readme: appReadme(name, envNames),
        links,
        recorded: versions.get(name),
      })),
      valuesObjects: {
        render: renderExtraObjects,
        clashes: extraObjectClashes,
        templates: (objects, go) => ({ 'extra-objects.yaml': extraObjectsTemplate(name), 'validate-extra-objects.yaml': clashTemplate(objects, go) }),
      },
      observe,
    },
    emit,
  );
  return [...problems, ...released];
}

/**
 * What an application's release did, to be replayed on the main thread (lib/synth/helper-thread.ts):
 * files (`f`: path, content, known unchanged) and objects observed (`o`), in order, and its problems.
 * The content of a file known unchanged is left out (null): the output folder holds it, and the main
 * thread needs only the mark (on an unchanged output, most of what would cross between the threads).
 */
interface ApplicationRecord {
  readonly events: (readonly ['f', string, string | null, boolean, RecordEntry | undefined] | readonly ['o', string, string, Record<string, unknown>, string])[];
  readonly problems: Problem[];
}

function recordJob(run: (emit: Emit, observe: Observe) => Problem[], compare?: (path: string, content: string) => { holds: boolean; entry?: RecordEntry }): ApplicationRecord {
  const events: ApplicationRecord['events'][number][] = [];
  const problems = run(
    (path, content) => {
      const found = compare?.(path, content);
      events.push(found?.holds ? ['f', path, null, true, found.entry] : ['f', path, content, false, undefined]);
    },
    (environment, chart, object, file) => events.push(['o', environment, chart, object, file]),
  );
  return { events, problems };
}

/**
 * The monitoring chart's values in every environment, as synth loads them (values stage). On the
 * helper thread (`checkRules` false) the rules written in values are not checked again: the main
 * thread checked them before any chart was released (promtool once, and its note once).
 */
function monitoringReleasesOf(context: ApplicationsContext, checkRules = true): MonitoringReleases {
  return loadMonitoringReleases(context.base, context.environments, { version: CHART_VERSION, namespaceOf, checkRules });
}

/**
 * The monitoring chart released to every environment: files to `emit`, objects to `observe`; returns
 * the problems found. It reads the values only (no application's output), so it is one more job that
 * either thread may take, the last (its files and objects come after the applications', as on one thread).
 */
function releaseMonitoring(context: ApplicationsContext, monitoring: MonitoringReleases, emit: Emit, observe: Observe): Problem[] {
  const { base, environments, links, versions } = context;
  const chart = stage(
    'construct tree',
    () =>
      new MonitoringChart(new App(), {
        defaultScope: monitoring.scopeOf(monitoring.defaults),
        releases: [monitoring.defaults, ...monitoring.releases].map(monitoring.scopeOf),
        // Every application any release monitors: environments may differ (each object of one is conditional).
        applications: [...new Set([monitoring.defaults, ...monitoring.releases].flatMap((r) => Object.keys(r.values.applications)))].sort(),
        dataStores: monitoring.dataStores,
      }),
  );
  return emitChartRelease(
    {
      chart,
      identity: monitoring.identity,
      locateBase: (found) => located(found, base.files, [['monitoring']]),
      environments: monitoring.releases.map((r, i) => ({
        environment: r.environment,
        namespace: r.namespace,
        values: r.values as unknown as Record<string, unknown>,
        locate: (found) => located(found, environments[i].files, [['monitoring']]),
      })),
      helm: stage('helm chart files', () => ({ ...monitoringHelm(monitoring), links, recorded: versions.get(monitoring.identity.name) })),
      observe,
    },
    emit,
  );
}

/** The role of the helper thread that releases applications (main.ts starts it, `serveApplications` runs in it). */
export const APPLICATIONS_HELPER = 'platform-applications';

/**
 * Values whose base.yaml is under this size (about ten applications) are synthesized on one thread: a
 * helper starts by loading the program and the values again (about 0.3 s of CPU and 100 MB), more than
 * it would take over (the shipped values/: 27 KB, 3 applications, all released before a helper is ready).
 */
const HELPER_MIN_BASE_BYTES = 64 * 1024;

/** Whether values whose base.yaml holds `baseBytes` (baseFileBytes) are worth a helper thread. */
export function worthAHelper(baseBytes: number): boolean {
  return baseBytes >= HELPER_MIN_BASE_BYTES;
}

/** What the helper thread needs: the same values and options as the synth, and the output folder to compare its files with. */
export interface ApplicationsHelperSettings {
  readonly valuesDir: string;
  readonly environments?: readonly string[];
  /** The output folder as it is: the helper tells which of its files it holds already (read here, not on the main thread). */
  readonly compareWith?: string;
  /** The output record's file (lib/synth/output-record.ts recordFile); none: every file compared is read. */
  readonly recordFile?: string;
}

/**
 * The helper thread's work (main.ts, in a worker thread): loads the same values and releases the
 * applications it claims, posting what each did. Values it cannot load: nothing to help with (the
 * main thread reports them).
 */
export function serveApplications(data: HelperData<ApplicationsHelperSettings>): void {
  const { valuesDir, environments: only, compareWith, recordFile } = data.settings;
  let context: ApplicationsContext;
  try {
    // The values as the main thread loads them, without the checks that only find problems: the main
    // thread runs those, and values with any end the synth before the helper's work is used.
    const { base, environments } = loadPlatformValues({ valuesDir, environments: only }, false);
    context = applicationsContext({ valuesDir, environments: only }, base, environments);
  } catch {
    helperUnavailable(data);
    return;
  }
  const names = [...context.base.applications.keys()];
  // The output record (lib/synth/output-record.ts) proves most files unchanged without reading them.
  const record = compareWith === undefined ? undefined : new OutputRecord(compareWith, recordFile);
  const compare = record === undefined ? undefined : (path: string, content: string) => record.holds(path, content);
  // The last job is the monitoring chart (synthesizeEach); its values are loaded only if this thread takes it.
  serveJobs(
    data,
    names.length + 1,
    (i) =>
      i < names.length
        ? recordJob((emit, observe) => releaseApplication(context, names[i], emit, observe), compare)
        : recordJob((emit, observe) => releaseMonitoring(context, monitoringReleasesOf(context, false), emit, observe), compare),
    monitoringFirst(names.length),
  );
}

/**
 * The claim order of the jobs (lib/synth/helper-thread.ts): the monitoring chart (job n, the longest:
 * about ten applications' work) first, then the applications in order. Claimed last, the thread that
 * had finished its applications waited for it (0.6 s of 3.6 s at 100 applications).
 */
function monitoringFirst(applications: number): ClaimOrder {
  return (claim) => (claim === 0 ? applications : claim - 1);
}

/**
 * The same files, given to `emit` one by one as they are made; returns the pictures still to draw.
 * With a `helper` (a worker thread serving `serveApplications` for the same values), the applications
 * are released on both threads; the files and objects are the same, in the same order.
 */
export function synthesizeEach(options: PlatformOptions, emit: Emit, helper?: HelperThread): PendingPicture[] {
  const { base, environments } = stage('values and rules', () => loadPlatformValues(options));
  const gitops = new Map<string, GitOpsSettings>();
  const gitopsProblems: Problem[] = [];
  for (const env of environments) {
    const { settings, problems: found } = gitopsSettings(env.gitops);
    gitops.set(env.environment, settings);
    gitopsProblems.push(...located(found, env.files, [['gitops']]));
  }
  if (gitopsProblems.length > 0) throw new ValuesError(uniqueProblems(gitopsProblems));
  const inventory = new PlatformInventory();
  // Every reference of every object, checked per environment once all of it is written (lib/references/).
  const references = new PlatformReferences();
  const observe = (environment: string, chart: string, object: Record<string, unknown>, file: string) =>
    stage('gitops inventory and references', () => {
      inventory.observe(environment, chart, object, file);
      references.observe(environment, chart, object, file);
    });
  const context = applicationsContext(options, base, environments);
  const { monitoring, problems } = stage('values and rules', () => {
    const monitoring = monitoringReleasesOf(context);
    // State shared across applications and environments: no two backup jobs in one folder (lib/backup/shared-locations.ts).
    const problems: Problem[] = sharedBackupFolderProblems(environments, namespaceOf);
    // A host and path belong to one application per environment (lib/traffic/route-claims.ts).
    problems.push(...environments.flatMap((env, i) => environmentClaimProblems(env, monitoring.releases[i].values)));
    return { monitoring, problems };
  });

  const names = [...base.applications.keys()];
  // Jobs 0 to n - 1 release the applications, job n the monitoring chart (both threads may take any).
  const release = (i: number, emitTo: Emit, observeWith: Observe): Problem[] =>
    i < names.length ? releaseApplication(context, names[i], emitTo, observeWith) : releaseMonitoring(context, monitoring, emitTo, observeWith);
  const direct = (i: number): void => {
    problems.push(...release(i, emit, observe));
  };
  // A helper cannot run what options hand over as functions (extendApplication): one thread then.
  if (helper === undefined || options.extendApplication !== undefined) {
    for (let i = 0; i <= names.length; i += 1) direct(i);
  } else {
    helper.run(
      names.length + 1,
      {
        direct,
        recorded: (i) => recordJob((emitTo, observeWith) => release(i, emitTo, observeWith)),
        replay: (record: ApplicationRecord) => {
          for (const event of record.events) {
            if (event[0] === 'f') emit(event[1], event[2] ?? '', event[3], event[4]);
            else observe(event[1], event[2], event[3], event[4]);
          }
          problems.push(...record.problems);
        },
      },
      monitoringFirst(names.length),
    );
    // Every chart is released: the helper ends now, not when the caller is done, so that its heap
    // (every environment's values, its garbage) is freed before the GitOps files and the pictures.
    helper.stop();
  }
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));

  // Every reference resolves or is declared as a prerequisite, the GitOps objects' too (lib/references/).
  const gitopsObjects = stage(
    'gitops inventory and references',
    () => new Map(environments.map((env) => [env.environment, gitopsFiles(env.environment, inventory.chartsOf(env.environment), gitops.get(env.environment)!)])),
  );
  for (const env of environments) {
    stage('gitops inventory and references', () => {
      for (const { file, object } of gitopsObjects.get(env.environment)!) references.observe(env.environment, GITOPS, object, `${gitopsFolder(env.environment)}/${file}`);
      problems.push(
        ...references.problems(env, (chart) =>
          chart === GITOPS
            ? { values: env.gitops, prefixes: [['gitops']] }
            : env.applications.has(chart)
              ? { values: env.applications.get(chart), prefixes: [['applications', chart], ['defaults'], []] }
              : { values: env.monitoring, prefixes: [['monitoring']] },
        ),
      );
    });
  }
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));

  // Beside the manifests: GitOps objects, README and network picture of each environment.
  const pictures: PendingPicture[] = [];
  for (const [i, env] of environments.entries()) {
    const output = stage('gitops inventory and references', () => environmentFiles(i, env));
    for (const [path, content] of output.files) emit(path, content);
    pictures.push(...output.pictures);
  }
  return pictures;

  /** An environment's files beside the manifests (GitOps objects, README) and its pictures still to draw. */
  function environmentFiles(i: number, env: EnvironmentValues) {
    const prerequisites = prerequisitesSection(env.environment, references.of(env.environment), prerequisitesOf(env), declaredGateway(env), tracingCollectors(env));
    // Networks named as the environment's values name them (each application's, the monitoring stack's).
    const monitoringValues = monitoring.releases.find((r) => r.environment === env.environment)?.values;
    const picture = { monitoringChart: monitoring.identity.name, addressNames: addressNames([...env.applications.values(), monitoringValues]) };
    return environmentOutput(env.environment, inventory.chartsOf(env.environment), inventory.networkObjectsOf(env.environment), gitops.get(env.environment)!, picture, {
      gitops: gitopsObjects.get(env.environment)!,
      prerequisites,
      recovery: recoverySection(env, namespaceOf),
      edge: edgeEnvironmentOutput(env.environment, env.traffic, monitoring.releases[i].values.networkPolicy.ingressControllerNamespace),
    });
  }
}
