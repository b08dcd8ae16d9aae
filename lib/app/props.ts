import type { Refs } from '../template/manifest';
import type { AppValues } from '../values/schema';

/** What every application construct receives: references into the chart's values. */
export interface AppObjectProps {
  readonly values: Refs<AppValues>;
}
