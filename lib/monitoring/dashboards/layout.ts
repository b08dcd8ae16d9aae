/**
 * Places panels on Grafana's 24-column grid: each section starts with a row header, its panels flow
 * left to right and wrap to a new line when the next one does not fit.
 */
import type { Panel } from './model';
import type { PanelSpec } from './panels';

const GRID_COLUMNS = 24;

export interface Section {
  title: string;
  panels: PanelSpec[];
}

/** The dashboard's panels with ids (1, 2, ... in reading order) and grid positions. */
export function layout(sections: Section[]): Panel[] {
  const panels: Panel[] = [];
  let y = 0;
  for (const section of sections) {
    panels.push({
      id: panels.length + 1,
      type: 'row',
      title: section.title,
      collapsed: false,
      gridPos: { h: 1, w: GRID_COLUMNS, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const { content, width, height } of section.panels) {
      if (!Number.isInteger(width) || width < 1 || width > GRID_COLUMNS) {
        throw new Error(`panel "${content.title}": width ${width} is not between 1 and ${GRID_COLUMNS} columns`);
      }
      if (x + width > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push({ id: panels.length + 1, ...content, gridPos: { h: height, w: width, x, y } });
      x += width;
      lineHeight = Math.max(lineHeight, height);
    }
    y += lineHeight;
  }
  return panels;
}
