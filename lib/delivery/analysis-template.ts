/**
 * The AnalysisTemplates of a progressive release (Argo Rollouts):
 * - the release analysis, run by every canary phase and after a blue-green switch: the new version's
 *   5xx ratio and p95 latency against the step's thresholds, once a minute for the step's duration,
 *   and the requests it served (queries and rules: lib/delivery/analysis-queries.ts);
 * - the blue-green smoke test: a Job that GETs the health endpoints and the smoke-test paths from the
 *   preview Service before the switch (Pod Security restricted, with resources).
 */
import { Construct } from 'constructs';
import { AnalysisTemplate } from '../../imports/argoproj.io';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { TemplatedObject } from '../chart/templated-object';
import { eq, fmt, release } from '../template/expr';
import { each, when } from '../template/manifest';
import { commonLabels, nameLabelWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { ANALYSIS_ARGS, held, minuteErrorRatio, minuteP95, phaseRequests, thresholdConditions } from './analysis-queries';
import { deliveryNames, isBlueGreen, isRollout } from './strategy';

/** Labels of the smoke-test pods (the NetworkPolicies of lib/delivery/network-policies.ts select them). */
export const smokeTestPodLabels = { 'app.kubernetes.io/name': nameLabelWith('smoke-test'), 'app.kubernetes.io/instance': release.name };

/** The smoke test's script: GET every argument from $BASE_URL, stop at the first that is not 2xx. */
const SMOKE_SCRIPT = 'for path in "$@"; do wget -q -O /dev/null -T "$TIMEOUT" "$BASE_URL$path" || { echo "smoke test: GET $BASE_URL$path failed"; exit 1; }; echo "smoke test: GET $BASE_URL$path ok"; done';

export class AppAnalysisTemplates extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const analysis = v.rollout.analysis;
    const prometheus = (query: string) => ({ prometheus: { address: analysis.prometheusAddress, query } });

    new TemplatedObject(this, 'Release', {
      type: AnalysisTemplate,
      template: 'analysistemplate-release.yaml',
      condition: isRollout(v),
      manifest: {
        metadata: { name: deliveryNames.releaseAnalysis, namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          args: Object.values(ANALYSIS_ARGS).map((name) => ({ name })),
          metrics: [
            {
              name: 'error-ratio',
              interval: '1m',
              count: `{{args.${ANALYSIS_ARGS.count}}}`,
              failureLimit: 0,
              ...thresholdConditions(ANALYSIS_ARGS.maxErrorRatio),
              provider: prometheus(held(minuteErrorRatio)),
            },
            {
              name: 'p95-latency',
              interval: '1m',
              count: `{{args.${ANALYSIS_ARGS.count}}}`,
              failureLimit: 0,
              ...thresholdConditions(ANALYSIS_ARGS.maxP95Seconds),
              provider: prometheus(held(minuteP95)),
            },
            {
              // Evidence at the end of the step: too few requests is inconclusive (neither condition holds).
              name: 'requests',
              initialDelay: `{{args.${ANALYSIS_ARGS.minutes}}}m`,
              count: 1,
              successCondition: fmt`result[0] >= ${analysis.minRequests}`,
              failureCondition: 'false',
              provider: prometheus(phaseRequests),
            },
          ],
        },
      },
    });

    const probes = v.probes;
    new TemplatedObject(this, 'SmokeTest', {
      type: AnalysisTemplate,
      template: 'analysistemplate-smoke-test.yaml',
      condition: isBlueGreen(v),
      manifest: {
        metadata: { name: deliveryNames.smokeTest, namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          metrics: [
            {
              name: 'smoke-test',
              provider: {
                job: {
                  metadata: { labels: { ...commonLabels(v), ...smokeTestPodLabels, 'app.kubernetes.io/component': 'smoke-test' } },
                  spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: 300,
                    template: {
                      metadata: { labels: { ...commonLabels(v), ...smokeTestPodLabels, 'app.kubernetes.io/component': 'smoke-test' } },
                      spec: {
                        restartPolicy: 'Never',
                        automountServiceAccountToken: false,
                        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
                        containers: [
                          {
                            name: 'smoke-test',
                            image: v.rollout.blueGreen.smokeTest.image,
                            command: [
                              'sh',
                              '-c',
                              SMOKE_SCRIPT,
                              'smoke-test',
                              when(eq(probes.readiness.type, 'http'), probes.readiness.path),
                              when(eq(probes.liveness.type, 'http'), probes.liveness.path),
                              each(v.rollout.blueGreen.smokeTest.paths, 'smokePath', (path) => path),
                            ],
                            env: [
                              { name: 'BASE_URL', value: fmt`http://${deliveryNames.previewService}:${v.service.port}` },
                              { name: 'TIMEOUT', value: fmt`${v.rollout.blueGreen.smokeTest.timeoutSeconds}` },
                            ],
                            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
                            securityContext: RESTRICTED_CONTAINER,
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
  }
}
