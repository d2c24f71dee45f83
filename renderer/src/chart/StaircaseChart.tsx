import { memo, useEffect, useRef, type KeyboardEvent } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { themeColor, useTheme } from '../app/theme';
import { alignSeries, nearestIndex, plateauShading, readout, stepMarkers, type AlignedColumns, type StepMarker } from './staircase-data';
import type { StaircaseFeed, StaircaseSnapshot } from './staircase-feed';

interface StaircaseChartProps {
  /** the first feed is the main profile (its plateaus are shaded); a second one is drawn over it to compare */
  feeds: readonly StaircaseFeed[];
  labels?: readonly string[];
  /** accessible name of the chart */
  title: string;
  height?: number;
}

interface Drawn {
  columns: AlignedColumns;
  snapshots: StaircaseSnapshot[];
  markers: StepMarker[][];
}

const PROFILE_COLORS = ['--chart-1', '--chart-2'] as const;
/** Token counts are whole numbers: ticks never fall between two counts. */
const TOKEN_TICK_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000];
const NO_LABELS: readonly string[] = [];
const NOTHING_DRAWN: Drawn = { columns: { tokens: [], profiles: [] }, snapshots: [], markers: [] };
const READOUT_HINT = 'Hover the chart, or focus it and use the arrow keys, to read a point.';

function drawn(feeds: readonly StaircaseFeed[]): Drawn {
  const snapshots = feeds.map((feed) => feed.snapshot());
  return {
    columns: alignSeries(snapshots.map((snapshot) => snapshot.series)),
    snapshots,
    markers: snapshots.map((snapshot) => stepMarkers(snapshot.steps, snapshot.predicted)),
  };
}

function plotData(columns: AlignedColumns): uPlot.AlignedData {
  return [columns.tokens, ...columns.profiles.flatMap((profile) => [profile.medianMs, profile.p10Ms, profile.p90Ms])];
}

function describe(current: Drawn, labels: readonly string[]): string {
  const { tokens } = current.columns;
  if (tokens.length === 0) return 'no points measured yet';
  const parts = current.snapshots.map((snapshot, index) => {
    const steps = snapshot.steps.map((step) => step.tokens);
    const name = labels[index] ? `${labels[index]}: ` : '';
    return `${name}${snapshot.series.tokens.length} counts, ${steps.length === 0 ? 'no steps' : `steps at ${steps.join(', ')} tokens`}`;
  });
  return `latency against tokens from ${tokens[0]} to ${tokens[tokens.length - 1]}; ${parts.join('; ')}`;
}

/**
 * Latency against tokens: the median line, the p10–p90 band, plateaus shaded, steps marked
 * (predicted ones dashed). uPlot owns the canvas; React only mounts it. Feed updates are coalesced
 * into one redraw per animation frame, so a live sweep does not re-render the page per point.
 */
export const StaircaseChart = memo(function StaircaseChart({ feeds, labels = NO_LABELS, title, height = 360 }: StaircaseChartProps) {
  const { theme } = useTheme();
  const figureRef = useRef<HTMLElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLParagraphElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const currentRef = useRef<Drawn>(NOTHING_DRAWN);
  const cursorIndexRef = useRef<number | null>(null);

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    currentRef.current = drawn(feeds);
    const color = (name: string) => themeColor(name);

    const shadePlateaus = (u: uPlot) => {
      const primary = currentRef.current.snapshots[0];
      if (!primary || primary.plateaus.length === 0) return;
      const { ctx } = u;
      const xs = currentRef.current.columns.tokens;
      const shades = plateauShading(primary.plateaus, xs.length > 0 ? { from: xs[0] - 0.5, to: xs[xs.length - 1] + 0.5 } : undefined);
      const fills = [color('--plateau-0'), color('--plateau-1')];
      ctx.save();
      for (const shade of shades) {
        const left = Math.max(u.valToPos(shade.fromX, 'x', true), u.bbox.left);
        const right = Math.min(u.valToPos(shade.toX, 'x', true), u.bbox.left + u.bbox.width);
        if (right <= left) continue;
        ctx.fillStyle = fills[shade.shade];
        ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
      }
      ctx.restore();
    };

    const markSteps = (u: uPlot) => {
      const { ctx } = u;
      ctx.save();
      currentRef.current.markers.forEach((markers, profile) => {
        for (const marker of markers) {
          const x = u.valToPos(marker.x, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = marker.kind === 'predicted' ? color('--predicted') : color(profile === 0 ? '--step' : PROFILE_COLORS[1]);
          ctx.lineWidth = (markers.length > 40 ? 1 : 2) * uPlot.pxRatio;
          ctx.setLineDash(marker.kind === 'predicted' ? [6 * uPlot.pxRatio, 4 * uPlot.pxRatio] : []);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
      });
      ctx.restore();
    };

    let drawStartedAt: number | null = null;
    const noteDrawTime = () => {
      if (drawStartedAt === null) return;
      // User Timing entries let the end-to-end test (and devtools) read how long a redraw took.
      performance.measure('edgetune:staircase-draw', { start: drawStartedAt, end: performance.now(), detail: { points: currentRef.current.columns.tokens.length } });
      drawStartedAt = null;
    };

    const showReadout = (u: uPlot) => {
      const index = u.cursor.idx ?? cursorIndexRef.current;
      const text = readout(currentRef.current.columns, index, labels);
      if (readoutRef.current) readoutRef.current.textContent = text || READOUT_HINT;
      frame.setAttribute('aria-valuetext', text || 'no point selected');
      const tokens = index === null || index === undefined ? undefined : currentRef.current.columns.tokens[index];
      if (tokens === undefined) frame.removeAttribute('aria-valuenow');
      else frame.setAttribute('aria-valuenow', String(tokens));
    };
    const describeFigure = () => {
      const { tokens } = currentRef.current.columns;
      figureRef.current?.setAttribute('aria-label', `${title}: ${describe(currentRef.current, labels)}`);
      frame.dataset.points = String(tokens.length);
      frame.setAttribute('aria-valuemin', String(tokens[0] ?? 0));
      frame.setAttribute('aria-valuemax', String(tokens[tokens.length - 1] ?? 0));
    };

    const series: uPlot.Series[] = [{ label: 'tokens' }];
    const bands: uPlot.Band[] = [];
    feeds.forEach((_, profile) => {
      const base = 1 + profile * 3;
      const stroke = color(PROFILE_COLORS[profile] ?? PROFILE_COLORS[0]);
      const name = labels[profile] ? `${labels[profile]} ` : '';
      series.push(
        { label: `${name}median ms`, stroke, width: 2, spanGaps: true, points: { show: (u) => u.data[0].length < 200 } },
        { label: `${name}p10 ms`, stroke: 'transparent', spanGaps: true, points: { show: false } },
        { label: `${name}p90 ms`, stroke: 'transparent', spanGaps: true, points: { show: false } },
      );
      bands.push({ series: [base + 2, base + 1], fill: color(profile === 0 ? '--chart-1-band' : '--chart-2-band') });
    });

    const axisStyle = { stroke: color('--text-muted'), grid: { stroke: color('--grid'), width: 1 }, ticks: { stroke: color('--grid') } };
    const plot = new uPlot(
      {
        width: Math.max(frame.clientWidth, 320),
        height,
        series,
        bands,
        legend: { show: false },
        cursor: { drag: { x: true, y: false }, points: { size: 8 } },
        scales: { x: { time: false } },
        axes: [
          { ...axisStyle, label: 'tokens', incrs: TOKEN_TICK_INCREMENTS },
          { ...axisStyle, label: 'latency (ms)', size: 64 },
        ],
        hooks: {
          drawAxes: [shadePlateaus],
          draw: [markSteps, noteDrawTime],
          setCursor: [showReadout],
        },
      },
      plotData(currentRef.current.columns),
      frame,
    );
    plotRef.current = plot;
    describeFigure();
    showReadout(plot);

    let pending = 0;
    const redraw = () => {
      pending = 0;
      currentRef.current = drawn(feeds);
      drawStartedAt = performance.now();
      plot.setData(plotData(currentRef.current.columns));
      describeFigure();
    };
    const schedule = () => {
      if (pending === 0) pending = requestAnimationFrame(redraw);
    };
    const unsubscribe = feeds.map((feed) => feed.subscribe(schedule));

    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(frame.clientWidth, 320), height }));
    resize.observe(frame);

    return () => {
      unsubscribe.forEach((stop) => stop());
      if (pending !== 0) cancelAnimationFrame(pending);
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // Colours are read when the plot is built, so a theme change rebuilds it.
  }, [feeds, labels, title, height, theme]);

  const moveCursor = (event: KeyboardEvent<HTMLDivElement>) => {
    const plot = plotRef.current;
    const { tokens, profiles } = currentRef.current.columns;
    if (!plot || tokens.length === 0) return;
    const last = tokens.length - 1;
    const at = cursorIndexRef.current ?? nearestIndex(tokens, plot.posToVal(plot.cursor.left ?? 0, 'x'));
    const jump = Math.max(1, Math.round(tokens.length / 20));
    const next = ({ ArrowRight: at + 1, ArrowLeft: at - 1, PageUp: at + jump, PageDown: at - jump, Home: 0, End: last } as Record<string, number>)[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const index = Math.min(last, Math.max(0, next));
    cursorIndexRef.current = index;
    const medianMs = profiles.map((profile) => profile.medianMs[index]).find((value) => value !== null) ?? 0;
    plot.setCursor({ left: plot.valToPos(tokens[index], 'x'), top: plot.valToPos(medianMs, 'y') });
  };

  return (
    <figure className="chart" ref={figureRef} role="group">
      <div
        ref={frameRef}
        className="chart-frame"
        role="slider"
        aria-label={`${title}: point read out below`}
        aria-orientation="horizontal"
        tabIndex={0}
        onKeyDown={moveCursor}
        onBlur={() => (cursorIndexRef.current = null)}
        data-testid="staircase-chart"
      />
      <figcaption>
        {/* Not a live region: hovering would flood a screen reader; keyboard moves are announced through the slider's value. */}
        <p ref={readoutRef} className="chart-readout" data-testid="chart-readout" />
        <ChartLegend count={feeds.length} labels={labels} />
      </figcaption>
    </figure>
  );
});

function ChartLegend({ count, labels }: { count: number; labels: readonly string[] }) {
  return (
    <ul className="chart-legend">
      {Array.from({ length: count }, (_, profile) => (
        <li key={profile}>
          <span className={`swatch swatch-line-${profile + 1}`} aria-hidden="true" />
          {labels[profile] ? `${labels[profile]}: ` : ''}median, with the p10–p90 band
        </li>
      ))}
      <li><span className="swatch swatch-plateau" aria-hidden="true" />plateaus</li>
      <li><span className="swatch swatch-step" aria-hidden="true" />measured step</li>
      <li><span className="swatch swatch-predicted" aria-hidden="true" />predicted step, not measured</li>
    </ul>
  );
}
