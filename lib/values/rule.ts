/**
 * One cross-field rule of the application values, written twice side by side (lib/values/app-rules.ts
 * explains how both sides are used and tested).
 */
import type { AppValues } from './schema';

type Report = (path: (string | number)[], message: string) => void;

/** What a rule knows besides the values: the release they belong to (synth releases each application under its name). */
export interface RuleContext {
  /** The application container's name (the chart name, or nameOverride: `<chart>.name`). */
  readonly containerName: string;
  /** The full name the objects are named from (`<chart>.fullname`, lib/app/names.ts). */
  readonly fullname: string;
}

export interface AppRule {
  /** Reports every violation in `v`. */
  readonly check: (v: AppValues, report: Report, context: RuleContext) => void;
  /** The same rule as Go template text, failing with `<path>: <message>`; `C` is the chart name. */
  readonly go: string;
}
