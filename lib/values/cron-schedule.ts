/**
 * Cron schedules as Kubernetes reads a CronJob's `spec.schedule` (k8s.io/kubernetes/pkg/apis/batch/validation
 * validateScheduleFormat: github.com/robfig/cron/v3 `ParseStandard`) and as Velero reads a Schedule's
 * (velero pkg/controller/schedule_controller.go parseCronSchedule: the same parser). Five fields,
 * minute hour day-of-month month day-of-week, with the bounds of robfig/cron parser.go: minute 0-59,
 * hour 0-23, day of month 1-31, month 1-12 (or JAN-DEC), day of week 0-6 (or SUN-SAT; 7 is refused);
 * each field a comma-separated list of `*` or `?`, a number, or a range `a-b`, each optionally with a
 * step `/n` (`n` at least 1; `a/n` means `a-max/n`); a range must not end before it starts. Descriptors
 * (`@daily`, `@every 1h`) are read too. Kubernetes also refuses `TZ=` and `CRON_TZ=` in a schedule
 * (use `timeZone`).
 *
 * `cronScheduleProblem` is the TypeScript side; `cronScheduleGo` writes the same check as a Go template
 * for the charts, with the same words (the values schemas allow digits and `* , - /` only, so the Go
 * side needs no month or weekday names).
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1]));
const WEEKDAYS = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]));

/** robfig/cron parser.go: minutes, hours, dom, months, dow bounds. */
const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: WEEKDAYS },
];

/** robfig/cron ParseStandard's descriptors (parser.go parseDescriptor). */
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** A non-negative decimal (strconv.Atoi, without sign). */
const NUMBER = /^[0-9]+$/;

function parseValue(text: string, field: Field): number | string {
  const named = field.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!NUMBER.test(text)) return `"${text}" is not a number`;
  return Number(text);
}

/** The problem with one list item of a field (robfig/cron getRange), or undefined. */
function rangeProblem(item: string, field: Field): string | undefined {
  const rangeAndStep = item.split('/');
  if (rangeAndStep.length > 2) return `"${item}" has more than one "/"`;
  const lowAndHigh = rangeAndStep[0].split('-');
  if (lowAndHigh.length > 2) return `"${item}" has more than one "-"`;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    if (lowAndHigh.length > 1) return `"${item}": "*" cannot start a range`;
    start = field.min;
    end = field.max;
  } else {
    const low = parseValue(lowAndHigh[0], field);
    if (typeof low === 'string') return low;
    start = low;
    end = low;
    if (lowAndHigh.length === 2) {
      const high = parseValue(lowAndHigh[1], field);
      if (typeof high === 'string') return high;
      end = high;
    }
  }
  if (rangeAndStep.length === 2) {
    if (!NUMBER.test(rangeAndStep[1])) return `step "${rangeAndStep[1]}" is not a number`;
    if (Number(rangeAndStep[1]) === 0) return `step of "${item}" must be at least 1`;
    if (lowAndHigh.length === 1 && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = field.max;
  }
  if (start < field.min || end > field.max) return `${field.name} ${start < field.min ? start : end} is beyond ${field.min}-${field.max}`;
  if (start > end) return `range "${rangeAndStep[0]}" ends before it starts`;
  return undefined;
}

/**
 * Why Kubernetes (and Velero) would refuse `schedule`, or undefined when it parses. The message names
 * the field and the bound, e.g. `day of week 7 is beyond 0-6`.
 */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (/(^|\s)(CRON_)?TZ=/.test(schedule)) return 'TZ= and CRON_TZ= are not allowed in a schedule: set timeZone';
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    if (DESCRIPTORS.has(trimmed)) return undefined;
    return trimmed.startsWith('@every ') ? undefined : `unknown descriptor "${trimmed}"`;
  }
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (const [i, text] of fields.entries()) {
    for (const item of text.split(',')) {
      const problem = rangeProblem(item, FIELDS[i]);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** The message both sides give for a schedule `value` at `path`: `<path>: "<value>": <problem> (...)`. */
export const CRON_MESSAGE_TAIL = 'Kubernetes and Velero read five cron fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6';

/**
 * The same check as a Go template, for a schedule at `.Values.<valuesPath>` whose values path is
 * printed as `pathExpr` (a Go expression giving the path text). The values schemas allow only digits and
 * `* , - /` in five space-separated fields, so names and descriptors need no Go side. Fails with
 * `<path>: "<schedule>": <problem> (<CRON_MESSAGE_TAIL>)`.
 */
export function cronScheduleGo(scheduleExpr: string, pathExpr: string): string {
  const bounds = FIELDS.map((f) => `(list "${f.name}" ${f.min} ${f.max})`).join(' ');
  return `{{- $schedule := ${scheduleExpr} }}
{{- $path := ${pathExpr} }}
{{- $bounds := list ${bounds} }}
{{- range $i, $text := splitList " " $schedule }}
{{- $field := index $bounds $i }}
{{- $name := index $field 0 }}{{- $min := index $field 1 }}{{- $max := index $field 2 }}
{{- range $item := splitList "," $text }}
{{- $problem := "" }}
{{- $rangeAndStep := splitList "/" $item }}
{{- $lowAndHigh := splitList "-" (first $rangeAndStep) }}
{{- $start := $min }}{{- $end := $max }}
{{- if gt (len $rangeAndStep) 2 }}{{- $problem = printf "%q has more than one \\"/\\"" $item }}
{{- else if gt (len $lowAndHigh) 2 }}{{- $problem = printf "%q has more than one \\"-\\"" $item }}
{{- else if eq (first $lowAndHigh) "*" }}
{{- if gt (len $lowAndHigh) 1 }}{{- $problem = printf "%q: \\"*\\" cannot start a range" $item }}{{- end }}
{{- else if not (regexMatch "^[0-9]+$" (first $lowAndHigh)) }}{{- $problem = printf "%q is not a number" (first $lowAndHigh) }}
{{- else }}
{{- $start = atoi (first $lowAndHigh) }}{{- $end = $start }}
{{- if eq (len $lowAndHigh) 2 }}
{{- if not (regexMatch "^[0-9]+$" (last $lowAndHigh)) }}{{- $problem = printf "%q is not a number" (last $lowAndHigh) }}{{- else }}{{- $end = atoi (last $lowAndHigh) }}{{- end }}
{{- end }}
{{- end }}
{{- if and (not $problem) (eq (len $rangeAndStep) 2) }}
{{- $step := last $rangeAndStep }}
{{- if not (regexMatch "^[0-9]+$" $step) }}{{- $problem = printf "step %q is not a number" $step }}
{{- else if eq (atoi $step) 0 }}{{- $problem = printf "step of %q must be at least 1" $item }}
{{- else if and (eq (len $lowAndHigh) 1) (ne (first $lowAndHigh) "*") }}{{- $end = $max }}
{{- end }}
{{- end }}
{{- if and (not $problem) (or (lt $start $min) (gt $end $max)) }}{{- $problem = printf "%s %d is beyond %d-%d" $name (ternary $start $end (lt $start $min)) $min $max }}{{- end }}
{{- if and (not $problem) (gt $start $end) }}{{- $problem = printf "range %q ends before it starts" (first $rangeAndStep) }}{{- end }}
{{- if $problem }}
{{- fail (printf "%s: %q: %s (${CRON_MESSAGE_TAIL})" $path $schedule $problem) }}
{{- end }}
{{- end }}
{{- end }}`;
}
