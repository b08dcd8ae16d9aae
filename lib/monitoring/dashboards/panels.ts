/**
 * Builders of the panels the dashboards use. A builder returns the panel without `id` and `gridPos`,
 * with the size it wants: `layout()` places it.
 */
import { type FieldConfig, type FieldOverride, PROMETHEUS, type QueryPanel, type Target, type Thresholds, type ValueMapping } from './model';

/** The Grafana units the dashboards show (ids of Grafana's unit picker). */
type Unit = 'reqps' | 'percentunit' | 's' | 'bytes' | 'short' | 'none';

export type Color = 'green' | 'orange' | 'red' | 'text';

interface Query {
  expr: string;
  /** Grafana legend template, e.g. `{{job}}`; Grafana names the series itself when absent. */
  legend?: string;
}

export interface PanelSpec {
  content: Omit<QueryPanel, 'id' | 'gridPos'>;
  width: number;
  height: number;
}

interface PanelOptions {
  title: string;
  description: string;
  queries: Query[];
  unit: Unit;
  width?: number;
  height?: number;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: Thresholds;
  /** Text shown when the query returns no series, e.g. `0` for "count of failing things". */
  noValue?: string;
}

/** Absolute thresholds: `base` below the first step, then each `[value, color]` from that value up. */
export function thresholds(base: Color, ...steps: Array<[number, Color]>): Thresholds {
  return {
    mode: 'absolute',
    steps: [{ color: base, value: null }, ...steps.map(([value, color]) => ({ color, value }))],
  };
}

/** Shows the values of a 0/1 series as words, e.g. `{ 0: ['down', 'red'], 1: ['up', 'green'] }`. */
export function valueMapping(texts: Record<number, [string, Color]>): ValueMapping {
  const options: ValueMapping['options'] = {};
  Object.entries(texts).forEach(([value, [text, color]], index) => {
    options[value] = { text, color, index };
  });
  return { type: 'value', options };
}

export interface TimeseriesOptions extends PanelOptions {
  /** Stacks the series: for parts of a whole, such as requests by status class. */
  stack?: boolean;
  /** Draws the thresholds as lines on the graph (e.g. the SLO target). */
  thresholdLines?: boolean;
  /** Series whose name matches this regular expression are drawn dashed, unfilled: requests, limits, maxima. */
  dashedSeries?: string;
  /** Lower bound of the query step, for expensive queries such as 30-day rates. */
  interval?: string;
  /** Whether the y axis always reaches down to 0 (default); not for ratios that live near 1. */
  includeZero?: boolean;
}

export function timeseries(options: TimeseriesOptions): PanelSpec {
  const overrides: FieldOverride[] = options.dashedSeries
    ? [
        {
          matcher: { id: 'byRegexp', options: options.dashedSeries },
          properties: [
            { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            { id: 'custom.fillOpacity', value: 0 },
          ],
        },
      ]
    : [];
  const custom = {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: options.stack ? 30 : 10,
    showPoints: 'never',
    spanNulls: false,
    ...(options.includeZero === false ? {} : { axisSoftMin: 0 }),
    stacking: { mode: options.stack ? 'normal' : 'none', group: 'A' },
    thresholdsStyle: { mode: options.thresholdLines ? 'dashed' : 'off' },
  };
  return spec(options, 12, 8, {
    type: 'timeseries',
    ...(options.interval ? { interval: options.interval } : {}),
    targets: targets(options.queries, { instant: false }),
    fieldConfig: fieldConfig(options, { colorMode: 'palette-classic', custom, overrides }),
    options: {
      legend: { showLegend: true, displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  });
}

export interface StatOptions extends PanelOptions {
  mappings?: ValueMapping[];
  /** `background` colours the whole tile: for states someone must notice (firing alerts, targets down). */
  colorMode?: 'value' | 'background';
}

/** One number per series, from an instant query at the end of the time range. */
export function stat(options: StatOptions): PanelSpec {
  return spec(options, 6, 4, {
    type: 'stat',
    targets: targets(options.queries, { instant: true }),
    fieldConfig: fieldConfig(options, { colorMode: 'thresholds', mappings: options.mappings }),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: options.colorMode ?? 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
  });
}

/** A dial per series between `min` and `max`, from an instant query at the end of the time range. */
export function gauge(options: PanelOptions & { min: number; max: number }): PanelSpec {
  return spec(options, 6, 6, {
    type: 'gauge',
    targets: targets(options.queries, { instant: true }),
    fieldConfig: fieldConfig(options, { colorMode: 'thresholds' }),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'auto',
      showThresholdLabels: false,
      showThresholdMarkers: true,
    },
  });
}

type Specific = Pick<QueryPanel, 'type' | 'targets' | 'fieldConfig' | 'options'> & Partial<Pick<QueryPanel, 'interval'>>;

function spec(options: PanelOptions, width: number, height: number, specific: Specific): PanelSpec {
  const { type, ...rest } = specific;
  return {
    content: { type, title: options.title, description: options.description, datasource: PROMETHEUS, ...rest },
    width: options.width ?? width,
    height: options.height ?? height,
  };
}

function targets(queries: Query[], mode: { instant: boolean }): Target[] {
  if (queries.length === 0) throw new Error('a panel needs at least one query');
  return queries.map((query, index) => ({
    refId: String.fromCharCode('A'.charCodeAt(0) + index),
    datasource: PROMETHEUS,
    editorMode: 'code',
    expr: query.expr,
    legendFormat: query.legend ?? '',
    range: !mode.instant,
    instant: mode.instant,
  }));
}

interface FieldStyle {
  colorMode: FieldConfig['defaults']['color']['mode'];
  custom?: Record<string, unknown>;
  overrides?: FieldOverride[];
  mappings?: ValueMapping[];
}

function fieldConfig(options: PanelOptions, style: FieldStyle): FieldConfig {
  return {
    defaults: {
      unit: options.unit,
      ...(options.decimals !== undefined ? { decimals: options.decimals } : {}),
      ...(options.min !== undefined ? { min: options.min } : {}),
      ...(options.max !== undefined ? { max: options.max } : {}),
      ...(options.noValue !== undefined ? { noValue: options.noValue } : {}),
      color: { mode: style.colorMode },
      thresholds: options.thresholds ?? thresholds('green'),
      mappings: style.mappings ?? [],
      ...(style.custom ? { custom: style.custom } : {}),
    },
    overrides: style.overrides ?? [],
  };
}
