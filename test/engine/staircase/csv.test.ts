import { describe, expect, it } from 'vitest';
import { profilePointSchema } from '../../../electron/engine/contracts/profile.js';
import { formatProfileCsv, parseAccuracyCsv, parseProfileCsv } from '../../../electron/engine/staircase/csv.js';
import { detectStaircase } from '../../../electron/engine/staircase/detect.js';
import { createRng } from '../../../electron/engine/util/rng.js';
import { range, trueLatencyMs } from './synthetic.js';
import { userErrorOf } from '../../helpers/errors.js';


describe('parseProfileCsv', () => {
  it('reads our own profile.csv back', () => {
    const points = [
      { tokens: 2, medianMs: 1.25, p10Ms: 1.2, p90Ms: 1.4, samples: 30 },
      { tokens: 1, medianMs: 1.125, p10Ms: 1.1, p90Ms: 1.3, samples: 31 },
    ];
    const text = formatProfileCsv(points);
    expect(text.split('\n')[0]).toBe('tokens,median_ms,p10_ms,p90_ms,samples');
    expect(parseProfileCsv(text, 'profile.csv')).toEqual([points[1], points[0]]);
  });

  it('writes empty cells for what a point does not know, and reads them back as absent', () => {
    const text = formatProfileCsv([
      { tokens: 8, medianMs: 2 },
      { tokens: 16, medianMs: 2.5, samples: 4 },
    ]);
    expect(text).toBe('tokens,median_ms,p10_ms,p90_ms,samples\n8,2,,,\n16,2.5,,,4\n');
    const parsed = parseProfileCsv(text, 'x.csv');
    expect(parsed).toEqual([
      { tokens: 8, medianMs: 2 },
      { tokens: 16, medianMs: 2.5, samples: 4 },
    ]);
    // no keys holding undefined: spreading a point over defaults must keep the defaults
    expect(Object.keys(parsed[0])).toEqual(['tokens', 'medianMs']);
  });

  it('accepts other tools’ spellings: n / latency_ms / ms, any case, BOM, CRLF, quotes, spaces, blank and comment lines', () => {
    const text = '\uFEFF# exported by some-bench 1.2\r\n "N" ; \'Latency_MS\'\r\n\r\n 3 ; 4.5 \r\n"1";"2.5"\r\n\r\n2;3\r\n';
    expect(parseProfileCsv(text, 'other.csv')).toEqual([
      { tokens: 1, medianMs: 2.5 },
      { tokens: 2, medianMs: 3 },
      { tokens: 3, medianMs: 4.5 },
    ]);
    expect(parseProfileCsv('tokens\tms\n1\t2\n2\t3\n', 'tabs.tsv').map((p) => p.medianMs)).toEqual([2, 3]);
    expect(parseProfileCsv('TOKENS,MEDIAN_MS,latency_ms\n1,2,9\n2,3,9\n', 'both.csv').map((p) => p.medianMs)).toEqual([2, 3]);
  });

  it('summarises repeated rows of a token count as samples', () => {
    const text = ['tokens,latency_ms', '4,10', '4,12', '4,11', '4,30', '4,11', '8,20', '8,21'].join('\n');
    const [four, eight] = parseProfileCsv(text, 'raw.csv');
    expect(four.tokens).toBe(4);
    expect(four.medianMs).toBe(11);
    expect(four.samples).toBe(5);
    expect(four.p10Ms).toBeCloseTo(10.4, 10);
    expect(four.p90Ms).toBeCloseTo(22.8, 10);
    expect(four.iqrMs).toBeCloseTo(1, 10);
    expect(eight).toMatchObject({ tokens: 8, medianMs: 20.5, samples: 2 });
  });

  it('makes points that fill a profile once defaults are added', () => {
    const [point] = parseProfileCsv('n,ms\n1,2\n2,3\n', 'a.csv');
    const filled = { p10Ms: point.medianMs, p90Ms: point.medianMs, iqrMs: 0, samples: 1, ...point };
    expect(profilePointSchema.safeParse(filled).success).toBe(true);
  });

  it('imports a real-looking raw-sample export and finds its steps', () => {
    // another tool's export: 5 timings per token count, noisy, every 4 tokens, steps at 65 and 129
    const rng = createRng(42);
    const spec = { tokens: range(1, 197), steps: [{ tokens: 65, jumpPct: 18 }, { tokens: 129, jumpPct: 9 }] };
    const lines = ['run,tokens,latency_ms,device'];
    for (const tokens of range(1, 197, 4)) {
      for (let run = 0; run < 5; run++) {
        const ms = trueLatencyMs(spec, tokens) * (1 + 0.02 * rng.normal());
        lines.push(`${run},${tokens},${ms.toFixed(3)},"Jetson, AGX Orin"`);
      }
    }
    const points = parseProfileCsv(lines.join('\r\n'), 'orin-export.csv');
    expect(points).toHaveLength(50);
    expect(points.every((p) => p.samples === 5)).toBe(true);
    const staircase = detectStaircase(points);
    expect(staircase.steps.map((s) => s.tokens)).toEqual([65, 129]);
  });
});

describe('parseProfileCsv on malformed files: each error names the file, the line and the problem', () => {
  const cases: [string, string, RegExp][] = [
    ['an empty file', ' \n\n', /^bad\.csv: the file is empty/],
    ['no header', '1,2.5\n2,3\n', /^bad\.csv: line 1: no header row: the first line is data \("1,2\.5"\)/],
    ['no token column', 'count,median_ms\n1,2\n', /^bad\.csv: line 1: no token column: the header has 'count', 'median_ms'; expected one named 'tokens' or 'n'/],
    [
      'no latency column',
      'tokens,mean_us\n1,2\n',
      /^bad\.csv: line 1: no latency column: the header has 'tokens', 'mean_us'; expected one named 'median_ms', 'latency_ms' or 'ms'/,
    ],
    ['a non-numeric value', 'tokens,ms\n1,2\n2,fast\n', /^bad\.csv: line 3: ms "fast" is not a number/],
    ['NaN', 'tokens,ms\n1,NaN\n2,3\n', /^bad\.csv: line 2: ms "NaN" is not a number/],
    ['infinity', 'tokens,ms\n1,Infinity\n2,3\n', /^bad\.csv: line 2: ms "Infinity" is not finite/],
    ['a negative latency', 'tokens,median_ms\n1,2\n2,-3\n', /^bad\.csv: line 3: median_ms -3 is negative/],
    ['fractional tokens', 'tokens,ms\n1.5,2\n2,3\n', /^bad\.csv: line 2: tokens 1\.5 is not a whole number/],
    ['zero tokens', 'tokens,ms\n0,2\n2,3\n', /^bad\.csv: line 2: tokens is 0/],
    ['a missing value', 'tokens,ms\n1,2\n2\n', /^bad\.csv: line 3: no ms value/],
    ['fewer than 2 rows', '# one count only\ntokens,ms\n\n1,2\n', /^bad\.csv: line 4: the file ends after 1 token count: at least 2 token counts are needed/],
    ['only repeats of one count', 'tokens,ms\n1,2\n1,3\n', /^bad\.csv: line 3: the file ends after 1 token count/],
    ['a header only', 'tokens,ms\n', /^bad\.csv: line 1: the file ends after no data rows/],
    ['a bad optional value', 'tokens,ms,samples\n1,2,3.5\n2,3,4\n', /^bad\.csv: line 2: samples 3\.5 is not a whole number/],
    ['p10 above p90', 'tokens,ms,p10_ms,p90_ms\n1,2,3,1\n2,3,2,4\n', /^bad\.csv: line 2: p10_ms 3 is above p90_ms 1/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      const error = userErrorOf(() => parseProfileCsv(text, 'bad.csv'));
      expect(error.message).toMatch(message);
      expect(error.fix).toBeTruthy();
    });
  }
});

describe('parseAccuracyCsv', () => {
  it('reads tokens/n with accuracy/acc/top1, sorted, repeats by their median', () => {
    expect(parseAccuracyCsv('tokens,accuracy\n197,81.2\n100,70\n', 'acc.csv')).toEqual([
      { tokens: 100, accuracy: 70 },
      { tokens: 197, accuracy: 81.2 },
    ]);
    expect(parseAccuracyCsv('N,Top1\n1,0.1\n1,0.3\n1,0.2\n2,0.5\n', 'acc.csv')).toEqual([
      { tokens: 1, accuracy: 0.2 },
      { tokens: 2, accuracy: 0.5 },
    ]);
    expect(parseAccuracyCsv('n;acc\n1;0.1\n2;0.2\n', 'acc.csv')).toHaveLength(2);
  });

  it('is as strict as the profile parser', () => {
    expect(userErrorOf(() => parseAccuracyCsv('tokens,loss\n1,2\n2,3\n', 'acc.csv')).message).toMatch(
      /^acc\.csv: line 1: no accuracy column: the header has 'tokens', 'loss'; expected one named 'accuracy', 'acc' or 'top1'/,
    );
    expect(userErrorOf(() => parseAccuracyCsv('tokens,accuracy\n1,80\n2,-1\n', 'acc.csv')).message).toMatch(/^acc\.csv: line 3: accuracy -1 is negative/);
    expect(userErrorOf(() => parseAccuracyCsv('tokens,accuracy\n1,80\n', 'acc.csv')).message).toMatch(/at least 2 token counts/);
    expect(userErrorOf(() => parseAccuracyCsv('80,1\n81,2\n', 'acc.csv')).message).toMatch(/no header row/);
  });
});
