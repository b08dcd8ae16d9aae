/** The monitoring chart's name: its dist/helm and dist/manifests folders, and a name no application may take. */
export const MONITORING_CHART = 'monitoring';
