/**
 * Which training timesteps a sampler visits for a given number of steps, with diffusers'
 * `timestep_spacing` names (see "Common Diffusion Noise Schedules and Sample Steps are Flawed",
 * Lin et al. 2023, for why 'trailing' starts at the last training step and 'leading' does not).
 */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

export interface TimestepPlan {
  readonly trainTimesteps: number;
  readonly steps: number;
  readonly spacing: TimestepSpacing;
  /** added to 'leading' timesteps (Stable Diffusion 1.x uses 1) */
  readonly stepsOffset: number;
  /** DDIM indexes ᾱ, so it rounds; Euler interpolates σ, so diffusers keeps linspace's fractions */
  readonly integral: boolean;
}

/** numpy's rounding, which the reference schedules use: halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Timesteps from noisiest to cleanest. */
export function spacedTimesteps(plan: TimestepPlan): number[] {
  const { trainTimesteps, steps, spacing, stepsOffset } = plan;
  if (!Number.isInteger(steps) || steps < 1 || steps > trainTimesteps) {
    throw new RangeError(`steps must be an integer from 1 to ${trainTimesteps}, got ${steps}`);
  }
  const ascending: number[] = [];
  switch (spacing) {
    case 'linspace': {
      const stride = steps === 1 ? 0 : (trainTimesteps - 1) / (steps - 1);
      for (let i = 0; i < steps; i++) {
        const value = i === steps - 1 ? trainTimesteps - 1 : i * stride;
        ascending.push(plan.integral ? roundHalfEven(value) : value);
      }
      break;
    }
    case 'leading': {
      const stride = Math.floor(trainTimesteps / steps);
      for (let i = 0; i < steps; i++) ascending.push(i * stride + stepsOffset);
      break;
    }
    case 'trailing': {
      const stride = trainTimesteps / steps;
      for (let i = steps - 1; i >= 0; i--) ascending.push(roundHalfEven(trainTimesteps - i * stride) - 1);
      break;
    }
  }
  const outside = ascending.find((t) => t < 0 || t > trainTimesteps - 1);
  if (outside !== undefined) {
    throw new RangeError(`timestep ${outside} lies outside the ${trainTimesteps} training timesteps (steps ${steps}, offset ${stepsOffset})`);
  }
  return ascending.reverse();
}
