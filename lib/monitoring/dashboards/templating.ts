/**
 * The variables every dashboard has: the Prometheus data source, then the namespaces and the
 * applications (`job`) to show, both multi-value with "All" selected by default.
 */
import { type DataSourceVariable, PROMETHEUS, type QueryVariable, type TemplateVariable } from './model';

/** Application names are Kubernetes names, so they can go into a regular expression unescaped. */
const APPLICATION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function templateVariables(applications: string[]): TemplateVariable[] {
  if (applications.length === 0) throw new Error('dashboards: at least one application is needed');
  for (const name of applications) {
    if (!APPLICATION_NAME.test(name)) throw new Error(`dashboards: "${name}" is not a valid application name`);
  }
  const jobs = `job=~"${[...applications].sort().join('|')}"`;
  return [
    datasourceVariable(),
    queryVariable('namespace', 'Namespace', `label_values(http_requests_total{${jobs}}, namespace)`),
    queryVariable('job', 'Application', `label_values(http_requests_total{namespace=~"$namespace", ${jobs}}, job)`),
  ];
}

export function datasourceVariable(): DataSourceVariable {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
  };
}

export function queryVariable(name: string, label: string, query: string): QueryVariable {
  return {
    name,
    label,
    type: 'query',
    datasource: PROMETHEUS,
    query,
    definition: query,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    multi: true,
    options: [],
    refresh: 2,
    regex: '',
    sort: 1,
  };
}
