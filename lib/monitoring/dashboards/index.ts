/**
 * The platform's Grafana dashboards as Grafana JSON models, one file each, ready for a ConfigMap that
 * Grafana provisions. Built with small typed builders (no SDK): the whole set builds in milliseconds.
 */
import { dashboard } from './dashboard';
import { dataStoresDashboard } from './data-stores';
import { edgeDashboard } from './edge';
import { errorsDashboard } from './errors';
import { httpDashboard } from './http';
import type { GrafanaDashboard } from './model';
import { overviewDashboard } from './overview';
import { releasesDashboard } from './releases';
import { resourcesDashboard } from './resources';
import { sloDashboard } from './slo';
import { templateVariables } from './templating';

export type { GrafanaDashboard } from './model';
export { dashboardExpressions } from './expressions';

export interface DashboardOptions {
  /**
   * Availability objective over 30 days, e.g. 0.999 (the values schema keeps it between 0 and 1).
   * Copied into the dashboards as is, never computed on: see sloDashboard.
   */
  sloTarget: number;
  /** The applications (their `job` label) the dashboards offer in their Application variable. */
  applications: string[];
  /** Put before every dashboard title, e.g. `Platform / `. */
  titlePrefix?: string;
}

export interface DashboardFile {
  fileName: string;
  dashboard: GrafanaDashboard;
}

export function buildDashboards(options: DashboardOptions): DashboardFile[] {
  const { sloTarget } = options;
  const shared = { titlePrefix: options.titlePrefix ?? '', variables: templateVariables(options.applications) };
  const definitions = {
    'overview.json': overviewDashboard(sloTarget),
    'http.json': httpDashboard(),
    'resources.json': resourcesDashboard(),
    'errors.json': errorsDashboard(),
    'slo.json': sloDashboard(sloTarget),
    'releases.json': releasesDashboard(),
    'data-stores.json': dataStoresDashboard(),
    'edge.json': edgeDashboard(),
  };
  return Object.entries(definitions).map(([fileName, definition]) => ({ fileName, dashboard: dashboard(definition, shared) }));
}
