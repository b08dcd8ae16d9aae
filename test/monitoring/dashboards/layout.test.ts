import { describe, expect, it } from 'vitest';
import { layout } from '../../../lib/monitoring/dashboards/layout';
import { stat, timeseries } from '../../../lib/monitoring/dashboards/panels';

const panel = (title: string, width: number, height = 4) => stat({ title, description: title, queries: [{ expr: 'up' }], unit: 'none', width, height });

describe('layout', () => {
  it('starts each section with a full-width row, flows panels left to right and wraps at 24 columns', () => {
    const panels = layout([
      { title: 'First', panels: [panel('a', 12, 6), panel('b', 8), panel('c', 8)] },
      { title: 'Second', panels: [panel('d', 24)] },
    ]);
    expect(panels.map((p) => [p.id, p.title, p.gridPos])).toEqual([
      [1, 'First', { h: 1, w: 24, x: 0, y: 0 }],
      [2, 'a', { h: 6, w: 12, x: 0, y: 1 }],
      [3, 'b', { h: 4, w: 8, x: 12, y: 1 }],
      [4, 'c', { h: 4, w: 8, x: 0, y: 7 }],
      [5, 'Second', { h: 1, w: 24, x: 0, y: 11 }],
      [6, 'd', { h: 4, w: 24, x: 0, y: 12 }],
    ]);
  });

  it('gives builders default sizes: timeseries half a row, stats a quarter', () => {
    const content = { description: 'd', queries: [{ expr: 'up' }], unit: 'none' as const };
    const panels = layout([{ title: 'S', panels: [timeseries({ title: 't', ...content }), stat({ title: 's', ...content })] }]);
    expect(panels.slice(1).map((p) => p.gridPos)).toEqual([
      { h: 8, w: 12, x: 0, y: 1 },
      { h: 4, w: 6, x: 12, y: 1 },
    ]);
  });

  it('refuses a panel wider than the grid', () => {
    expect(() => layout([{ title: 'S', panels: [panel('too wide', 25)] }])).toThrow('panel "too wide": width 25 is not between 1 and 24 columns');
  });
});
