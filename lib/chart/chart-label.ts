/**
 * The value of the `helm.sh/chart` label, `<chart>-<version>` with `+` as `_`, at most 63 characters
 * (Helm's convention, as `helm create` writes it): the `<chart>.chart` named template of every chart's
 * _helpers.tpl in Go, computed the same way in JavaScript.
 */
import { Include } from '../template/expr';

export const chartLabel = new Include('chart', (s) => `${s.chart.name}-${s.chart.version}`.replace(/\+/g, '_').slice(0, 63).replace(/-+$/, ''));
