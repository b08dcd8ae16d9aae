/**
 * The Argo Rollout that replaces the application's Deployment when `rollout.strategy` is `canary` or
 * `blueGreen`: the same pod template (lib/app/pod-template.ts), replica count and selector, with
 * - canary: the application's Service as the stable Service and `<name>-canary` beside it, the
 *   phases as steps (lib/delivery/canary-steps.ts), traffic split by lib/delivery/traffic-routing.ts;
 * - blueGreen: the application's Service as the active Service and `<name>-preview` beside it,
 *   the smoke test before the switch, the release analysis for `postPromotion.minutes` after it,
 *   promotion automatic or by hand (`kubectl argo rollouts promote`), the old version kept for
 *   `scaleDownDelaySeconds`.
 * A Rollout that cannot make progress for 10 minutes (pods that never become ready) is aborted.
 */
import { Construct } from 'constructs';
import { Rollout } from '../../imports/argoproj.io';
import { TemplatedObject } from '../chart/templated-object';
import { fmt, not, release } from '../template/expr';
import { add1 } from '../template/functions';
import { when } from '../template/manifest';
import type { Manifest } from '../template/typed';
import { commonLabels, names, selectorLabels } from '../app/names';
import { type AppPodTemplateProps, appPodTemplate } from '../app/pod-template';
import { AppService } from '../app/workload';
import { CanarySteps, analysisArgs } from './canary-steps';
import { deliveryNames, isBlueGreen, isCanary, isRollout } from './strategy';
import { SERVICE_ROLE_LABEL } from './service-role';
import { canaryTrafficRouting } from './traffic-routing';
import type { RolloutSpecTemplate } from '../../imports/argoproj.io';

export class AppRollout extends Construct {
  constructor(scope: Construct, id: string, props: AppPodTemplateProps) {
    super(scope, id);
    const v = props.values;
    const bg = v.rollout.blueGreen;
    const post = bg.postPromotion;
    // The pod template is typed and checked as a Kubernetes PodTemplateSpec (pod-template.ts); the
    // Rollout CRD embeds that same type (its generated class differs only in names), and strict
    // validation against the CRD schema checks the result in every environment.
    const template = appPodTemplate(props) as Manifest<RolloutSpecTemplate>;

    new TemplatedObject(this, 'Resource', {
      type: Rollout,
      template: 'rollout.yaml',
      condition: isRollout(v),
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          // With autoscaling the HPA (scaleTargetRef: this Rollout) owns the replica count.
          replicas: when(not(v.autoscaling.enabled), v.replicaCount),
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 600,
          progressDeadlineAbort: true,
          selector: { matchLabels: selectorLabels },
          template,
          strategy: {
            canary: when(isCanary(v), {
              stableService: names.fullname,
              canaryService: deliveryNames.canaryService,
              maxSurge: '25%',
              maxUnavailable: 0,
              trafficRouting: canaryTrafficRouting(v),
              steps: new CanarySteps(deliveryNames.releaseAnalysis),
            }),
            blueGreen: when(isBlueGreen(v), {
              activeService: names.fullname,
              previewService: deliveryNames.previewService,
              autoPromotionEnabled: bg.autoPromotionEnabled,
              scaleDownDelaySeconds: bg.scaleDownDelaySeconds,
              prePromotionAnalysis: { templates: [{ templateName: deliveryNames.smokeTest }] },
              postPromotionAnalysis: {
                templates: [{ templateName: deliveryNames.releaseAnalysis }],
                args: analysisArgs({ count: fmt`${add1(post.minutes)}`, minutes: fmt`${post.minutes}`, maxErrorRatio: fmt`${post.maxErrorRatio}`, maxP95Seconds: fmt`${post.maxP95Seconds}` }),
              },
            }),
          },
        },
      },
    });

    new AppService(this, 'CanaryService', { values: v, name: deliveryNames.canaryService, template: 'service-canary.yaml', condition: isCanary(v), labels: { [SERVICE_ROLE_LABEL]: 'canary' } });
    new AppService(this, 'PreviewService', { values: v, name: deliveryNames.previewService, template: 'service-preview.yaml', condition: isBlueGreen(v), labels: { [SERVICE_ROLE_LABEL]: 'preview' } });
  }
}
