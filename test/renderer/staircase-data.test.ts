import { describe, expect, it } from 'vitest';
import { alignSeries, nearestIndex, plateauShading, readout, stepMarkers, stepX, toSeries } from '../../renderer/src/chart/staircase-data';
import { StaircaseFeed } from '../../renderer/src/chart/staircase-feed';

const point = (tokens: number, medianMs: number, spread = 0.1) => ({ tokens, medianMs, p10Ms: medianMs - spread, p90Ms: medianMs + spread });

describe('toSeries', () => {
  it('orders points by tokens and gives the band edges as their own columns', () => {
    const series = toSeries([point(3, 2), point(1, 1), point(2, 1.5)]);
    expect(series.tokens).toEqual([1, 2, 3]);
    expect(series.medianMs).toEqual([1, 1.5, 2]);
    expect(series.p10Ms).toEqual([0.9, 1.4, 1.9]);
    expect(series.p90Ms).toEqual([1.1, 1.6, 2.1]);
  });

  it('keeps the latest measurement of a count measured twice', () => {
    const series = toSeries([point(5, 9), point(4, 1), point(5, 2)]);
    expect(series.tokens).toEqual([4, 5]);
    expect(series.medianMs).toEqual([1, 2]);
  });
});

describe('plateau shading', () => {
  it('widens each plateau by half a token so neighbours meet at the step line', () => {
    const shades = plateauShading([
      { from: 9, to: 16, medianMs: 2 },
      { from: 1, to: 8, medianMs: 1 },
    ]);
    expect(shades).toEqual([
      { fromX: 0.5, toX: 8.5, medianMs: 1, shade: 0 },
      { fromX: 8.5, toX: 16.5, medianMs: 2, shade: 1 },
    ]);
    expect(shades[0].toX).toBe(stepX(9));
  });

  it('clips to the drawn range and drops what falls outside it', () => {
    const shades = plateauShading(
      [
        { from: 1, to: 8, medianMs: 1 },
        { from: 9, to: 16, medianMs: 2 },
        { from: 40, to: 50, medianMs: 3 },
      ],
      { from: 0.5, to: 12 },
    );
    expect(shades.map((shade) => [shade.fromX, shade.toX])).toEqual([
      [0.5, 8.5],
      [8.5, 12],
    ]);
  });
});

describe('step markers', () => {
  const steps = [{ tokens: 65, beforeMs: 1, afterMs: 1.3, jumpPct: 30, confidence: 0.92 }];

  it('draws a step half a token before its first count on the higher plateau and says what it is', () => {
    const [marker] = stepMarkers(steps);
    expect(marker.x).toBe(64.5);
    expect(marker.kind).toBe('measured');
    expect(marker.label).toContain('65 tokens');
    expect(marker.label).toContain('+30 %');
    expect(marker.label).toContain('confidence 92 %');
  });

  it('shows predicted steps only where no measured step confirmed them', () => {
    const markers = stepMarkers(steps, [
      { tokens: 66, jumpPct: 25, measured: { tokens: 65 } },
      { tokens: 129, jumpPct: 12, measured: null },
    ]);
    expect(markers.map((marker) => [marker.tokens, marker.kind])).toEqual([
      [65, 'measured'],
      [129, 'predicted'],
    ]);
  });
});

describe('two profiles on one axis', () => {
  it('takes the union of their counts and leaves gaps where a profile has no point', () => {
    const columns = alignSeries([toSeries([point(1, 1), point(3, 3)]), toSeries([point(2, 20), point(3, 30)])]);
    expect(columns.tokens).toEqual([1, 2, 3]);
    expect(columns.profiles[0].medianMs).toEqual([1, null, 3]);
    expect(columns.profiles[1].medianMs).toEqual([null, 20, 30]);
    expect(columns.profiles[1].p90Ms).toEqual([null, 20.1, 30.1]);
  });
});

describe('readout', () => {
  const columns = alignSeries([toSeries([point(1, 1.234), point(2, 12.5)]), toSeries([point(2, 250)])]);

  it('names the count, the median and the band of every profile that has the point', () => {
    expect(readout(columns, 1, ['a', 'b'])).toBe('2 tokens · a: 12.5 ms median, p10–p90 12.4 ms–12.6 ms · b: 250 ms median, p10–p90 250 ms–250 ms');
    expect(readout(columns, 0, ['a', 'b'])).toBe('1 tokens · a: 1.23 ms median, p10–p90 1.13 ms–1.33 ms');
  });

  it('is empty when the cursor is off the data', () => {
    expect(readout(columns, null)).toBe('');
    expect(readout(columns, 5)).toBe('');
  });
});

describe('nearestIndex', () => {
  it('finds the measured count nearest to a cursor position between counts', () => {
    const xs = [1, 4, 10, 11];
    expect(nearestIndex(xs, 0)).toBe(0);
    expect(nearestIndex(xs, 2.4)).toBe(0);
    expect(nearestIndex(xs, 2.6)).toBe(1);
    expect(nearestIndex(xs, 10.6)).toBe(3);
    expect(nearestIndex(xs, 99)).toBe(3);
    expect(nearestIndex([], 3)).toBe(-1);
  });
});

describe('StaircaseFeed', () => {
  it('accumulates streamed points and notifies once per change', () => {
    const feed = new StaircaseFeed();
    let notified = 0;
    feed.subscribe(() => (notified += 1));
    feed.addPoints([point(2, 2)]);
    feed.addPoints([point(1, 1), point(2, 3)]);
    expect(notified).toBe(2);
    expect(feed.snapshot().series.medianMs).toEqual([1, 3]);
  });

  it('reuses one snapshot until something changes', () => {
    const feed = new StaircaseFeed();
    feed.addPoints([point(1, 1)]);
    const first = feed.snapshot();
    expect(feed.snapshot()).toBe(first);
    feed.setProfile({ points: [point(1, 1)], steps: [], plateaus: [{ from: 1, to: 1, medianMs: 1 }] });
    expect(feed.snapshot()).not.toBe(first);
    expect(feed.snapshot().plateaus).toHaveLength(1);
  });

  it('keeps a 10,000-point profile cheap to snapshot', () => {
    const feed = new StaircaseFeed();
    const points = Array.from({ length: 10_000 }, (_, index) => point(10_000 - index, Math.floor(index / 64)));
    const startedAt = performance.now();
    feed.setProfile({ points });
    const series = feed.snapshot().series;
    expect(series.tokens[0]).toBe(1);
    expect(series.tokens).toHaveLength(10_000);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });
});
