/**
 * alertmanager.yml as a plain object, from the Alertmanager values.
 *
 * Routing: the Watchdog goes to its own receiver (a dead man's switch); critical alerts page (and
 * continue, so that the owning team hears of them too); alerts of a component that has a team
 * (database, security, infrastructure by default) go to that team; other warnings to `warnings`, info
 * to `quiet`. Inhibition: critical mutes warning and info of the same alert and namespace, ServiceDown
 * mutes the other alerts of the same application, and the higher tier of a two-threshold condition
 * mutes the lower one.
 *
 * Credentials are never in the configuration: they are files of a Secret mounted at `secretsDir`, named
 * by `alertmanagerSecretKeys`. Alertmanager 0.25 reads the SMTP password, the Slack webhook URL and the
 * PagerDuty routing key from files (smtp_auth_password_file, slack_api_url_file, routing_key_file). It
 * has no url_file for webhooks (that came in 0.26), so webhook URLs are configuration and must not carry
 * a secret; webhooks authenticate with a bearer token read from a file (http_config.authorization.credentials_file).
 */
import { posix } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { alertEscalations } from './alert-rules';
import { patterns } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;
const bool = (description: string, defaultValue: boolean) => Type.Boolean({ description, default: defaultValue });
const text = (description: string, defaultValue: string, pattern?: string) => Type.String({ description, default: defaultValue, ...(pattern ? { pattern } : {}) });
const emails = (description: string, defaultValue: string[]) => Type.Array(Type.String({ pattern: patterns.email }), { description, default: defaultValue });
const channel = (description: string, defaultValue: string) => text(description, defaultValue, '^#[a-z0-9][a-z0-9._-]*$');
const optionalUrl = (description: string) => text(description, '', `^(${patterns.url.slice(1, -1)})?$`);

const components = ['application', 'infrastructure', 'database', 'security', 'monitoring'] as const;

const Team = Type.Object(
  {
    name: Type.String({ description: 'Team name; its receiver is team-<name>.', pattern: patterns.dnsLabel, maxLength: 63 - 'team-'.length }),
    component: Type.Union(
      components.map((component) => Type.Literal(component)),
      { description: 'Alerts whose `component` label has this value go to the team.' },
    ),
    emailTo: emails('Addresses the team is mailed at (when email is enabled).', []),
    slackChannel: channel('Slack channel of the team (when Slack is enabled).', '#alerts'),
  },
  { ...closed, description: 'A team that owns the alerts of one component.' },
);

const defaultTeams = ['database', 'security', 'infrastructure'].map((name) => ({
  name,
  component: name as (typeof components)[number],
  emailTo: [`${name}-team@example.com`],
  slackChannel: `#alerts-${name}`,
}));

export const AlertmanagerValuesSchema = Type.Object(
  {
    receivers: Type.Object(
      {
        email: bool('Send email (SMTP).', true),
        slack: bool('Post to Slack.', true),
        pagerduty: bool('Page through PagerDuty (critical alerts).', true),
        webhook: bool('POST every notification to webhook.url as well.', false),
      },
      { ...closed, description: 'The integrations to enable in the receivers.' },
    ),
    secretsDir: text(
      'Directory where the Secret with the credentials is mounted; each credential is a file named as in alertmanagerSecretKeys.',
      '/etc/alertmanager/secrets',
      '^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$',
    ),
    email: Type.Object(
      {
        from: text('Sender address.', 'alertmanager@example.com', patterns.email),
        smarthost: text('SMTP server, host:port.', 'smtp.example.com:587', '^[A-Za-z0-9.-]+:[0-9]+$'),
        authUsername: text('SMTP user; the password is the smtp-password file of the Secret.', 'alertmanager', '^[A-Za-z0-9._@+-]+$'),
        requireTls: bool('Require STARTTLS.', true),
        pagerTo: emails('Addresses that receive critical alerts.', ['oncall@example.com']),
        warningsTo: emails('Addresses that receive warnings without a team.', ['platform-team@example.com']),
      },
      { ...closed, description: 'Email settings.' },
    ),
    slack: Type.Object(
      {
        criticalChannel: channel('Channel of the critical alerts.', '#alerts-critical'),
        warningChannel: channel('Channel of the warnings without a team.', '#alerts'),
        infoChannel: channel('Channel of the info alerts (no notification on resolve).', '#alerts-info'),
      },
      { ...closed, description: 'Slack channels; the webhook URL is the slack-api-url file of the Secret.' },
    ),
    webhook: Type.Object(
      {
        url: optionalUrl('Endpoint receiving every notification (not a secret: Alertmanager 0.25 cannot read it from a file).'),
        bearerToken: bool('Authenticate with the webhook-token file of the Secret as a bearer token.', true),
      },
      { ...closed, description: 'Generic webhook (when receivers.webhook is enabled).' },
    ),
    watchdog: Type.Object(
      {
        url: optionalUrl("Dead man's switch endpoint the Watchdog alert is sent to; empty drops it."),
        bearerToken: bool('Authenticate with the watchdog-token file of the Secret as a bearer token.', true),
        repeatInterval: text('How often the Watchdog is sent again.', '1m', patterns.duration),
      },
      { ...closed, description: "The Watchdog's receiver." },
    ),
    groupBy: Type.Array(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), {
      description: 'Labels that group alerts into one notification.',
      default: ['alertname', 'namespace', 'job'],
    }),
    teams: Type.Array(Team, { description: 'Teams and the component each owns.', default: defaultTeams }),
  },
  { ...closed, description: 'Alertmanager routing and receivers.' },
);

export type AlertmanagerValues = Static<typeof AlertmanagerValuesSchema>;

export const defaultAlertmanagerValues: AlertmanagerValues = Value.Create(AlertmanagerValuesSchema);

/** The files of the credentials Secret, by what they hold. */
export const alertmanagerSecretKeys = {
  smtpPassword: 'smtp-password',
  slackApiUrl: 'slack-api-url',
  pagerdutyRoutingKey: 'pagerduty-routing-key',
  webhookToken: 'webhook-token',
  watchdogToken: 'watchdog-token',
} as const;

/** Notification timing per severity: critical fast and often, warning batched, info rarely. */
const timing = {
  critical: { group_wait: '5s', group_interval: '1m', repeat_interval: '1h' },
  warning: { group_wait: '30s', group_interval: '5m', repeat_interval: '6h' },
  info: { group_wait: '5m', group_interval: '30m', repeat_interval: '24h' },
} as const;

const receiverNames = {
  pager: 'pager',
  warnings: 'warnings',
  quiet: 'quiet',
  watchdog: 'watchdog',
  team: (name: string) => `team-${name}`,
} as const;

function problems(values: AlertmanagerValues): string[] {
  const found = [...Value.Errors(AlertmanagerValuesSchema, values)].map((error) => `${error.path || '/'}: ${error.message}`);
  if (found.length > 0) return found;
  if (values.receivers.webhook && values.webhook.url === '') found.push('/webhook/url: required when receivers.webhook is enabled');
  const duplicates = (keys: string[]) => keys.filter((key, index) => keys.indexOf(key) !== index);
  for (const name of duplicates(values.teams.map((team) => team.name))) found.push(`/teams: team ${name} is defined twice`);
  for (const component of duplicates(values.teams.map((team) => team.component))) found.push(`/teams: component ${component} has two teams`);
  return found;
}

interface Notify {
  emailTo: string[];
  slackChannel: string;
  page?: boolean;
  sendResolved?: boolean;
}

export function buildAlertmanagerConfig(values: AlertmanagerValues): object {
  const invalid = problems(values);
  if (invalid.length > 0) throw new Error(`invalid Alertmanager values: ${invalid.join('; ')}`);
  const enabled = values.receivers;
  const secret = (key: keyof typeof alertmanagerSecretKeys) => posix.join(values.secretsDir, alertmanagerSecretKeys[key]);
  const webhook = (url: string, bearerToken: boolean, tokenKey: 'webhookToken' | 'watchdogToken', sendResolved: boolean) => ({
    url,
    send_resolved: sendResolved,
    ...(bearerToken ? { http_config: { authorization: { type: 'Bearer', credentials_file: secret(tokenKey) } } } : {}),
  });

  const receiver = (name: string, notify: Notify) => {
    const sendResolved = notify.sendResolved ?? true;
    const integrations: Record<string, object[]> = {};
    if (enabled.email && notify.emailTo.length > 0) {
      integrations.email_configs = [{ to: notify.emailTo.join(', '), send_resolved: sendResolved }];
    }
    if (notify.page && enabled.pagerduty) {
      integrations.pagerduty_configs = [{ routing_key_file: secret('pagerdutyRoutingKey'), send_resolved: true }];
    }
    if (enabled.slack) integrations.slack_configs = [{ channel: notify.slackChannel, send_resolved: sendResolved }];
    if (enabled.webhook) integrations.webhook_configs = [webhook(values.webhook.url, values.webhook.bearerToken, 'webhookToken', sendResolved)];
    return { name, ...integrations };
  };

  const watchdogReceiver = {
    name: receiverNames.watchdog,
    ...(values.watchdog.url ? { webhook_configs: [webhook(values.watchdog.url, values.watchdog.bearerToken, 'watchdogToken', false)] } : {}),
  };

  const teamRoutes = values.teams.map((team) => ({
    receiver: receiverNames.team(team.name),
    matchers: [`component="${team.component}"`, 'severity=~"critical|warning"'],
    routes: [
      { matchers: ['severity="critical"'], ...timing.critical },
      { matchers: ['severity="warning"'], ...timing.warning },
    ],
  }));

  return {
    global: {
      resolve_timeout: '5m',
      ...(enabled.email
        ? {
            smtp_from: values.email.from,
            smtp_smarthost: values.email.smarthost,
            smtp_auth_username: values.email.authUsername,
            smtp_auth_password_file: secret('smtpPassword'),
            smtp_require_tls: values.email.requireTls,
          }
        : {}),
      ...(enabled.slack ? { slack_api_url_file: secret('slackApiUrl') } : {}),
    },
    route: {
      receiver: receiverNames.warnings,
      group_by: values.groupBy,
      ...timing.warning,
      routes: [
        {
          receiver: receiverNames.watchdog,
          matchers: ['alertname="Watchdog"'],
          group_wait: '0s',
          group_interval: values.watchdog.repeatInterval,
          repeat_interval: values.watchdog.repeatInterval,
        },
        { receiver: receiverNames.pager, matchers: ['severity="critical"'], continue: true, ...timing.critical },
        ...teamRoutes,
        { receiver: receiverNames.warnings, matchers: ['severity="warning"'], ...timing.warning },
        { receiver: receiverNames.quiet, matchers: ['severity="info"'], ...timing.info },
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'namespace'] },
      { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ['alertname', 'namespace'] },
      { source_matchers: ['alertname="ServiceDown"'], target_matchers: ['alertname!="ServiceDown"'], equal: ['namespace', 'job'] },
      ...alertEscalations.map((escalation) => ({
        source_matchers: [`alertname="${escalation.source}"`],
        target_matchers: [`alertname="${escalation.target}"`],
        equal: escalation.equal,
      })),
    ],
    receivers: [
      receiver(receiverNames.pager, { emailTo: values.email.pagerTo, slackChannel: values.slack.criticalChannel, page: true }),
      receiver(receiverNames.warnings, { emailTo: values.email.warningsTo, slackChannel: values.slack.warningChannel }),
      receiver(receiverNames.quiet, { emailTo: [], slackChannel: values.slack.infoChannel, sendResolved: false }),
      ...values.teams.map((team) => receiver(receiverNames.team(team.name), { emailTo: team.emailTo, slackChannel: team.slackChannel })),
      watchdogReceiver,
    ],
  };
}
