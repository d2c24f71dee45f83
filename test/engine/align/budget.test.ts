import { describe, expect, it } from 'vitest';
import { budgetDecision, checkBudget, createBudgetTracker } from '../../../electron/engine/align/budget.js';
import { userErrorOf } from '../../helpers/errors.js';

const at = (generations: number, evaluations: number, elapsedMs = 0) => ({ generations, evaluations, elapsedMs });

describe('budget decisions', () => {
  it('stops after the given number of generations', () => {
    expect(budgetDecision({ generations: 3 }, at(2, 64), { evaluations: 24 })).toEqual({ stop: false });
    expect(budgetDecision({ generations: 3 }, at(3, 88), { evaluations: 24 })).toMatchObject({ stop: true, limit: 'generations' });
  });

  it('never starts a generation that would exceed the image budget', () => {
    // CoSyNE: 16 + 24·T. With 100 images: 16, 40, 64, 88 fit; a fifth generation would reach 112.
    expect(budgetDecision({ evaluations: 100 }, at(3, 64), { evaluations: 24 })).toEqual({ stop: false });
    const decision = budgetDecision({ evaluations: 100 }, at(4, 88), { evaluations: 24 });
    expect(decision).toMatchObject({ stop: true, limit: 'evaluations' });
    expect(decision.stop && decision.reason).toBe('evaluated 88 of 100 images; the next generation needs 24');
    expect(budgetDecision({ evaluations: 88 }, at(3, 64), { evaluations: 24 })).toEqual({ stop: false });
  });

  it('stops when time is up, or when the next generation is expected to overrun', () => {
    expect(budgetDecision({ seconds: 60 }, at(5, 0, 59_000), { evaluations: 24 })).toEqual({ stop: false });
    expect(budgetDecision({ seconds: 60 }, at(5, 0, 60_000), { evaluations: 24 })).toMatchObject({ stop: true, limit: 'time' });
    expect(budgetDecision({ seconds: 60 }, at(5, 0, 45_000), { evaluations: 24, expectedMs: 20_000 })).toMatchObject({ stop: true, limit: 'time' });
    expect(budgetDecision({ seconds: 60 }, at(5, 0, 35_000), { evaluations: 24, expectedMs: 20_000 })).toEqual({ stop: false });
  });

  it('stops at whichever limit comes first', () => {
    const budget = { generations: 50, evaluations: 1000, seconds: 600 };
    expect(budgetDecision(budget, at(10, 990, 1000), { evaluations: 24 })).toMatchObject({ limit: 'evaluations' });
    expect(budgetDecision(budget, at(50, 10, 1000), { evaluations: 24 })).toMatchObject({ limit: 'generations' });
  });
});

describe('checkBudget', () => {
  it('needs at least one limit', () => {
    const error = userErrorOf(() => checkBudget({}));
    expect(error.message).toBe('the alignment run has no budget');
    expect(error.fix).toContain('--steps');
  });

  it('names the bad flag', () => {
    expect(userErrorOf(() => checkBudget({ generations: 2.5 })).message).toBe('--steps 2.5 is not a positive integer');
    expect(userErrorOf(() => checkBudget({ seconds: -1 })).message).toBe('--time -1 is not a positive number');
    expect(checkBudget({ seconds: 0.5 })).toEqual({ seconds: 0.5 });
  });

  it('refuses an image budget smaller than the first generation', () => {
    const error = userErrorOf(() => checkBudget({ evaluations: 10 }, 16));
    expect(error.message).toBe("--images 10 is fewer than the first generation's 16 images");
    expect(error.fix).toBe('give --images 16 or more, or a smaller --pop');
  });
});

describe('budget tracker', () => {
  it('counts generations and images and uses the last generation’s duration', () => {
    let now = 1000;
    const tracker = createBudgetTracker({ seconds: 10 }, { now: () => now });
    expect(tracker.decision(16)).toEqual({ stop: false });
    now += 4000;
    tracker.recordGeneration(16);
    expect(tracker.progress()).toEqual({ generations: 1, evaluations: 16, elapsedMs: 4000 });
    expect(tracker.decision(24)).toEqual({ stop: false });
    now += 4000;
    tracker.recordGeneration(24);
    // 8 s spent, the last generation took 4 s: another would end at 12 s
    expect(tracker.decision(24)).toMatchObject({ stop: true, limit: 'time' });
  });

  it('resumes from saved progress', () => {
    const now = 0;
    const tracker = createBudgetTracker({ evaluations: 100 }, { now: () => now, resumeFrom: at(4, 88, 5000) });
    expect(tracker.progress()).toEqual(at(4, 88, 5000));
    expect(tracker.decision(24)).toMatchObject({ stop: true });
  });
});
