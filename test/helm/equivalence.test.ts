/**
 * `helm template <chart> -f values-<env>.yaml -n <namespace>` with the real Helm 3 and Helm 4 renders the
 * same objects as dist/manifests/<env>/<chart>/, apart from the documented Helm-only metadata.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charts, distDir, environments, type K8sObject, plainObjects, releaseNamespace, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

const cases = charts().flatMap((chart) => environments().map((environment) => ({ chart, environment })));

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(cases)('renders $chart in $environment like the plain manifests', ({ chart, environment }) => {
    const chartDir = join(distDir, 'helm', chart);
    const namespace = releaseNamespace(environment, chart);
    const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', namespace]) as K8sObject[];
    const plain = withoutPlainOnly(plainObjects(environment, chart));
    expect(plain.length).toBeGreaterThan(5);
    expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(plain));
  });

  it.each(cases)('lints $chart with the $environment values (--strict)', ({ chart, environment }) => {
    const chartDir = join(distDir, 'helm', chart);
    const result = helm(binary, ['lint', '--strict', chartDir, '-f', join(chartDir, `values-${environment}.yaml`)]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });
});
