import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GenerationSummary } from '../../../electron/api/documents';
import { themeColor, useTheme } from '../app/theme';
import { fitnessReadout, fitnessSeries, formatReward, type Direction, type FitnessSeries } from './align-data';

const READOUT_HINT = 'Hover the chart, or focus it and use the arrow keys, to read a generation.';
const GENERATION_TICKS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];

interface FitnessChartProps {
  summaries: readonly GenerationSummary[];
  direction: Direction;
  /** the reward's name, for the axis */
  rewardName: string;
  height?: number;
}

function plotData(series: FitnessSeries): uPlot.AlignedData {
  return [series.generations, series.best, series.mean, series.median, series.bestSoFar];
}

/**
 * The reward per generation: this generation's best, mean and median, and the run's best so far.
 * The plot is built once per theme and fed new data as generations arrive.
 */
export const FitnessChart = memo(function FitnessChart({ summaries, direction, rewardName, height = 280 }: FitnessChartProps) {
  const { theme } = useTheme();
  const series = useMemo(() => fitnessSeries(summaries), [summaries]);
  const frameRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLParagraphElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const seriesRef = useRef(series);
  const cursorIndexRef = useRef<number | null>(null);
  seriesRef.current = series;

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const color = (name: string) => themeColor(name);
    const showReadout = (u: uPlot) => {
      const index = u.cursor.idx ?? cursorIndexRef.current;
      const text = fitnessReadout(seriesRef.current, index);
      if (readoutRef.current) readoutRef.current.textContent = text || READOUT_HINT;
      frame.setAttribute('aria-valuetext', text || 'no generation selected');
      const generation = index === null || index === undefined ? undefined : seriesRef.current.generations[index];
      if (generation === undefined) frame.removeAttribute('aria-valuenow');
      else frame.setAttribute('aria-valuenow', String(generation));
    };
    const axisStyle = { stroke: color('--text-muted'), grid: { stroke: color('--grid'), width: 1 }, ticks: { stroke: color('--grid') } };
    const plot = new uPlot(
      {
        width: Math.max(frame.clientWidth, 320),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: { x: { time: false } },
        series: [
          { label: 'generation' },
          { label: 'best', stroke: color('--chart-1'), width: 2, spanGaps: true, points: { show: true, size: 5 } },
          { label: 'mean', stroke: color('--chart-2'), width: 1.5, spanGaps: true },
          { label: 'median', stroke: color('--chart-3'), width: 1.5, spanGaps: true, dash: [4, 3] },
          { label: 'best so far', stroke: color('--chart-4'), width: 2, spanGaps: true, dash: [8, 4] },
        ],
        axes: [
          { ...axisStyle, label: 'generation', incrs: GENERATION_TICKS },
          { ...axisStyle, label: `${rewardName} (${direction === 'min' ? 'smaller' : 'larger'} is better)`, size: 70 },
        ],
        hooks: { setCursor: [showReadout] },
      },
      plotData(seriesRef.current),
      frame,
    );
    plotRef.current = plot;
    showReadout(plot);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(frame.clientWidth, 320), height }));
    resize.observe(frame);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // Colours are read when the plot is built, so a theme change rebuilds it.
  }, [theme, height, direction, rewardName]);

  useEffect(() => {
    plotRef.current?.setData(plotData(series));
    const frame = frameRef.current;
    if (frame) frame.dataset.generations = String(series.generations.length);
  }, [series]);

  const moveCursor = (event: KeyboardEvent<HTMLDivElement>) => {
    const plot = plotRef.current;
    const { generations, best } = seriesRef.current;
    if (!plot || generations.length === 0) return;
    const last = generations.length - 1;
    const at = cursorIndexRef.current ?? last;
    const next = ({ ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: last } as Record<string, number>)[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const index = Math.min(last, Math.max(0, next));
    cursorIndexRef.current = index;
    plot.setCursor({ left: plot.valToPos(generations[index], 'x'), top: plot.valToPos(best[index] ?? 0, 'y') });
  };

  const last = series.generations.length - 1;
  const description = last < 0 ? 'no generation yet' : `${series.generations.length} generations; best so far ${formatReward(series.bestSoFar[last])}`;
  return (
    <figure className="chart" role="group" aria-label={`Reward per generation: ${description}`}>
      <div
        ref={frameRef}
        className="chart-frame"
        role="slider"
        aria-label="Reward per generation: generation read out below"
        aria-orientation="horizontal"
        aria-valuemin={series.generations[0] ?? 0}
        aria-valuemax={series.generations[last] ?? 0}
        tabIndex={0}
        onKeyDown={moveCursor}
        onBlur={() => (cursorIndexRef.current = null)}
        data-testid="fitness-chart"
        data-generations={series.generations.length}
      />
      <figcaption>
        <p ref={readoutRef} className="chart-readout" data-testid="fitness-readout" />
        <ul className="chart-legend">
          <li>
            <span className="swatch swatch-line-1" aria-hidden="true" />
            generation's best
          </li>
          <li>
            <span className="swatch swatch-line-2" aria-hidden="true" />
            mean
          </li>
          <li>
            <span className="swatch swatch-line-3" aria-hidden="true" />
            median
          </li>
          <li>
            <span className="swatch swatch-line-4" aria-hidden="true" />
            best so far
          </li>
        </ul>
      </figcaption>
    </figure>
  );
});
