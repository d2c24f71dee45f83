import { toSeries, type ChartPlateau, type ChartPoint, type ChartPredictedStep, type ChartStep, type StaircaseSeries } from './staircase-data';

export interface StaircaseSnapshot {
  series: StaircaseSeries;
  steps: readonly ChartStep[];
  plateaus: readonly ChartPlateau[];
  predicted: readonly ChartPredictedStep[];
  /** bumps on every change so a subscriber can skip redundant redraws */
  version: number;
}

/**
 * What the staircase chart draws, kept outside React: a live sweep pushes points many times a second,
 * and re-rendering the page per point would cost more than drawing. The chart subscribes and redraws
 * at most once per animation frame.
 */
export class StaircaseFeed {
  private points = new Map<number, ChartPoint>();
  private steps: readonly ChartStep[] = [];
  private plateaus: readonly ChartPlateau[] = [];
  private predicted: readonly ChartPredictedStep[] = [];
  private version = 0;
  private cached: StaircaseSnapshot | undefined;
  private readonly listeners = new Set<() => void>();

  /** Points measured so far; the staircase (steps, plateaus) comes with the finished profile. */
  addPoints(points: readonly ChartPoint[]): void {
    for (const point of points) this.points.set(point.tokens, point);
    this.changed();
  }

  /** A finished (or reopened) profile replaces whatever was streamed. */
  setProfile(profile: {
    points: readonly ChartPoint[];
    steps?: readonly ChartStep[];
    plateaus?: readonly ChartPlateau[];
    predicted?: readonly ChartPredictedStep[];
  }): void {
    this.points = new Map(profile.points.map((point) => [point.tokens, point]));
    this.steps = profile.steps ?? [];
    this.plateaus = profile.plateaus ?? [];
    this.predicted = profile.predicted ?? [];
    this.changed();
  }

  clear(): void {
    this.setProfile({ points: [] });
  }

  snapshot(): StaircaseSnapshot {
    this.cached ??= {
      series: toSeries([...this.points.values()]),
      steps: this.steps,
      plateaus: this.plateaus,
      predicted: this.predicted,
      version: this.version,
    };
    return this.cached;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version += 1;
    this.cached = undefined;
    for (const listener of this.listeners) listener();
  }
}
