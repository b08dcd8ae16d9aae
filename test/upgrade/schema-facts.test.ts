/**
 * lib/upgrade/schema-facts.json is what the schemas say (scripts/schema-facts.mjs --check): the list keys
 * the diff matches items by and the CRD transition rules check-upgrade applies are derived, not kept by hand.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import facts from '../../lib/upgrade/schema-facts.json';
import { projectRoot } from '../support/helm';

it('the committed schema facts match ../shared/kubernetes-json-schema', () => {
  const result = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'schema-facts.mjs'), '--check'], { cwd: projectRoot, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

it('every CRD transition rule is either an immutable field check-upgrade applies or listed as not checked', () => {
  // Today every transition rule of the shipped CRDs is `self == oldSelf`; a new form must be handled or shows here.
  expect(facts.otherTransitionRules).toEqual({});
  expect(facts.immutable['argoproj.io/rollout']).toEqual([{ field: 'spec.selector', message: '.spec.selector is immutable', source: 'crds/argoproj.io/rollout_v1alpha1.json' }]);
});
