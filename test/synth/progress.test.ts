/**
 * Progress of long commands (lib/cli/progress.ts): nothing before two seconds, then one line rewritten
 * in place on a terminal and cleared at the end; nothing at all when the stream is not a terminal.
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../lib/cli/progress';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe('progress', () => {
  it('shows nothing during the first two seconds, then the step on one line, cleared at the end', () => {
    let clock = 1000;
    const { stream, written } = fakeStream(true);
    const progress = new Progress('package', 12, { stream, now: () => clock });
    progress.update(1, 'api (dev)');
    clock += 1999;
    progress.update(2, 'web (dev)');
    expect(written).toEqual([]);
    clock += 1;
    progress.update(3, 'worker (dev)');
    progress.update(1, 'schemas (Deployment, 1.27.0)', 40);
    progress.end();
    expect(written).toEqual(['\r\u001b[Kpackage: 3/12 worker (dev)', '\r\u001b[Kpackage: 1/40 schemas (Deployment, 1.27.0)', '\r\u001b[K']);
  });

  it('writes nothing when the stream is not a terminal, nor clears a line never shown', () => {
    let clock = 0;
    const { stream, written } = fakeStream(false);
    const progress = new Progress('validate', 3, { stream, now: () => clock });
    clock = 10_000;
    progress.update(2, 'schemas');
    progress.end();
    expect(written).toEqual([]);
    const quiet = fakeStream(true);
    const early = new Progress('validate', 3, { stream: quiet.stream, now: () => 0 });
    early.update(1, 'schemas');
    early.end();
    expect(quiet.written).toEqual([]);
  });
});
