import { UserError } from '../errors.js';
import { median, quantileSorted, sortedCopy } from '../util/stats.js';
import type { CurvePoint } from './curve.js';

/**
 * Latency and accuracy curves as CSV: ours (profile.csv) and other tools'. Parsing is strict about
 * values (a wrong number would silently move a step) and lenient about form: header case, a BOM,
 * CRLF, spaces and quotes around cells, blank lines, `#` comment lines, comma/semicolon/tab.
 */

const TOKEN_COLUMNS = ['tokens', 'n'];
const LATENCY_COLUMNS = ['median_ms', 'latency_ms', 'ms'];
const ACCURACY_COLUMNS = ['accuracy', 'acc', 'top1'];
const PROFILE_CSV_HEADER = 'tokens,median_ms,p10_ms,p90_ms,samples';

export interface AccuracyPoint {
  tokens: number;
  accuracy: number;
}

interface CsvRow {
  line: number;
  cells: string[];
}

interface CsvTable {
  headerLine: number;
  header: string[];
  rows: CsvRow[];
}

function csvError(sourceName: string, line: number | undefined, problem: string, fix: string): UserError {
  const where = line === undefined ? sourceName : `${sourceName}: line ${line}`;
  return new UserError('csv-invalid', `${where}: ${problem}`, fix);
}

function splitCells(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else if (char === delimiter && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells.map((c) => c.trim().replace(/^'(.*)'$/, '$1').trim());
}

function readTable(text: string, sourceName: string, exampleHeader: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const content = lines
    .map((raw, index) => ({ line: index + 1, raw }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.trim().startsWith('#'));
  if (content.length === 0) {
    throw csvError(sourceName, undefined, 'the file is empty', `write a header row such as ${exampleHeader}, then one row per token count`);
  }
  const [first, ...rest] = content;
  const delimiter = [',', ';', '\t'].find((d) => first.raw.includes(d)) ?? ',';
  const header = splitCells(first.raw, delimiter).map((name) => name.toLowerCase());
  if (header.every((name) => name !== '' && Number.isFinite(Number(name)))) {
    throw csvError(
      sourceName,
      first.line,
      `no header row: the first line is data ("${first.raw.trim()}")`,
      `add a header row such as ${exampleHeader} above the data`,
    );
  }
  return { headerLine: first.line, header, rows: rest.map(({ line, raw }) => ({ line, cells: splitCells(raw, delimiter) })) };
}

function findColumn(
  table: CsvTable,
  sourceName: string,
  accepted: readonly string[],
  what: string,
  exampleHeader: string,
): number {
  const index = table.header.findIndex((name) => accepted.includes(name));
  if (index < 0) {
    const quoted = accepted.map((name) => `'${name}'`);
    const names = `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
    throw csvError(
      sourceName,
      table.headerLine,
      `no ${what} column: the header has ${table.header.map((name) => `'${name}'`).join(', ')}; expected one named ${names}`,
      `rename the ${what} column (e.g. ${exampleHeader})`,
    );
  }
  return index;
}

function optionalColumn(table: CsvTable, name: string): number | undefined {
  const index = table.header.indexOf(name);
  return index < 0 ? undefined : index;
}

type NumberKind = 'whole positive' | 'whole non-negative' | 'non-negative';

/** The number in a cell; undefined for an empty optional cell; a UserError naming line and column otherwise. */
function readNumber(
  row: CsvRow,
  index: number,
  column: string,
  kind: NumberKind,
  sourceName: string,
  required: boolean,
): number | undefined {
  const cell = row.cells[index];
  if (cell === undefined || cell === '') {
    if (!required) return undefined;
    throw csvError(
      sourceName,
      row.line,
      `no ${column} value (the row has ${row.cells.filter((c) => c !== '').length} of the header's columns)`,
      `give every row a ${column} value`,
    );
  }
  const value = Number(cell);
  const fix = `${column} must be a ${kind === 'non-negative' ? 'number ≥ 0' : kind === 'whole positive' ? 'whole number ≥ 1' : 'whole number ≥ 0'}, written with a decimal point and no units`;
  if (!Number.isFinite(value)) {
    const problem = Number.isNaN(value) ? 'is not a number' : 'is not finite';
    throw csvError(sourceName, row.line, `${column} "${cell}" ${problem}`, fix);
  }
  if (value < 0) throw csvError(sourceName, row.line, `${column} ${cell} is negative`, fix);
  if (kind !== 'non-negative' && !Number.isInteger(value)) {
    throw csvError(sourceName, row.line, `${column} ${cell} is not a whole number`, fix);
  }
  if (kind === 'whole positive' && value === 0) throw csvError(sourceName, row.line, `${column} is 0`, fix);
  return value;
}

function requireTwoCounts(count: number, table: CsvTable, sourceName: string, exampleHeader: string): void {
  if (count >= 2) return;
  const lastLine = table.rows.length > 0 ? table.rows[table.rows.length - 1].line : table.headerLine;
  throw csvError(
    sourceName,
    lastLine,
    `the file ends after ${count === 0 ? 'no data rows' : '1 token count'}: at least 2 token counts are needed`,
    `add rows below the header (${exampleHeader}), one per token count`,
  );
}

interface ProfileRow {
  medianMs: number;
  p10Ms?: number;
  p90Ms?: number;
  iqrMs?: number;
  samples?: number;
}

/** One point from all the rows of a token count: a single summary row as is, repeated rows as samples. */
function aggregate(tokens: number, rows: readonly ProfileRow[]): CurvePoint {
  if (rows.length === 1) return { tokens, ...rows[0] };
  const sorted = sortedCopy(rows.map((row) => row.medianMs));
  const samples = rows.every((row) => row.samples !== undefined)
    ? rows.reduce((sum, row) => sum + (row.samples as number), 0)
    : rows.length;
  return {
    tokens,
    medianMs: quantileSorted(sorted, 0.5),
    p10Ms: quantileSorted(sorted, 0.1),
    p90Ms: quantileSorted(sorted, 0.9),
    iqrMs: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
    samples,
  };
}

/**
 * A latency profile from CSV: a header with a token column (`tokens` or `n`) and a latency column
 * (`median_ms`, `latency_ms` or `ms`), optionally `p10_ms`, `p90_ms`, `iqr_ms`, `samples`. Rows that
 * repeat a token count are raw samples from another tool and are summarised (median, p10, p90,
 * IQR, count). Sorted by tokens. Points carry only the fields the file gives.
 */
export function parseProfileCsv(text: string, sourceName: string): CurvePoint[] {
  const example = 'tokens,median_ms';
  const table = readTable(text, sourceName, example);
  const tokensColumn = findColumn(table, sourceName, TOKEN_COLUMNS, 'token', example);
  const latencyColumn = findColumn(table, sourceName, LATENCY_COLUMNS, 'latency', example);
  const tokensName = table.header[tokensColumn];
  const latencyName = table.header[latencyColumn];
  const p10Column = optionalColumn(table, 'p10_ms');
  const p90Column = optionalColumn(table, 'p90_ms');
  const iqrColumn = optionalColumn(table, 'iqr_ms');
  const samplesColumn = optionalColumn(table, 'samples');

  const byTokens = new Map<number, ProfileRow[]>();
  for (const row of table.rows) {
    const tokens = readNumber(row, tokensColumn, tokensName, 'whole positive', sourceName, true) as number;
    const parsed: ProfileRow = {
      medianMs: readNumber(row, latencyColumn, latencyName, 'non-negative', sourceName, true) as number,
    };
    const optional: [keyof ProfileRow, number | undefined, string, NumberKind][] = [
      ['p10Ms', p10Column, 'p10_ms', 'non-negative'],
      ['p90Ms', p90Column, 'p90_ms', 'non-negative'],
      ['iqrMs', iqrColumn, 'iqr_ms', 'non-negative'],
      ['samples', samplesColumn, 'samples', 'whole non-negative'],
    ];
    for (const [field, column, name, kind] of optional) {
      if (column === undefined) continue;
      const value = readNumber(row, column, name, kind, sourceName, false);
      if (value !== undefined) parsed[field] = value;
    }
    if (parsed.p10Ms !== undefined && parsed.p90Ms !== undefined && parsed.p10Ms > parsed.p90Ms) {
      throw csvError(sourceName, row.line, `p10_ms ${parsed.p10Ms} is above p90_ms ${parsed.p90Ms}`, 'check the column order of the header');
    }
    const group = byTokens.get(tokens);
    if (group) group.push(parsed);
    else byTokens.set(tokens, [parsed]);
  }
  requireTwoCounts(byTokens.size, table, sourceName, example);
  return [...byTokens.entries()].sort(([a], [b]) => a - b).map(([tokens, rows]) => aggregate(tokens, rows));
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(9)));
}

/** Our profile.csv: `tokens,median_ms,p10_ms,p90_ms,samples`, one row per point, empty where unknown. */
export function formatProfileCsv(points: readonly CurvePoint[]): string {
  const rows = points.map((p) => [p.tokens, p.medianMs, p.p10Ms, p.p90Ms, p.samples].map(formatNumber).join(','));
  return `${[PROFILE_CSV_HEADER, ...rows].join('\n')}\n`;
}

/**
 * An accuracy-vs-tokens curve from CSV: a token column (`tokens` or `n`) and an accuracy column
 * (`accuracy`, `acc` or `top1`, in any unit: only ratios are used). Repeated token counts are
 * averaged by their median. Sorted by tokens.
 */
export function parseAccuracyCsv(text: string, sourceName: string): AccuracyPoint[] {
  const example = 'tokens,accuracy';
  const table = readTable(text, sourceName, example);
  const tokensColumn = findColumn(table, sourceName, TOKEN_COLUMNS, 'token', example);
  const accuracyColumn = findColumn(table, sourceName, ACCURACY_COLUMNS, 'accuracy', example);
  const byTokens = new Map<number, number[]>();
  for (const row of table.rows) {
    const tokens = readNumber(row, tokensColumn, table.header[tokensColumn], 'whole positive', sourceName, true) as number;
    const accuracy = readNumber(row, accuracyColumn, table.header[accuracyColumn], 'non-negative', sourceName, true) as number;
    const group = byTokens.get(tokens);
    if (group) group.push(accuracy);
    else byTokens.set(tokens, [accuracy]);
  }
  requireTwoCounts(byTokens.size, table, sourceName, example);
  return [...byTokens.entries()].sort(([a], [b]) => a - b).map(([tokens, values]) => ({ tokens, accuracy: median(values) }));
}
