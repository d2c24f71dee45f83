/** How a detector's steps compare with the true ones: found within ±tolerance tokens, missed, false. */
export interface StepMatch {
  trueSteps: number[];
  foundSteps: number[];
  matched: number[];
  missed: number[];
  falseSteps: number[];
}

export function matchSteps(trueSteps: readonly number[], foundSteps: readonly number[], tolerance = 1): StepMatch {
  const near = (a: number, b: number) => Math.abs(a - b) <= tolerance;
  return {
    trueSteps: [...trueSteps],
    foundSteps: [...foundSteps],
    matched: trueSteps.filter((step) => foundSteps.some((found) => near(found, step))),
    missed: trueSteps.filter((step) => !foundSteps.some((found) => near(found, step))),
    falseSteps: foundSteps.filter((found) => !trueSteps.some((step) => near(found, step))),
  };
}
