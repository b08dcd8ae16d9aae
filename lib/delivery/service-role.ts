/**
 * The label on the Services a progressive release adds beside the application's own (`canary`,
 * `preview`): they select the same pods, so whatever discovers Services by the application's labels
 * (the Prometheus Operator's ServiceMonitor) leaves the ones with this label out.
 */
export const SERVICE_ROLE_LABEL = 'platform.example/service-role';
