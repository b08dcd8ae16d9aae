// A/B comparison of commands, interleaved so that drift of the machine hits every variant alike:
//   node bench/compare.mjs [--runs N] 'node build/main.js --out /tmp/a' 'node other.js --out /tmp/b'
// Each argument is split on spaces (no shell). Prints median, min, max and peak memory per command.
import { median, round, runOnce } from './measure.mjs';

const argv = process.argv.slice(2);
let runs = 15;
if (argv[0] === '--runs') {
  runs = Number(argv[1]);
  argv.splice(0, 2);
}
const commands = argv.map((text) => text.split(' ').filter(Boolean));
for (const [command, ...args] of commands) runOnce(command, args); // warm-up
const samples = commands.map(() => []);
for (let i = 0; i < runs; i += 1) {
  commands.forEach(([command, ...args], j) => {
    samples[j].push(runOnce(command, args));
  });
}
commands.forEach((command, j) => {
  const times = samples[j].map((s) => s.ms);
  const peak = Math.max(...samples[j].map((s) => s.peakMB ?? 0));
  const cpu = samples[j].reduce((sum, s) => sum + (s.cpuMs ?? 0), 0) / runs;
  console.log(
    `${String(round(median(times))).padStart(7)} ms median  ${String(round(Math.min(...times))).padStart(7)} min  ${String(round(Math.max(...times))).padStart(7)} max  ${String(round(peak)).padStart(6)} MB ${String(round(cpu)).padStart(6)} ms cpu (mean)  ${command.join(' ')}`,
  );
});
