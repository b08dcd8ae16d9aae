/**
 * The metrics each component of the monitoring stack produces: the families the dashboards and alert
 * rules may read. Not exhaustive: each exporter exposes more, and a family is added here when a
 * query needs it, after checking its name and type against the exporter's documentation or its
 * /metrics output (kube-state-metrics names are those of v2).
 *
 * A family is listed once under its base name; `seriesNames` gives the series it is exposed as
 * (`_bucket`, `_sum`, `_count` for histograms and summaries).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricFamily {
  name: string;
  type: MetricType;
}

export type Producer =
  | 'application'
  | 'prometheus-synthetic'
  | 'prometheus'
  | 'alertmanager'
  | 'kube-state-metrics'
  | 'cadvisor'
  | 'kubelet'
  | 'node-exporter'
  | 'blackbox-exporter'
  | 'loki'
  | 'grafana'
  | 'alloy'
  | 'argo-rollouts'
  | 'cert-manager'
  | 'velero'
  | 'postgres-exporter'
  | 'redis-exporter'
  | 'envoy'
  | 'ingress-nginx';

function families(type: MetricType, ...names: string[]): MetricFamily[] {
  return names.map((name) => ({ name, type }));
}

/** The Go client's process and runtime collectors, exposed by every Go component of the stack. */
const goProcess: MetricFamily[] = [
  ...families('counter', 'process_cpu_seconds_total'),
  ...families('gauge', 'process_resident_memory_bytes', 'process_virtual_memory_bytes', 'process_open_fds', 'process_max_fds', 'process_start_time_seconds'),
  ...families('gauge', 'go_goroutines', 'go_threads', 'go_info', 'go_memstats_alloc_bytes', 'go_memstats_heap_inuse_bytes'),
  ...families('summary', 'go_gc_duration_seconds'),
];

// biome-ignore format: a table, one line per group of metric families of a type, however long
export const metricCatalog: Readonly<Record<Producer, readonly MetricFamily[]>> = {
  /** The platform's applications; their series carry job=<application>, namespace, pod. */
  application: [
    ...families('counter', 'http_requests_total'),
    ...families('histogram', 'http_request_duration_seconds'),
  ],

  /** Series Prometheus writes itself: one set per scrape target, and the state of alerting rules. */
  'prometheus-synthetic': [
    ...families('gauge', 'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'),
    ...families('gauge', 'ALERTS', 'ALERTS_FOR_STATE'),
  ],

  prometheus: [
    ...goProcess,
    ...families('gauge', 'prometheus_build_info', 'prometheus_ready', 'prometheus_config_last_reload_successful', 'prometheus_config_last_reload_success_timestamp_seconds'),
    ...families('gauge', 'prometheus_tsdb_head_series', 'prometheus_tsdb_head_chunks', 'prometheus_tsdb_storage_blocks_bytes', 'prometheus_tsdb_lowest_timestamp_seconds', 'prometheus_tsdb_retention_limit_bytes'),
    ...families('counter', 'prometheus_tsdb_head_samples_appended_total', 'prometheus_tsdb_compactions_failed_total', 'prometheus_tsdb_reloads_failures_total', 'prometheus_tsdb_wal_corruptions_total'),
    ...families('counter', 'prometheus_rule_evaluations_total', 'prometheus_rule_evaluation_failures_total', 'prometheus_rule_group_iterations_missed_total'),
    ...families('gauge', 'prometheus_rule_group_last_duration_seconds', 'prometheus_rule_group_interval_seconds'),
    ...families('summary', 'prometheus_rule_evaluation_duration_seconds', 'prometheus_target_interval_length_seconds', 'prometheus_engine_query_duration_seconds'),
    ...families('counter', 'prometheus_notifications_sent_total', 'prometheus_notifications_errors_total', 'prometheus_notifications_dropped_total'),
    ...families('gauge', 'prometheus_notifications_queue_length', 'prometheus_notifications_queue_capacity', 'prometheus_notifications_alertmanagers_discovered'),
    ...families('counter', 'prometheus_target_scrapes_exceeded_sample_limit_total', 'prometheus_target_scrapes_sample_duplicate_timestamp_total', 'prometheus_sd_kubernetes_events_total'),
    ...families('gauge', 'prometheus_sd_discovered_targets', 'prometheus_target_scrape_pool_targets'),
    ...families('counter', 'prometheus_http_requests_total'),
    ...families('histogram', 'prometheus_http_request_duration_seconds'),
  ],

  alertmanager: [
    ...goProcess,
    ...families('gauge', 'alertmanager_build_info', 'alertmanager_config_hash', 'alertmanager_config_last_reload_successful', 'alertmanager_config_last_reload_success_timestamp_seconds'),
    ...families('gauge', 'alertmanager_alerts', 'alertmanager_silences', 'alertmanager_dispatcher_aggregation_groups'),
    ...families('counter', 'alertmanager_alerts_received_total', 'alertmanager_alerts_invalid_total'),
    ...families('counter', 'alertmanager_notifications_total', 'alertmanager_notifications_failed_total', 'alertmanager_notification_requests_total', 'alertmanager_notification_requests_failed_total'),
    ...families('histogram', 'alertmanager_notification_latency_seconds'),
    ...families('gauge', 'alertmanager_cluster_enabled', 'alertmanager_cluster_members', 'alertmanager_cluster_failed_peers', 'alertmanager_cluster_health_score'),
  ],

  'kube-state-metrics': [
    ...families('gauge', 'kube_pod_info', 'kube_pod_owner', 'kube_pod_labels', 'kube_pod_created', 'kube_pod_start_time', 'kube_pod_deletion_timestamp'),
    ...families('gauge', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_status_scheduled', 'kube_pod_status_unschedulable', 'kube_pod_status_reason'),
    ...families('gauge', 'kube_pod_container_info', 'kube_pod_container_status_ready', 'kube_pod_container_status_running', 'kube_pod_container_status_waiting', 'kube_pod_container_status_waiting_reason'),
    ...families('gauge', 'kube_pod_container_status_terminated', 'kube_pod_container_status_terminated_reason', 'kube_pod_container_status_last_terminated_reason', 'kube_pod_container_status_last_terminated_exitcode'),
    ...families('counter', 'kube_pod_container_status_restarts_total'),
    ...families('gauge', 'kube_pod_container_resource_requests', 'kube_pod_container_resource_limits'),
    ...families('gauge', 'kube_deployment_created', 'kube_deployment_labels', 'kube_deployment_metadata_generation', 'kube_deployment_spec_replicas', 'kube_deployment_spec_paused'),
    ...families('gauge', 'kube_deployment_status_replicas', 'kube_deployment_status_replicas_available', 'kube_deployment_status_replicas_unavailable', 'kube_deployment_status_replicas_updated', 'kube_deployment_status_replicas_ready'),
    ...families('gauge', 'kube_deployment_status_observed_generation', 'kube_deployment_status_condition'),
    ...families('gauge', 'kube_replicaset_owner', 'kube_replicaset_spec_replicas', 'kube_replicaset_status_ready_replicas'),
    ...families('gauge', 'kube_statefulset_replicas', 'kube_statefulset_metadata_generation', 'kube_statefulset_status_observed_generation', 'kube_statefulset_status_replicas', 'kube_statefulset_status_replicas_ready'),
    ...families('gauge', 'kube_statefulset_status_replicas_current', 'kube_statefulset_status_replicas_updated', 'kube_statefulset_status_current_revision', 'kube_statefulset_status_update_revision'),
    ...families('gauge', 'kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_current_number_scheduled', 'kube_daemonset_status_number_available', 'kube_daemonset_status_number_ready'),
    ...families('gauge', 'kube_daemonset_status_number_unavailable', 'kube_daemonset_status_number_misscheduled', 'kube_daemonset_status_updated_number_scheduled', 'kube_daemonset_status_observed_generation', 'kube_daemonset_metadata_generation'),
    ...families('gauge', 'kube_horizontalpodautoscaler_info', 'kube_horizontalpodautoscaler_labels', 'kube_horizontalpodautoscaler_metadata_generation', 'kube_horizontalpodautoscaler_spec_target_metric'),
    ...families('gauge', 'kube_horizontalpodautoscaler_spec_min_replicas', 'kube_horizontalpodautoscaler_spec_max_replicas', 'kube_horizontalpodautoscaler_status_current_replicas', 'kube_horizontalpodautoscaler_status_desired_replicas', 'kube_horizontalpodautoscaler_status_condition'),
    ...families('gauge', 'kube_poddisruptionbudget_created', 'kube_poddisruptionbudget_status_current_healthy', 'kube_poddisruptionbudget_status_desired_healthy', 'kube_poddisruptionbudget_status_expected_pods'),
    ...families('gauge', 'kube_poddisruptionbudget_status_pod_disruptions_allowed', 'kube_poddisruptionbudget_status_observed_generation'),
    ...families('gauge', 'kube_persistentvolumeclaim_info', 'kube_persistentvolumeclaim_labels', 'kube_persistentvolumeclaim_status_phase', 'kube_persistentvolumeclaim_access_mode', 'kube_persistentvolumeclaim_resource_requests_storage_bytes'),
    ...families('gauge', 'kube_persistentvolume_info', 'kube_persistentvolume_status_phase', 'kube_persistentvolume_capacity_bytes'),
    ...families('gauge', 'kube_node_info', 'kube_node_labels', 'kube_node_created', 'kube_node_spec_unschedulable', 'kube_node_spec_taint', 'kube_node_status_condition', 'kube_node_status_capacity', 'kube_node_status_allocatable'),
    ...families('gauge', 'kube_namespace_labels', 'kube_namespace_created', 'kube_namespace_status_phase'),
    ...families('gauge', 'kube_job_owner', 'kube_job_spec_completions', 'kube_job_status_active', 'kube_job_status_succeeded', 'kube_job_status_failed', 'kube_job_complete', 'kube_job_failed'),
    ...families('gauge', 'kube_job_status_start_time', 'kube_job_status_completion_time'),
    ...families('gauge', 'kube_cronjob_spec_suspend', 'kube_cronjob_status_active', 'kube_cronjob_status_last_schedule_time', 'kube_cronjob_next_schedule_time', 'kube_cronjob_status_last_successful_time', 'kube_cronjob_created'),
    ...families('gauge', 'kube_service_info', 'kube_ingress_info', 'kube_ingress_path', 'kube_ingress_tls', 'kube_resourcequota'),
  ],

  /** cAdvisor, embedded in the kubelet (/metrics/cadvisor): per-container cgroup usage. */
  cadvisor: [
    ...families('counter', 'container_cpu_usage_seconds_total', 'container_cpu_user_seconds_total', 'container_cpu_system_seconds_total'),
    ...families('counter', 'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_throttled_seconds_total'),
    ...families('gauge', 'container_memory_working_set_bytes', 'container_memory_rss', 'container_memory_cache', 'container_memory_usage_bytes', 'container_memory_swap', 'container_memory_mapped_file'),
    ...families('counter', 'container_memory_failcnt', 'container_memory_failures_total', 'container_oom_events_total'),
    ...families('gauge', 'container_spec_cpu_quota', 'container_spec_cpu_period', 'container_spec_cpu_shares', 'container_spec_memory_limit_bytes'),
    ...families('counter', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total', 'container_network_receive_packets_total', 'container_network_transmit_packets_total'),
    ...families('counter', 'container_network_receive_packets_dropped_total', 'container_network_transmit_packets_dropped_total', 'container_network_receive_errors_total', 'container_network_transmit_errors_total'),
    ...families('counter', 'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total'),
    ...families('gauge', 'container_fs_usage_bytes', 'container_fs_limit_bytes', 'container_last_seen', 'container_start_time_seconds', 'container_threads', 'container_processes'),
    ...families('gauge', 'machine_cpu_cores', 'machine_memory_bytes'),
  ],

  /** The kubelet's own /metrics, and /metrics/probes for prober_probe_total. */
  kubelet: [
    ...families('gauge', 'kubelet_volume_stats_capacity_bytes', 'kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_used_bytes'),
    ...families('gauge', 'kubelet_volume_stats_inodes', 'kubelet_volume_stats_inodes_free', 'kubelet_volume_stats_inodes_used', 'kubelet_volume_stats_health_status_abnormal'),
    ...families('gauge', 'kubelet_node_name', 'kubelet_running_pods', 'kubelet_running_containers', 'kubelet_certificate_manager_client_ttl_seconds'),
    ...families('histogram', 'kubelet_pod_start_duration_seconds', 'kubelet_pleg_relist_duration_seconds', 'kubelet_pleg_relist_interval_seconds', 'kubelet_runtime_operations_duration_seconds'),
    ...families('counter', 'kubelet_runtime_operations_total', 'kubelet_runtime_operations_errors_total', 'kubelet_evictions', 'prober_probe_total'),
  ],

  'node-exporter': [
    ...families('gauge', 'node_exporter_build_info', 'node_uname_info', 'node_boot_time_seconds', 'node_time_seconds', 'node_load1', 'node_load5', 'node_load15'),
    ...families('counter', 'node_cpu_seconds_total', 'node_context_switches_total', 'node_intr_total'),
    ...families('gauge', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_memory_MemFree_bytes', 'node_memory_Buffers_bytes', 'node_memory_Cached_bytes'),
    ...families('gauge', 'node_memory_SwapTotal_bytes', 'node_memory_SwapFree_bytes'),
    ...families('untyped', 'node_vmstat_oom_kill', 'node_vmstat_pgmajfault'),
    ...families('counter', 'node_pressure_cpu_waiting_seconds_total', 'node_pressure_memory_waiting_seconds_total', 'node_pressure_memory_stalled_seconds_total', 'node_pressure_io_waiting_seconds_total', 'node_pressure_io_stalled_seconds_total'),
    ...families('gauge', 'node_filesystem_size_bytes', 'node_filesystem_avail_bytes', 'node_filesystem_free_bytes', 'node_filesystem_files', 'node_filesystem_files_free', 'node_filesystem_readonly', 'node_filesystem_device_error'),
    ...families('counter', 'node_disk_read_bytes_total', 'node_disk_written_bytes_total', 'node_disk_reads_completed_total', 'node_disk_writes_completed_total', 'node_disk_io_time_seconds_total', 'node_disk_io_time_weighted_seconds_total'),
    ...families('counter', 'node_network_receive_packets_total', 'node_network_transmit_packets_total'),
    ...families('counter', 'node_network_receive_bytes_total', 'node_network_transmit_bytes_total', 'node_network_receive_errs_total', 'node_network_transmit_errs_total', 'node_network_receive_drop_total', 'node_network_transmit_drop_total'),
    ...families('gauge', 'node_network_up', 'node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit', 'node_filefd_allocated', 'node_filefd_maximum'),
    ...families('gauge', 'node_timex_offset_seconds', 'node_timex_sync_status', 'node_textfile_scrape_error', 'node_scrape_collector_success', 'node_scrape_collector_duration_seconds'),
  ],

  /** Probe results carry the probed target in `instance`; the exporter's own metrics come with them. */
  'blackbox-exporter': [
    ...goProcess,
    ...families('gauge', 'probe_success', 'probe_duration_seconds', 'probe_dns_lookup_time_seconds', 'probe_ip_protocol', 'probe_ip_addr_hash', 'probe_failed_due_to_regex'),
    ...families('gauge', 'probe_http_status_code', 'probe_http_duration_seconds', 'probe_http_ssl', 'probe_http_redirects', 'probe_http_version', 'probe_http_content_length', 'probe_http_uncompressed_body_length'),
    ...families('gauge', 'probe_http_last_modified_timestamp_seconds', 'probe_ssl_earliest_cert_expiry', 'probe_ssl_last_chain_expiry_timestamp_seconds', 'probe_tls_version_info'),
    ...families('gauge', 'blackbox_exporter_build_info', 'blackbox_exporter_config_last_reload_successful'),
    ...families('counter', 'blackbox_module_unknown_total'),
  ],

  loki: [
    ...goProcess,
    ...families('gauge', 'loki_build_info', 'loki_ingester_memory_streams', 'loki_ingester_memory_chunks'),
    ...families('histogram', 'loki_request_duration_seconds'),
    ...families('counter', 'loki_distributor_lines_received_total', 'loki_distributor_bytes_received_total', 'loki_ingester_streams_created_total', 'loki_ingester_chunks_flushed_total'),
    ...families('counter', 'loki_discarded_samples_total', 'loki_discarded_bytes_total', 'loki_panic_total'),
  ],

  grafana: [
    ...goProcess,
    ...families('gauge', 'grafana_build_info', 'grafana_stat_totals_dashboard', 'grafana_stat_active_users'),
    ...families('histogram', 'grafana_http_request_duration_seconds', 'grafana_datasource_request_duration_seconds'),
    ...families('counter', 'grafana_api_response_status_total', 'grafana_page_response_status_total', 'grafana_datasource_request_total'),
  ],

  /** The Argo Rollouts controller (when argoRollouts.enabled): one rollout_info series per Rollout, with its phase. */
  'argo-rollouts': [
    ...families('gauge', 'rollout_info', 'rollout_info_replicas_available', 'rollout_info_replicas_unavailable', 'rollout_info_replicas_desired', 'rollout_info_replicas_updated'),
    ...goProcess,
  ],

  /** Grafana Alloy, collecting logs for Loki: its controller, and the loki.write component. */
  alloy: [
    ...goProcess,
    ...families('gauge', 'alloy_build_info', 'alloy_config_hash', 'alloy_config_last_load_successful', 'alloy_component_controller_running_components', 'alloy_component_controller_evaluating'),
    ...families('counter', 'alloy_config_load_failures_total', 'alloy_resources_process_cpu_seconds_total'),
    ...families('gauge', 'alloy_resources_process_resident_memory_bytes'),
    ...families('histogram', 'alloy_component_evaluation_seconds', 'loki_write_request_duration_seconds'),
    ...families('counter', 'loki_write_sent_entries_total', 'loki_write_sent_bytes_total', 'loki_write_dropped_entries_total', 'loki_write_dropped_bytes_total'),
  ],

  /** cert-manager's controller (cert-manager.io docs, "Prometheus metrics"): one series per Certificate, labels name, namespace (and condition). */
  'cert-manager': [
    ...goProcess,
    ...families('gauge', 'certmanager_certificate_expiration_timestamp_seconds', 'certmanager_certificate_renewal_timestamp_seconds', 'certmanager_certificate_ready_status'),
  ],

  /** The Velero server (pkg/metrics of velero): per-schedule counters and the time of the last successful backup. */
  velero: [
    ...goProcess,
    ...families('gauge', 'velero_backup_last_successful_timestamp', 'velero_backup_total'),
    ...families('counter', 'velero_backup_attempt_total', 'velero_backup_success_total', 'velero_backup_failure_total', 'velero_backup_partial_failure_total'),
  ],

  /**
   * postgres_exporter (v0.17: its default collectors and the built-in pg_stat_activity and pg_settings
   * metrics; checked against the /metrics of Debian's 0.11 on PostgreSQL 15, pg_replication_lag_seconds
   * from the replication collector of 0.13 and later). Series carry data_store (the scrape job's label).
   */
  'postgres-exporter': [
    ...goProcess,
    ...families('gauge', 'pg_up', 'pg_stat_activity_count', 'pg_stat_activity_max_tx_duration', 'pg_settings_max_connections', 'pg_settings_superuser_reserved_connections'),
    ...families('gauge', 'pg_replication_lag_seconds', 'pg_replication_is_replica', 'pg_database_size_bytes', 'pg_locks_count', 'pg_stat_database_numbackends'),
    ...families('counter', 'pg_stat_database_xact_commit', 'pg_stat_database_xact_rollback', 'pg_stat_database_blks_hit', 'pg_stat_database_blks_read', 'pg_stat_database_deadlocks', 'pg_stat_database_temp_bytes'),
  ],

  /**
   * Envoy Gateway's proxies (/stats/prometheus of Envoy: cluster stats labelled envoy_cluster_name and
   * envoy_response_code_class, times in milliseconds; the local rate limit filter's counters under
   * Envoy Gateway's stat prefix http_local_rate_limiter).
   */
  envoy: [
    ...families('counter', 'envoy_cluster_upstream_rq_xx', 'envoy_cluster_upstream_rq_total', 'envoy_http_downstream_rq_xx', 'envoy_http_downstream_rq_total'),
    ...families('histogram', 'envoy_cluster_upstream_rq_time', 'envoy_http_downstream_rq_time'),
    ...families('counter', 'envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited', 'envoy_http_local_rate_limiter_http_local_rate_limit_ok'),
    ...families('gauge', 'envoy_server_live', 'envoy_cluster_membership_healthy'),
  ],

  /** The ingress-nginx controller (its /metrics: per Ingress, labels namespace, ingress, service, status, method). */
  'ingress-nginx': [
    ...goProcess,
    ...families('counter', 'nginx_ingress_controller_requests'),
    ...families('histogram', 'nginx_ingress_controller_request_duration_seconds', 'nginx_ingress_controller_response_duration_seconds'),
    ...families('gauge', 'nginx_ingress_controller_nginx_process_connections', 'nginx_ingress_controller_config_last_reload_successful'),
  ],

  /** redis_exporter (checked against the /metrics of Debian's 1.45 on Redis 7). Series carry data_store. */
  'redis-exporter': [
    ...goProcess,
    ...families('gauge', 'redis_up', 'redis_memory_used_bytes', 'redis_memory_max_bytes', 'redis_connected_clients', 'redis_config_maxclients', 'redis_uptime_in_seconds', 'redis_db_keys'),
    ...families('counter', 'redis_evicted_keys_total', 'redis_expired_keys_total', 'redis_keyspace_hits_total', 'redis_keyspace_misses_total', 'redis_commands_processed_total', 'redis_rejected_connections_total'),
  ],
};

/** The series names a family is exposed as. */
export function seriesNames(family: MetricFamily): string[] {
  switch (family.type) {
    case 'histogram':
      return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`];
    case 'summary':
      return [family.name, `${family.name}_sum`, `${family.name}_count`];
    default:
      return [family.name];
  }
}

/** Every series name some component produces, with the components producing it. */
export function producedSeries(): Map<string, Producer[]> {
  const produced = new Map<string, Producer[]>();
  for (const [producer, list] of Object.entries(metricCatalog) as Array<[Producer, readonly MetricFamily[]]>) {
    for (const name of list.flatMap(seriesNames)) {
      produced.set(name, [...(produced.get(name) ?? []), producer]);
    }
  }
  return produced;
}
