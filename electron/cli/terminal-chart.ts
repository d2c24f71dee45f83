/** A latency-vs-tokens chart drawn with characters, for the terminal summary. */
export interface ChartPoint {
  tokens: number;
  medianMs: number;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  /** token counts where a step starts (first count on the higher plateau) */
  steps?: number[];
  /** a token count to highlight, e.g. the schedule's keepTokens */
  marker?: { tokens: number; label: string };
  title?: string;
}

export function renderStaircaseChart(points: readonly ChartPoint[], options: ChartOptions = {}): string {
  if (points.length === 0) return '(no points)';
  const width = options.width ?? 64;
  const height = options.height ?? 12;
  const minTokens = Math.min(...points.map((p) => p.tokens));
  const maxTokens = Math.max(...points.map((p) => p.tokens));
  const minMs = Math.min(...points.map((p) => p.medianMs));
  const maxMs = Math.max(...points.map((p) => p.medianMs));
  const spanMs = maxMs - minMs || Math.max(maxMs * 0.05, 1e-6);
  const column = (tokens: number) => (maxTokens === minTokens ? 0 : Math.round(((tokens - minTokens) / (maxTokens - minTokens)) * (width - 1)));
  const row = (ms: number) => height - 1 - Math.round(((ms - minMs) / spanMs) * (height - 1));

  const grid: string[][] = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  for (const step of options.steps ?? []) {
    const x = column(step);
    for (let y = 0; y < height; y++) grid[y][x] = '┊';
  }
  if (options.marker) {
    const x = column(options.marker.tokens);
    for (let y = 0; y < height; y++) grid[y][x] = '│';
  }
  for (const point of points) grid[row(point.medianMs)][column(point.tokens)] = '•';

  const labelWidth = Math.max(formatMs(maxMs).length, formatMs(minMs).length);
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  grid.forEach((cells, y) => {
    const label = y === 0 ? formatMs(maxMs) : y === height - 1 ? formatMs(minMs) : '';
    lines.push(`${label.padStart(labelWidth)} ┤${cells.join('')}`);
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  const left = String(minTokens);
  const right = String(maxTokens);
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${'tokens'.padStart(Math.floor(width / 2) - left.length + 3)}${right.padStart(width - Math.floor(width / 2) - 3)}`);
  const legend = ['• median'];
  if (options.steps?.length) legend.push('┊ step');
  if (options.marker) legend.push(`│ ${options.marker.label}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${legend.join('   ')}`);
  return lines.join('\n');
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}
