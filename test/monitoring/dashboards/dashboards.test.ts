import { describe, expect, it } from 'vitest';
import { type GrafanaDashboard, buildDashboards } from '../../../lib/monitoring/dashboards';
import { type GridPos, PROMETHEUS, type Panel, type QueryPanel } from '../../../lib/monitoring/dashboards/model';

const options = { sloTarget: 0.999, applications: ['api', 'worker'] };
const files = buildDashboards(options);
const dashboards = files.map((f) => f.dashboard);

function queryPanels(dashboard: GrafanaDashboard): QueryPanel[] {
  return dashboard.panels.filter((p): p is QueryPanel => p.type !== 'row');
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('buildDashboards', () => {
  it('builds the eight dashboards, each in its own file, with unique stable uids', () => {
    expect(files.map((f) => [f.fileName, f.dashboard.uid, f.dashboard.title])).toEqual([
      ['overview.json', 'platform-overview', 'Overview'],
      ['http.json', 'platform-http', 'HTTP'],
      ['resources.json', 'platform-resources', 'Resources and saturation'],
      ['errors.json', 'platform-errors', 'Errors'],
      ['slo.json', 'platform-slo', 'SLO: availability'],
      ['releases.json', 'platform-releases', 'Releases: canary and stable'],
      ['data-stores.json', 'platform-data-stores', 'Databases and caches'],
      ['edge.json', 'platform-edge', 'Traffic entry'],
    ]);
    for (const { uid } of dashboards) expect(uid.length).toBeLessThanOrEqual(40);
  });

  it('produces self-contained schemaVersion 39 dashboards with the datasource, namespace and job variables', () => {
    for (const dashboard of dashboards) {
      expect(dashboard.schemaVersion).toBe(39);
      expect(dashboard.tags).toContain('platform');
      expect(dashboard.time.from).toMatch(/^now-\d+[hd]$/);
      expect(dashboard.refresh).toMatch(/^\d+[sm]$/);
      // The data stores belong to no application: their dashboard chooses data stores instead.
      const own =
        dashboard.uid === 'platform-data-stores'
          ? [['data_store', 'query']]
          : [
              ['namespace', 'query'],
              ['job', 'query'],
            ];
      expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([['datasource', 'datasource'], ...own]);
      expect(dashboard.templating.list[0]).toMatchObject({ query: 'prometheus' });
      expect(dashboard).not.toHaveProperty('id');
      expect(dashboard).not.toHaveProperty('version');
    }
  });

  it('offers only the configured applications in the job variable', () => {
    const job = dashboards[0].templating.list.find((v) => v.name === 'job')!;
    expect(job).toMatchObject({ query: 'label_values(http_requests_total{namespace=~"$namespace", job=~"api|worker"}, job)', multi: true, includeAll: true });
  });

  it('places every panel inside the 24-column grid, without overlaps, with unique ids', () => {
    for (const dashboard of dashboards) {
      const panels: Panel[] = dashboard.panels;
      expect(new Set(panels.map((p) => p.id)).size, dashboard.uid).toBe(panels.length);
      for (const { title, gridPos } of panels) {
        const where = `${dashboard.uid} "${title}"`;
        expect(Object.values(gridPos).every(Number.isInteger), where).toBe(true);
        expect(gridPos.x, where).toBeGreaterThanOrEqual(0);
        expect(gridPos.w, where).toBeGreaterThan(0);
        expect(gridPos.h, where).toBeGreaterThan(0);
        expect(gridPos.x + gridPos.w, where).toBeLessThanOrEqual(24);
      }
      panels.forEach((a, i) => {
        for (const b of panels.slice(i + 1)) expect(overlaps(a.gridPos, b.gridPos), `${dashboard.uid}: "${a.title}" overlaps "${b.title}"`).toBe(false);
      });
    }
  });

  it('gives every query panel and every query the Prometheus datasource variable, and a description', () => {
    for (const dashboard of dashboards) {
      const panels = queryPanels(dashboard);
      expect(panels.length, dashboard.uid).toBeGreaterThanOrEqual(6);
      for (const panel of panels) {
        expect(panel.datasource, panel.title).toEqual(PROMETHEUS);
        expect(panel.targets.length, panel.title).toBeGreaterThan(0);
        expect(panel.description, panel.title).not.toBe('');
        expect(new Set(panel.targets.map((t) => t.refId)).size, panel.title).toBe(panel.targets.length);
        for (const target of panel.targets) expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
    }
  });

  it('is deterministic: two builds are deep-equal and serialize identically, without timestamps', () => {
    const again = buildDashboards(options);
    expect(again).toEqual(files);
    expect(JSON.stringify(again)).toBe(JSON.stringify(files));
    expect(JSON.stringify(files)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  it('uses the configured SLO target in the SLO dashboard', () => {
    const slo = buildDashboards({ ...options, sloTarget: 0.995 }).find((f) => f.fileName === 'slo.json')!.dashboard;
    const exprs = queryPanels(slo).flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs).toContain('vector(0.995)');
    expect(exprs.filter((e) => e.includes('/ (1 - 0.995)')).length).toBeGreaterThanOrEqual(5);
    const availability = queryPanels(slo).find((p) => p.title === 'Availability (30d)')!;
    expect(availability.fieldConfig.defaults.thresholds.steps).toEqual([
      { color: 'red', value: null },
      { color: 'green', value: 0.995 },
    ]);
    expect(JSON.stringify(slo)).not.toContain('0.999');
  });

  it('copies the SLO target as is, so that it can stay a Helm value (see lib/template/text.ts)', () => {
    const withTarget = (sloTarget: number, placeholder: string) =>
      JSON.stringify(buildDashboards({ ...options, sloTarget }))
        .split(String(sloTarget))
        .join(placeholder);
    expect(withTarget(0.999, '<target>')).toBe(withTarget(0.995, '<target>'));
    expect(withTarget(0.999, '<target>')).toContain('<target>');
  });

  it('prefixes the titles when asked', () => {
    const titles = buildDashboards({ ...options, titlePrefix: 'Platform / ' }).map((f) => f.dashboard.title);
    expect(titles).toContain('Platform / HTTP');
  });

  it('rejects applications that are not Kubernetes names, and an empty list', () => {
    expect(() => buildDashboards({ ...options, applications: [] })).toThrow(/at least one application/);
    expect(() => buildDashboards({ ...options, applications: ['api|.*'] })).toThrow(/"api\|\.\*" is not a valid application name/);
  });
});
