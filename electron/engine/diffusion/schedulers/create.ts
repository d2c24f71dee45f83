import { createDdimSampler } from './ddim.js';
import { createEulerSampler } from './euler.js';
import type { Sampler, SamplerName, SchedulerConfig } from './sampler.js';

export function createSampler(name: SamplerName, config: SchedulerConfig, steps: number): Sampler {
  switch (name) {
    case 'ddim':
      return createDdimSampler(config, steps);
    case 'euler':
      return createEulerSampler(config, steps);
  }
}
