/** Assembles a complete, self-contained dashboard from its definition and the shared settings. */
import { type Section, layout } from './layout';
import { type GrafanaDashboard, SCHEMA_VERSION, type TemplateVariable } from './model';

/** The tag all these dashboards carry; each dashboard links to the others through it. */
const PLATFORM_TAG = 'platform';

export interface DashboardDefinition {
  /** Stable: Grafana links, bookmarks and alert annotations refer to dashboards by uid. */
  uid: string;
  title: string;
  description: string;
  tags: string[];
  sections: Section[];
  time: { from: string; to: string };
  refresh: string;
  /** Its own variables, where the shared ones (the applications) do not apply. */
  variables?: TemplateVariable[];
}

export interface SharedSettings {
  titlePrefix: string;
  variables: TemplateVariable[];
}

export function dashboard(definition: DashboardDefinition, shared: SharedSettings): GrafanaDashboard {
  return {
    uid: definition.uid,
    title: `${shared.titlePrefix}${definition.title}`,
    description: definition.description,
    tags: [PLATFORM_TAG, ...definition.tags],
    // Provisioned from a ConfigMap: changes made in the UI would be lost at the next synth.
    editable: false,
    graphTooltip: 1,
    timezone: 'browser',
    schemaVersion: SCHEMA_VERSION,
    time: definition.time,
    refresh: definition.refresh,
    links: [{ title: 'Platform dashboards', type: 'dashboards', tags: [PLATFORM_TAG], asDropdown: true, includeVars: true, keepTime: true }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: definition.variables ?? shared.variables },
    panels: layout(definition.sections),
  };
}
