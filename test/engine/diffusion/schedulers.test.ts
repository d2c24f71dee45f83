import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { applyClassifierFreeGuidance } from '../../../electron/engine/diffusion/guidance.js';
import { createDdimSampler } from '../../../electron/engine/diffusion/schedulers/ddim.js';
import { parseDiffusersScheduler } from '../../../electron/engine/diffusion/schedulers/diffusers-config.js';
import { createEulerSampler } from '../../../electron/engine/diffusion/schedulers/euler.js';
import { alphasCumprod, betas } from '../../../electron/engine/diffusion/schedulers/noise-schedule.js';
import type { PredictionType, Sampler, SchedulerConfig } from '../../../electron/engine/diffusion/schedulers/sampler.js';
import { roundHalfEven, spacedTimesteps } from '../../../electron/engine/diffusion/schedulers/timesteps.js';
import { createRng } from '../../../electron/engine/util/rng.js';

/** Stable Diffusion 1.5's schedule, as its scheduler_config.json gives it. */
const sd15: SchedulerConfig = {
  trainTimesteps: 1000,
  betaSchedule: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  trainedBetas: null,
  predictionType: 'epsilon',
  stepsOffset: 1,
  setAlphaToOne: false,
  clipRange: null,
  useClippedModelOutput: false,
  useKarrasSigmas: false,
};

function normals(seed: number, count: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}

const x0 = normals(1, 64).map((value) => Math.tanh(value));
const noise = normals(2, 64);

function noised(alphaBar: number): Float32Array {
  return x0.map((value, i) => Math.sqrt(alphaBar) * value + Math.sqrt(1 - alphaBar) * noise[i]);
}

/** A model that knows x₀ and ε and predicts what `predictionType` asks for, at noise level ᾱ. */
function oracle(predictionType: PredictionType, alphaBar: number): Float32Array {
  switch (predictionType) {
    case 'epsilon':
      return noise;
    case 'v_prediction':
      return noise.map((eps, i) => Math.sqrt(alphaBar) * eps - Math.sqrt(1 - alphaBar) * x0[i]);
    case 'sample':
      return x0;
  }
}

function run(sampler: Sampler, start: Float32Array, predict: (input: Float32Array, stepIndex: number) => Float32Array): Float32Array {
  let sample = start;
  sampler.timesteps.forEach((_, stepIndex) => {
    sample = sampler.step(predict(sampler.scaleModelInput(sample, stepIndex), stepIndex), stepIndex, sample);
  });
  return sample;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);
}

describe('noise schedules', () => {
  it('follow diffusers: linear in β, linear in √β (scaled_linear), capped cosine', () => {
    const linear = betas({ ...sd15, betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02 });
    expect(linear[0]).toBeCloseTo(0.0001, 12);
    expect(linear[999]).toBeCloseTo(0.02, 12);
    expect(linear[500] - linear[499]).toBeCloseTo((0.02 - 0.0001) / 999, 12);
    const scaled = betas(sd15);
    expect(scaled[0]).toBeCloseTo(0.00085, 12);
    expect(scaled[999]).toBeCloseTo(0.012, 12);
    expect(Math.sqrt(scaled[500]) - Math.sqrt(scaled[499])).toBeCloseTo((Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999, 12);
    const cosine = betas({ ...sd15, betaSchedule: 'squaredcos_cap_v2' });
    expect(Math.max(...cosine)).toBe(0.999);
    const alphaBars = alphasCumprod(sd15);
    expect(alphaBars.every((value, t) => t === 0 || value < alphaBars[t - 1])).toBe(true);
  });

  it('use trained betas when the config lists them', () => {
    const trained = Array.from({ length: 10 }, (_, t) => 0.01 * (t + 1));
    expect([...betas({ ...sd15, trainTimesteps: 10, trainedBetas: trained })]).toEqual(trained);
  });
});

describe('timestep spacing', () => {
  it("matches diffusers for Stable Diffusion's 'leading' spacing with steps_offset 1", () => {
    const timesteps = spacedTimesteps({ trainTimesteps: 1000, steps: 50, spacing: 'leading', stepsOffset: 1, integral: true });
    expect(timesteps.slice(0, 3)).toEqual([981, 961, 941]);
    expect(timesteps.at(-1)).toBe(1);
    expect(timesteps).toHaveLength(50);
  });

  it("starts 'trailing' at the last training step and rounds halves to even, as numpy does", () => {
    expect(spacedTimesteps({ trainTimesteps: 1000, steps: 3, spacing: 'trailing', stepsOffset: 0, integral: true })).toEqual([999, 666, 332]);
    expect(spacedTimesteps({ trainTimesteps: 1000, steps: 20, spacing: 'trailing', stepsOffset: 0, integral: true }).slice(0, 3)).toEqual([999, 949, 899]);
    // 1000 − k·62.5 lands on halves: 937.5 → 938, 812.5 → 812
    expect(spacedTimesteps({ trainTimesteps: 1000, steps: 16, spacing: 'trailing', stepsOffset: 0, integral: true }).slice(0, 4)).toEqual([999, 937, 874, 811]);
  });

  it("keeps 'linspace' fractions for Euler and rounds them for DDIM", () => {
    expect(spacedTimesteps({ trainTimesteps: 1000, steps: 3, spacing: 'linspace', stepsOffset: 0, integral: false })).toEqual([999, 499.5, 0]);
    expect(spacedTimesteps({ trainTimesteps: 1000, steps: 3, spacing: 'linspace', stepsOffset: 0, integral: true })).toEqual([999, 500, 0]);
  });

  it('rejects plans outside the training timesteps', () => {
    expect(() => spacedTimesteps({ trainTimesteps: 10, steps: 11, spacing: 'leading', stepsOffset: 0, integral: true })).toThrow(RangeError);
    expect(() => spacedTimesteps({ trainTimesteps: 10, steps: 10, spacing: 'leading', stepsOffset: 1, integral: true })).toThrow(/outside/);
  });

  it('rounds halves to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 0, 2, 3]);
  });
});

describe('DDIM (η = 0)', () => {
  for (const predictionType of ['epsilon', 'v_prediction', 'sample'] as const) {
    it(`recovers x₀ when the model predicts the true ${predictionType}`, () => {
      const config = { ...sd15, predictionType, setAlphaToOne: true, timestepSpacing: 'trailing' as const };
      const sampler = createDdimSampler(config, 10);
      const alphaBars = alphasCumprod(config);
      const start = noised(alphaBars[sampler.timesteps[0]]);
      const final = run(sampler, start, (_, stepIndex) => oracle(predictionType, alphaBars[sampler.timesteps[stepIndex]]));
      expect(maxDifference(final, x0)).toBeLessThan(2e-5);
    });
  }

  it("stays on the noising path: without set_alpha_to_one the last step lands on ᾱ₀ (Stable Diffusion's choice)", () => {
    const sampler = createDdimSampler(sd15, 20);
    const alphaBars = alphasCumprod(sd15);
    const final = run(sampler, noised(alphaBars[sampler.timesteps[0]]), () => noise);
    expect(maxDifference(final, noised(alphaBars[0]))).toBeLessThan(2e-5);
  });

  it('clamps x₀ estimates into the clip range', () => {
    const sampler = createDdimSampler({ ...sd15, setAlphaToOne: true, clipRange: [-0.25, 0.25] }, 5);
    const alphaBars = alphasCumprod(sd15);
    const final = run(sampler, noised(alphaBars[sampler.timesteps[0]]), () => noise);
    expect(Math.max(...final.map(Math.abs))).toBeLessThanOrEqual(0.25 + 1e-6);
  });
});

describe('Euler (discrete)', () => {
  it('has a σ schedule that falls monotonically to 0, starting at SD 1.5’s σ_max', () => {
    const sampler = createEulerSampler(sd15, 30);
    const { sigmas } = sampler;
    expect(sigmas).toHaveLength(31);
    expect(sigmas.every((sigma, i) => i === 0 || sigma < sigmas[i - 1])).toBe(true);
    expect(sigmas.at(-1)).toBe(0);
    expect(sigmas[0]).toBeCloseTo(14.6146, 3);
    expect(sampler.initNoiseSigma).toBe(sigmas[0]);
    expect(createEulerSampler({ ...sd15, timestepSpacing: 'leading' }, 30).initNoiseSigma).toBeCloseTo(
      Math.sqrt(createEulerSampler({ ...sd15, timestepSpacing: 'leading' }, 30).sigmas[0] ** 2 + 1),
      12,
    );
  });

  for (const predictionType of ['epsilon', 'v_prediction'] as const) {
    it(`shows the model unit-variance input and recovers x₀ from the true ${predictionType}`, () => {
      const config = { ...sd15, predictionType, timestepSpacing: 'trailing' as const };
      const sampler = createEulerSampler(config, 12);
      const alphaBars = alphasCumprod(config);
      const start = x0.map((value, i) => value + sampler.sigmas[0] * noise[i]);
      const final = run(sampler, start, (modelInput, stepIndex) => {
        const alphaBar = alphaBars[sampler.timesteps[stepIndex]];
        expect(maxDifference(modelInput, noised(alphaBar))).toBeLessThan(1e-5);
        return oracle(predictionType, alphaBar);
      });
      expect(maxDifference(final, x0)).toBeLessThan(2e-5);
    });
  }

  it('refuses Karras sigmas rather than ignoring them', () => {
    expect(() => createEulerSampler({ ...sd15, useKarrasSigmas: true }, 10)).toThrow(UserError);
  });
});

describe('classifier-free guidance', () => {
  it('is the conditional output at scale 1 and the unconditional one at scale 0', () => {
    const unconditional = normals(3, 16);
    const conditional = normals(4, 16);
    const both = new Float32Array([...unconditional, ...conditional]);
    expect(applyClassifierFreeGuidance(both, 1)).toEqual(conditional);
    expect(applyClassifierFreeGuidance(both, 0)).toEqual(unconditional);
    const guided = applyClassifierFreeGuidance(both, 7.5);
    expect(guided[3]).toBeCloseTo(unconditional[3] + 7.5 * (conditional[3] - unconditional[3]), 5);
  });
});

describe("diffusers' scheduler_config.json", () => {
  const file = { path: '/sd/scheduler/scheduler_config.json', label: 'scheduler/scheduler_config.json', fix: 'fix' };

  it("reads Stable Diffusion 1.5's config and fills DDIM's defaults", () => {
    const parsed = parseDiffusersScheduler(
      { _class_name: 'PNDMScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, num_train_timesteps: 1000, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, trained_betas: null, clip_sample: false },
      file,
    );
    expect(parsed.defaultSampler).toBe('ddim');
    expect(parsed.config).toEqual(sd15);
    expect(parseDiffusersScheduler({ _class_name: 'EulerDiscreteScheduler', prediction_type: 'v_prediction', timestep_spacing: 'trailing' }, file)).toMatchObject({
      defaultSampler: 'euler',
      config: { predictionType: 'v_prediction', timestepSpacing: 'trailing', clipRange: [-1, 1], setAlphaToOne: true },
    });
  });

  it('names what it cannot do', () => {
    const error = (() => {
      try {
        parseDiffusersScheduler({ thresholding: true }, file);
      } catch (caught) {
        return caught as UserError;
      }
      throw new Error('expected a UserError');
    })();
    expect(error.code).toBe('scheduler-unsupported');
    expect(error.message).toContain('thresholding');
    expect(() => parseDiffusersScheduler({ beta_schedule: 'sigmoid' }, file)).toThrow(/scheduler\/scheduler_config.json is not valid/);
  });
});

describe('DDIM with late stochastic steps (noise frozen per run)', () => {
  const pixelSpace: SchedulerConfig = {
    ...sd15,
    betaSchedule: 'linear',
    betaStart: 0.0001,
    betaEnd: 0.02,
    timestepSpacing: 'trailing',
    stepsOffset: 0,
    setAlphaToOne: true,
    clipRange: [-1, 1],
    useClippedModelOutput: true,
  };
  const late = { eta: 1, belowTimestep: 300, seed: 12345, imageLength: 32 };
  /** A model that is wrong in a fixed way: it always predicts the same, slightly off noise. */
  const predict = (input: Float32Array) => input.map((value, i) => 0.8 * value + 0.05 * Math.sin(i % 32));

  it('matches plain DDIM on the early steps and injects σ·z on the late ones only', () => {
    const plain = createDdimSampler(pixelSpace, 20);
    const stochastic = createDdimSampler({ ...pixelSpace, lateStochasticity: late }, 20);
    const start = normals(5, 32);
    const lateSteps = plain.timesteps.map((timestep, index) => ({ timestep, index })).filter(({ timestep }) => timestep < 300);
    expect(lateSteps.length).toBeGreaterThan(0);
    const firstLate = lateSteps[0].index;
    const earlyIndex = firstLate - 1;
    expect(maxDifference(plain.step(predict(start), earlyIndex, start), stochastic.step(predict(start), earlyIndex, start))).toBe(0);
    expect(maxDifference(plain.step(predict(start), firstLate, start), stochastic.step(predict(start), firstLate, start))).toBeGreaterThan(1e-3);
  });

  it('keeps the image a deterministic function of its initial noise, with one frozen draw shared by a batch', () => {
    const sampler = createDdimSampler({ ...pixelSpace, lateStochasticity: late }, 20);
    const again = createDdimSampler({ ...pixelSpace, lateStochasticity: late }, 20);
    const image = normals(6, 32);
    const alone = run(sampler, image, predict);
    expect(maxDifference(alone, run(again, image, predict))).toBe(0);
    const batch = new Float32Array(64);
    batch.set(normals(7, 32));
    batch.set(image, 32);
    const inBatch = run(sampler, batch, predict).subarray(32);
    expect(maxDifference(alone, inBatch)).toBe(0);
    const otherSeed = run(createDdimSampler({ ...pixelSpace, lateStochasticity: { ...late, seed: 1 } }, 20), image, predict);
    expect(maxDifference(alone, otherSeed)).toBeGreaterThan(0);
  });
});
