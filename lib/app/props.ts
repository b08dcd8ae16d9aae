import { Refs } from '../template/manifest';
import { AppValues } from '../values/schema';

/** What every application construct receives: references into the chart's values. */
export interface AppObjectProps {
  readonly values: Refs<AppValues>;
}
