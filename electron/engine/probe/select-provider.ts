import { UserError } from '../errors.js';
import type { ExecutionProvider, ExecutionProviderChoice } from '../measure/execution-providers.js';
import { bestProvider, probeProviders } from './probe.js';
import type { ProviderStatus } from './providers.js';

export interface ProviderSelection {
  ep: ExecutionProvider;
  /** what the user should know about the choice, e.g. "webgpu does not work here: …; using cpu" */
  notes: string[];
  statuses: ProviderStatus[];
}

/**
 * `auto` takes the first provider that works in preference order. A named provider that does not
 * work stops with its reason, unless `fallback` allows the best working one instead.
 */
export async function selectProvider(
  choice: ExecutionProviderChoice,
  fallback: boolean,
  probed?: ProviderStatus[],
): Promise<ProviderSelection> {
  const statuses = probed ?? (await probeProviders());
  if (choice === 'auto') {
    const ep = bestProvider(statuses);
    const skipped = statuses.filter((status) => !status.works && status.ep !== ep && preferredOver(statuses, status.ep, ep));
    return { ep, statuses, notes: skipped.map((status) => `${status.ep} does not work here: ${status.error}`) };
  }
  const wanted = statuses.find((status) => status.ep === choice);
  if (!wanted) {
    throw new UserError('ep-unavailable', `the ${choice} provider does not exist on ${process.platform}`, `use --ep auto or one of: ${statuses.map((s) => s.ep).join(', ')}`);
  }
  if (wanted.works) return { ep: choice, statuses, notes: [] };
  if (!fallback) {
    throw new UserError('ep-unavailable', `the ${choice} provider does not work here: ${wanted.error}`, `${wanted.fix ?? ''}; or add --fallback to use the best provider that works`.replace(/^; /, ''));
  }
  const ep = bestProvider(statuses);
  return { ep, statuses, notes: [`${choice} does not work here (${wanted.error}); falling back to ${ep}`] };
}

function preferredOver(statuses: readonly ProviderStatus[], a: ExecutionProvider, b: ExecutionProvider): boolean {
  const order = statuses.map((status) => status.ep);
  return order.indexOf(a) < order.indexOf(b);
}
