/**
 * Application names that would collide with the output's layout, derived from the code that writes
 * it (never a second list kept by hand): an application's chart goes to dist/helm/<app> beside the
 * packages folder (lib/helm/package.ts PACKAGES_DIR) and the monitoring chart; its GitOps file and
 * object are named like the environment's own (lib/gitops/layout.ts). `packages` overwrote
 * dist/helm/packages, `root` the root Application's file.
 */
import { gitopsReservedChartNames } from '../gitops/layout';
import { PACKAGES_DIR } from '../helm/package';
import { MONITORING_CHART } from '../monitoring/stack/chart-name';

/** Each reserved name with what an application of that name would replace. */
export function layoutReservedNames(): { readonly name: string; readonly takes: string }[] {
  return [
    { name: MONITORING_CHART, takes: `the monitoring chart, dist/helm/${MONITORING_CHART}` },
    { name: PACKAGES_DIR, takes: `the chart packages folder dist/helm/${PACKAGES_DIR}` },
    ...gitopsReservedChartNames(),
  ];
}
