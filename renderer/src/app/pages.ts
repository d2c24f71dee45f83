import type { ApiFunction } from '../../../electron/api/contract';

export type PageId = 'device' | 'sweep' | 'schedule' | 'models' | 'align' | 'runs';

export interface PageDefinition {
  id: PageId;
  title: string;
  /** the page is shown only when the engine offers every one of these (getInfo().functions) */
  requires: readonly ApiFunction[];
}

/** In the order of the jobs users come for: know the device, sweep, schedule, compare models, align images; then browse. */
export const PAGES: readonly PageDefinition[] = [
  { id: 'device', title: 'Device', requires: ['probe'] },
  { id: 'sweep', title: 'Sweep', requires: ['startSweep', 'cancelJob', 'listJobs', 'listModels', 'getRun', 'readRunFile'] },
  { id: 'schedule', title: 'Schedule', requires: ['createSchedule', 'listRuns', 'getRun'] },
  { id: 'models', title: 'Models', requires: ['listModels'] },
  { id: 'align', title: 'Align', requires: ['listAlignOptions', 'startAlign', 'cancelJob', 'listJobs', 'getRun', 'readRunFile'] },
  { id: 'runs', title: 'Runs', requires: ['listRuns', 'getRun', 'readRunFile', 'deleteRun'] },
];

/** A page for a feature this engine does not have is hidden, never shown empty. */
export function availablePages(functions: readonly string[], pages: readonly PageDefinition[] = PAGES): PageDefinition[] {
  const offered = new Set(functions);
  return pages.filter((page) => page.requires.every((name) => offered.has(name)));
}

export interface Route {
  page: PageId;
  /** what the page opens, e.g. a run id */
  param?: string;
}

/** Pages live in the hash (#runs/<runId>) so a reload or a link lands on the same page. */
export function parseRoute(hash: string, pages: readonly PageDefinition[]): Route | undefined {
  const [id, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const page = pages.find((candidate) => candidate.id === id);
  if (!page) return undefined;
  const param = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  return param ? { page: page.id, param } : { page: page.id };
}

export function routeHash(route: Route): string {
  return `#${route.page}${route.param ? `/${encodeURIComponent(route.param)}` : ''}`;
}
