// Feature standardisation: z = (x − mean) / scale, with the population standard deviation as
// the scale, as scikit-learn's StandardScaler does. The scaler is stored in the model so that
// serving applies exactly what training saw.
import type { Scaler } from "./artifact-schema.ts";

/**
 * Column means and population standard deviations of a row-major n×d matrix (two-pass
 * algorithm, Chan, Golub & LeVeque 1983). A zero-variance column gets scale 1, like StandardScaler.
 */
export function fitScaler(x: Float64Array, d: number): Scaler {
  const n = x.length / d;
  const mean = new Float64Array(d);
  const squares = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const deviation = x[i * d + j] - mean[j];
      squares[j] += deviation * deviation;
    }
  }
  const scale = Array.from(squares, (sum) => {
    const std = Math.sqrt(sum / n);
    return std > 0 ? std : 1;
  });
  return { mean: Array.from(mean), scale };
}

/** The scaler that leaves features as they are (training without standardisation). */
export function identityScaler(d: number): Scaler {
  return { mean: new Array<number>(d).fill(0), scale: new Array<number>(d).fill(1) };
}

/** A standardised copy of a row-major matrix; the input is left untouched. */
export function applyScaler(x: Float64Array, scaler: Scaler): Float64Array {
  const d = scaler.mean.length;
  const out = new Float64Array(x.length);
  const inverse = scaler.scale.map((s) => 1 / s);
  for (let k = 0; k < x.length; k += d) {
    for (let j = 0; j < d; j++) out[k + j] = (x[k + j] - scaler.mean[j]) * inverse[j];
  }
  return out;
}
