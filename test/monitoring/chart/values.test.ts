/** Bad `monitoring:` values are reported like the applications' ones: file, line, YAML path, expectation. */
import { describe, expect, it } from 'vitest';
import { ValuesError } from '../../../lib/values/problems';
import { synthesizeEdited } from './support';

function problems(edit: (base: string) => string): string[] {
  try {
    synthesizeEdited(edit);
  } catch (error) {
    if (error instanceof ValuesError) return error.message.split('\n');
    throw error;
  }
  throw new Error('synth accepted the values');
}

describe('monitoring values', () => {
  it('names the file, line and path of a malformed value', () => {
    expect(problems((t) => t.replace('retention: { time: 3d, size: 4GB }', 'retention: { time: 3 days, size: 4GB }'))).toEqual([
      expect.stringMatching(/base\.yaml:\d+:\d+: monitoring\.prometheus\.retention\.time: expected a value matching .*, got "3 days"$/),
    ]);
  });

  it('refuses an unknown key', () => {
    expect(problems((t) => t.replace('  nodeNamespace: monitoring-node\n', '  nodeNamespace: monitoring-node\n  nodeNamespaces: x\n'))).toEqual([
      expect.stringMatching(/base\.yaml:\d+:3: monitoring\.nodeNamespaces: unknown key: did you mean nodeNamespace\? \(expected one of: .*nodeNamespace.*\)$/),
    ]);
  });

  it('refuses alert thresholds in the wrong order, which the schema cannot say, with file and line', () => {
    expect(problems((t) => t.replace('  alerts: {}\n', '  alerts:\n    diskWarningRatio: 0.9\n'))).toEqual([
      expect.stringMatching(/base\.yaml:\d+:\d+: monitoring\.alerts\.diskWarningRatio: diskWarningRatio must be below diskCriticalRatio$/),
    ]);
  });

  it('refuses a runbook base URL with a trailing slash (the rules append /<alert name> as is)', () => {
    expect(problems((t) => t.replace('runbookBaseUrl: https://runbooks.example.com/platform', 'runbookBaseUrl: https://runbooks.example.com/platform/'))).toEqual([
      expect.stringMatching(/base\.yaml:\d+:\d+: monitoring\.runbookBaseUrl: /),
    ]);
  });

  it('refuses an unpinned image', () => {
    expect(problems((t) => t.replace('repository: prom/prometheus, tag: v3.5.0', 'repository: prom/prometheus, tag: latest'))).toEqual([
      expect.stringMatching(/base\.yaml:\d+:\d+: monitoring\.prometheus\.image\.tag: "latest" is not allowed here/),
    ]);
  });
});
