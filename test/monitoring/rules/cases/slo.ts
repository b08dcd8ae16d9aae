import type { AlertSpec } from '../promtool';
import { api, requests, traffic } from './fixtures';
import { percent } from './format';

export const sloSpecs: AlertSpec[] = [
  {
    alertname: 'ErrorBudgetBurnFast',
    priority: 'P0',
    component: 'application',
    cases: (t) => {
      const fired = (ratio: string) => ({
        labels: api,
        summary: 'api in shop is burning its error budget fast',
        description:
          `api in shop failed ${ratio} of its requests over the long window: its 30-day error budget for ` +
          `${percent(t.availabilitySlo)} availability runs out within 5 days at this rate ` +
          '(burn rate above 14.4 over 1h and 5m, or above 6 over 6h and 30m).',
      });
      return [
        { name: 'fires on 2% errors (burn rate 20 over 1h and 5m)', series: traffic(588, 12, 20), evalTime: '10m', fires: [fired('2%')] },
        { name: 'fires on 1% errors (burn rate 10 over 6h and 30m)', series: traffic(594, 6, 20), evalTime: '10m', fires: [fired('1%')] },
        { name: 'is silent on 0.5% errors (burn rate 5)', series: traffic(597, 3, 20), evalTime: '10m', fires: [] },
        {
          name: 'resets once the 5m and 30m windows are clean, though the 1h and 6h ones are not',
          series: { [requests('200')]: '0+570x60 34800+600x34', [requests('500')]: '0+30x60 1800x34' },
          evalTime: '95m',
          fires: [],
        },
      ];
    },
  },
  {
    alertname: 'ErrorBudgetBurnSlow',
    priority: 'P1',
    component: 'application',
    cases: (t) => {
      const fired = (ratio: string) => ({
        labels: api,
        summary: 'api in shop is spending its error budget too fast',
        description:
          `api in shop failed ${ratio} of its requests over the long window: its 30-day error budget for ` +
          `${percent(t.availabilitySlo)} availability runs out before the 30 days end ` +
          '(burn rate above 3 over 1d and 2h, or above 1 over 3d and 6h).',
      });
      return [
        { name: 'fires on 0.4% errors (burn rate 4 over 1d and 2h)', series: traffic(996, 4, 60), evalTime: '60m', fires: [fired('0.4%')] },
        { name: 'fires on 0.2% errors (burn rate 2 over 3d and 6h)', series: traffic(998, 2, 60), evalTime: '60m', fires: [fired('0.2%')] },
        { name: 'is silent on 0.05% errors (burn rate 0.5)', series: traffic(1999, 1, 60), evalTime: '60m', fires: [] },
      ];
    },
  },
];
