/** Every alert's promtool cases, and the recording rules' own cases. */
import type { AlertSpec, RecordingCase } from '../promtool';
import { applicationSpecs } from './application';
import { backupSpecs } from './backups';
import { certificateSpecs } from './certificates';
import { databaseSpecs } from './database';
import { dataStoreSpecs } from './data-stores';
import { edgeRecordingCases, edgeSpecs } from './edge';
import { api, latency, requests, traffic } from './fixtures';
import { infrastructureSpecs } from './infrastructure';
import { monitoringSpecs } from './monitoring';
import { nodeSpecs } from './nodes';
import { securitySpecs } from './security';
import { sloSpecs } from './slo';
import { rolloutSpecs } from './rollouts';
import { workloadSpecs } from './workloads';

export const alertSpecs: readonly AlertSpec[] = [
  ...applicationSpecs,
  ...sloSpecs,
  ...workloadSpecs,
  ...rolloutSpecs,
  ...infrastructureSpecs,
  ...nodeSpecs,
  ...databaseSpecs,
  ...dataStoreSpecs,
  ...edgeSpecs,
  ...securitySpecs,
  ...monitoringSpecs,
  ...certificateSpecs,
  ...backupSpecs,
];

const apiLabels = `{job="${api.job}", namespace="${api.namespace}"}`;

export const recordingCases: readonly RecordingCase[] = [
  ...edgeRecordingCases,
  { name: 'request rate per application', series: traffic(540, 60, 20), evalTime: '10m', expr: 'job:http_requests:rate5m', samples: [{ labels: `job:http_requests:rate5m${apiLabels}`, value: 10 }] },
  {
    name: '5xx ratio per application over an SLO window',
    series: traffic(192, 64, 20),
    evalTime: '10m',
    expr: 'job:http_requests_errors:ratio_rate30m',
    samples: [{ labels: `job:http_requests_errors:ratio_rate30m${apiLabels}`, value: 0.25 }],
  },
  {
    name: '5xx ratio is 0, not absent, without errors',
    series: { [requests('200')]: '0+600x20' },
    evalTime: '10m',
    expr: 'job:http_requests_errors:ratio_rate5m',
    samples: [{ labels: `job:http_requests_errors:ratio_rate5m${apiLabels}`, value: 0 }],
  },
  {
    name: 'p95 and p99 from the histogram',
    series: latency('1', 20),
    evalTime: '10m',
    expr: 'job:http_request_duration_seconds:p95_rate5m',
    samples: [{ labels: `job:http_request_duration_seconds:p95_rate5m${apiLabels}`, value: 0.975 }],
  },
];
