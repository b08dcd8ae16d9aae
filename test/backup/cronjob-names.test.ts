/**
 * A backup CronJob is named `<full name>-backup-<database>`, and a CronJob name is at most 52 characters
 * (the controller's Job names add 11): a database key that would pass it is refused where it is written,
 * in every environment that backs up; one that fits is accepted.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

// worker's full name set to 30 characters, its database key renamed (the schema allows keys of 20).
const FULLNAME = 'w'.repeat(30);
const withDatabase = (key: string) => (text: string) =>
  text.replace('\n  worker:\n', `\n  worker:\n    fullnameOverride: ${FULLNAME}\n`).replace('      postgresql:\n        orders:\n', `      postgresql:\n        ${key}:\n`);

it('refuses a database key whose CronJob name would pass 52 characters, at its line', () => {
  // <full name>-backup-<key>: 30 + 8 + 15 = 53 characters.
  const key = 'o'.repeat(15);
  const problems = synthProblems(valuesCopyWith(roots, 'base.yaml', withDatabase(key)));
  const expected = `backups.postgresql.${key}: the CronJob name "${FULLNAME}-backup-${key}" is 53 characters; a CronJob name is at most 52: use a shorter database key or fullnameOverride`;
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) expect(problem).toMatch(new RegExp(`values/base\\.yaml:\\d+:\\d+: applications\\.worker\\.${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
});

it('accepts one of exactly 52', () => {
  expect(() => synthProblems(valuesCopyWith(roots, 'base.yaml', withDatabase('o'.repeat(14))))).toThrow('synth did not fail');
});
