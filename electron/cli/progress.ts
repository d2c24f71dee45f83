/**
 * Progress for long work on stderr: a redrawn bar on a terminal, a line every few seconds
 * otherwise (CI logs, pipes), nothing with --quiet. stdout stays clean for --json.
 */
export interface ProgressReporter {
  /** a new `stage` restarts the bar and its time estimate */
  update(done: number, total: number, detail: string, stage?: string): void;
  done(message?: string): void;
}

export function createProgress(label: string, options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, done() {} };
  let startedAt = Date.now();
  let lastLineAt = 0;
  let drawn = false;
  let currentStage: string | undefined;
  return {
    update(done, total, detail, stage) {
      if (stage !== currentStage) {
        currentStage = stage;
        startedAt = Date.now();
        lastLineAt = 0;
      }
      const title = stage ? `${label} · ${stage}` : label;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const elapsedS = (Date.now() - startedAt) / 1000;
      const etaS = fraction > 0.02 ? (elapsedS / fraction) * (1 - fraction) : undefined;
      const timing = `${elapsedS.toFixed(0)}s${etaS === undefined ? '' : ` (~${etaS.toFixed(0)}s left)`}`;
      if (stream.isTTY) {
        const barWidth = 28;
        const filled = Math.round(fraction * barWidth);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
        stream.write(`\r\x1b[2K${title} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${timing} ${detail}`);
        drawn = true;
      } else if (Date.now() - lastLineAt > 5000 || done === total) {
        lastLineAt = Date.now();
        stream.write(`${title}: ${(fraction * 100).toFixed(0)}% ${timing} ${detail}\n`);
      }
    },
    done(message) {
      if (drawn) stream.write('\r\x1b[2K');
      if (message) stream.write(`${message}\n`);
    },
  };
}
