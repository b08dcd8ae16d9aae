/**
 * `npm run synth`: writes dist/ (plain manifests per environment, Helm charts, and per environment its
 * README, network picture and GitOps objects) from values/, then prints a summary of the objects added,
 * changed and removed (lib/synth/summary.ts).
 * Options (lib/synth/command-line.ts, `--help`): --values DIR (default values), --out DIR (default
 * dist), --env a,b (only those environments, for a preview into another --out), --quiet (no summary).
 * The output folder is locked while the run reads and writes it (lib/synth/output-lock.ts).
 * Bad values: one message per problem on stderr, exit code 1, dist/ untouched. Bad usage: one message
 * and the usage, exit code 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import { join, sep } from 'node:path';
import { displayFolder, displayPath } from './lib/cli/paths';
import { CDK8S_MANIFEST_FILE, Cdk8sManifests } from './lib/synth/cdk8s-output';
import { writeDirectoryInBackground } from './lib/synth/atomic-dir';
import { OutputAccessError, checkLockedOutput, checkOutputPlace } from './lib/synth/output-access';
import { type OutputLock, OutputLockError, lockOutput } from './lib/synth/output-lock';
import { APPLICATIONS_HELPER, type ApplicationsHelperSettings, serveApplications, synthesizeEach, worthAHelper } from './charts/platform';
import { type HelperData, HelperThread } from './lib/synth/helper-thread';
import { runCommand } from './lib/cli/command-line.cjs';
import { SYNTH_COMMAND, type SynthCommand, synthCommand } from './lib/synth/command-line';
import { ValuesError } from './lib/values/problems';
import { baseFileBytes } from './lib/values/load';
import { renderSvgs } from './lib/network-graph/render';
import { OutputRecord, recordFile } from './lib/synth/output-record';
import { OutputSummary } from './lib/synth/summary';
import { reportStageTimes, stage, stageAsync } from './lib/synth/stage-times';
import { limitHeapGrowthForLargeValues } from './lib/synth/heap-growth';

/** The text of a regular file, or undefined. */
function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function synth(command: SynthCommand): Promise<number> {
  let outDir: string | undefined;
  let lock: OutputLock | undefined;
  let helper: HelperThread | undefined;
  try {
    const { valuesDir, environments, quiet } = command;
    outDir = command.outDir;
    // Before anything is read or written: this process can replace the output (what needs no walk of
    // it, before the lock; its folders once it is locked), and no other run writes it meanwhile.
    checkOutputPlace(outDir);
    lock = lockOutput(outDir, { onWait: (message) => console.error(`synth: ${message}`) });
    const onLeftover = (message: string) => console.error(`synth: ${message}`);
    // The one walk of the output, after a killed run's swap was undone: for the check of its folders,
    // the summary and the writer's last check (nothing but the produced files). A --cdk8s run does not
    // report leftovers it could not remove.
    const listing = stage('output folder', () => checkLockedOutput(command.outDir, command.cdk8s ? undefined : onLeftover));
    if (command.cdk8s) {
      // cdk8s synth: the plain manifests as one file in its output folder, nothing else (lib/synth/cdk8s-output.ts).
      const manifests = new Cdk8sManifests();
      synthesizeEach({ valuesDir, environments }, manifests.emit);
      await writeDirectoryInBackground(outDir, (write) => void write(CDK8S_MANIFEST_FILE, manifests.text()), { listing, beforeSwap: () => lock?.assertHeld() });
      if (!quiet) console.error(`synth: wrote ${displayPath(join(outDir, CDK8S_MANIFEST_FILE))} for cdk8s (npm run synth writes dist/)`);
      return 0;
    }
    const keep = [join('helm', 'packages')];
    const summary = quiet
      ? undefined
      : new OutputSummary(
          outDir,
          listing,
          keep.map((folder) => folder.split(sep).join('/')),
        );
    // Files are compared with dist/ as they are made; from the first difference on they are written
    // to a staging directory (a worker thread takes over for large outputs), and dist/ is replaced
    // only at the end (then the previous contents, moved aside, are removed). No difference: dist/
    // is not touched.
    const target = outDir;
    // What the previous synth proved of the output's files, so that most are not read again (lib/synth/output-record.ts).
    const outputRecordFile = recordFile(target, join(__dirname, '..'));
    const outputRecord = new OutputRecord(target, outputRecordFile);
    // The second core releases applications too (charts/platform.ts), from this compiled entry only
    // (build/main.js; not under a test runner's TypeScript), for values with enough applications to share.
    const entry = join(__dirname, 'main.js');
    const baseBytes = baseFileBytes(valuesDir);
    if (existsSync(entry) && worthAHelper(baseBytes)) {
      // Large values: the heaps of both threads grow more slowly (lib/synth/heap-growth.ts).
      limitHeapGrowthForLargeValues(baseBytes);
      helper = new HelperThread(entry, APPLICATIONS_HELPER, { valuesDir, environments, compareWith: target, recordFile: outputRecordFile } satisfies ApplicationsHelperSettings);
    }
    // Stage times (SYNTH_STAGE_TIMES=1, for npm run bench): what the stages inside do not take is the writer's.
    await stageAsync('comparing and writing', () =>
      writeDirectoryInBackground(
        target,
        async (unstagedWrite) => {
          const write = (path: string, content: string, knownUnchanged?: boolean) => stage('comparing and writing', () => unstagedWrite(path, content, knownUnchanged));
          const record = summary?.record;
          const pictures = stage('other', () =>
            synthesizeEach(
              { valuesDir, environments },
              (path, content, knownUnchanged, proof) => {
                // What the helper thread proved of a file, for the next synth's record.
                if (proof !== undefined) outputRecord.add(path, proof);
                // The writer compares with the previous file first; the summary reads it only when neither the
                // writer nor the helper thread did (a file the helper found unchanged comes without its content).
                const unchanged = write(path, content, knownUnchanged) || knownUnchanged === true;
                if (record) stage('summary', () => record(path, content, unchanged));
              },
              helper,
            ),
          );
          helper?.stop();
          helper = undefined;
          // Drawn after the rest (Graphviz is asynchronous); an unchanged picture is taken from the output as it is.
          const svgs = await stageAsync('pictures', () =>
            renderSvgs(
              pictures.map((p) => p.dot),
              (i) => readIfFile(join(target, pictures[i].path)),
            ),
          );
          // Written whatever is printed (--quiet): the summary only sees what the writer did.
          for (const [i, picture] of pictures.entries()) {
            const unchanged = write(picture.path, svgs[i]);
            summary?.record(picture.path, svgs[i], unchanged);
          }
        },
        { keep, listing, beforeSwap: () => lock?.assertHeld(), onLeftover, record: outputRecord },
      ),
    );
    if (summary) for (const line of stage('summary', () => summary.lines(process.cwd()))) console.log(line);
    reportStageTimes();
    return 0;
  } catch (error) {
    if (error instanceof ValuesError) {
      for (const line of error.message.split('\n')) console.error(line);
      console.error(`synth: ${error.problems.length} problem(s) in the values; ${displayFolder(outDir ?? 'dist')} was not changed`);
      return 1;
    }
    if (error instanceof OutputAccessError || error instanceof OutputLockError) {
      console.error(`synth: ${error.message}`);
      return 1;
    }
    console.error(`synth: ${(error as Error).message}`);
    return 1;
  } finally {
    helper?.stop();
    lock?.release();
  }
}

if (!isMainThread && (workerData as HelperData<unknown> | undefined)?.role === APPLICATIONS_HELPER) serveApplications(workerData);
else
  void runCommand(SYNTH_COMMAND, process.argv.slice(2), (parsed) => synth(synthCommand(parsed, process.cwd(), process.env))).then((code) => {
    process.exitCode = code;
    // Done: exit now rather than when the event loop has drained, which waits for V8's background
    // work (about 10 ms). Only once stdout and stderr hold nothing unwritten.
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  });
