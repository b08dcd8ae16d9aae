/**
 * The part of Grafana's dashboard JSON model (schemaVersion 39) these dashboards use. Grafana fills
 * in everything left out with its defaults when it loads a provisioned dashboard.
 */

export const SCHEMA_VERSION = 39;

export interface DataSourceRef {
  type: string;
  uid: string;
}

/** Every query panel and query variable reads the Prometheus data source picked in `$datasource`. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface Target {
  refId: string;
  datasource: DataSourceRef;
  editorMode: 'code';
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
}

interface ThresholdStep {
  color: string;
  /** `null` on the first step: the colour below every other step. */
  value: number | null;
}

export interface Thresholds {
  mode: 'absolute';
  steps: ThresholdStep[];
}

export interface ValueMapping {
  type: 'value';
  options: Record<string, { text: string; color: string; index: number }>;
}

export interface FieldOverride {
  matcher: { id: 'byRegexp'; options: string };
  properties: Array<{ id: string; value: unknown }>;
}

export interface FieldConfig {
  defaults: {
    unit: string;
    decimals?: number;
    min?: number;
    max?: number;
    noValue?: string;
    color: { mode: 'palette-classic' | 'thresholds' };
    thresholds: Thresholds;
    mappings: ValueMapping[];
    custom?: Record<string, unknown>;
  };
  overrides: FieldOverride[];
}

export interface QueryPanel {
  id: number;
  type: 'timeseries' | 'stat' | 'gauge';
  title: string;
  description: string;
  datasource: DataSourceRef;
  gridPos: GridPos;
  /** Lower bound of the query step, for panels whose queries are too expensive at the default step. */
  interval?: string;
  targets: Target[];
  fieldConfig: FieldConfig;
  options: Record<string, unknown>;
}

interface RowPanel {
  id: number;
  type: 'row';
  title: string;
  collapsed: false;
  gridPos: GridPos;
  panels: [];
}

export type Panel = QueryPanel | RowPanel;

export interface DataSourceVariable {
  name: string;
  label: string;
  type: 'datasource';
  query: 'prometheus';
  current: Record<string, never>;
  hide: 0;
  includeAll: false;
  multi: false;
  options: [];
  refresh: 1;
  regex: string;
}

export interface QueryVariable {
  name: string;
  label: string;
  type: 'query';
  datasource: DataSourceRef;
  /** `label_values(<series selector>, <label>)`, Grafana's Prometheus variable query. */
  query: string;
  definition: string;
  current: { selected: true; text: string[]; value: string[] };
  hide: 0;
  includeAll: true;
  multi: true;
  options: [];
  /** 2: on time range change, so the values follow what the selected range contains. */
  refresh: 2;
  regex: string;
  sort: 1;
}

export type TemplateVariable = DataSourceVariable | QueryVariable;

interface DashboardLink {
  title: string;
  type: 'dashboards';
  tags: string[];
  asDropdown: true;
  includeVars: true;
  keepTime: true;
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  graphTooltip: 1;
  timezone: 'browser';
  schemaVersion: typeof SCHEMA_VERSION;
  time: { from: string; to: string };
  refresh: string;
  links: DashboardLink[];
  annotations: { list: Array<Record<string, unknown>> };
  templating: { list: TemplateVariable[] };
  panels: Panel[];
}
