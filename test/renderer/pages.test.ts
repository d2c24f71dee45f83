import { describe, expect, it } from 'vitest';
import { API_FUNCTIONS } from '../../electron/api/contract';
import { PAGES, availablePages, parseRoute, routeHash } from '../../renderer/src/app/pages';

describe('pages', () => {
  it('shows every page when the engine offers the whole contract', () => {
    expect(availablePages(API_FUNCTIONS).map((page) => page.id)).toEqual(['device', 'sweep', 'schedule', 'models', 'align', 'runs']);
  });

  it('hides a page whose functions the engine does not offer', () => {
    const withoutSchedules = API_FUNCTIONS.filter((name) => name !== 'createSchedule');
    expect(availablePages(withoutSchedules).map((page) => page.id)).not.toContain('schedule');
    expect(availablePages(['getInfo', 'listModels']).map((page) => page.id)).toEqual(['models']);
    // An engine without alignment shows no Align page, rather than one that cannot run.
    expect(availablePages(API_FUNCTIONS.filter((name) => name !== 'startAlign')).map((page) => page.id)).not.toContain('align');
  });

  it('asks only for functions the contract has', () => {
    for (const page of PAGES) for (const name of page.requires) expect(API_FUNCTIONS).toContain(name);
  });

  it('keeps the page and what it opens in the hash, run ids included', () => {
    const route = { page: 'runs' as const, param: '20261126-203341-sweep-vit-ti16' };
    expect(routeHash(route)).toBe('#runs/20261126-203341-sweep-vit-ti16');
    expect(parseRoute(routeHash(route), PAGES)).toEqual(route);
    expect(parseRoute('#sweep', PAGES)).toEqual({ page: 'sweep' });
    expect(parseRoute('#/models', PAGES)).toEqual({ page: 'models' });
    expect(parseRoute('#align', PAGES)).toEqual({ page: 'align' });
    expect(parseRoute('#nowhere', PAGES)).toBeUndefined();
    expect(parseRoute('', PAGES)).toBeUndefined();
  });
});
