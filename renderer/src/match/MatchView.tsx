import type { MatchDocument } from '../../../electron/api/documents';
import { formatMs } from '../chart/staircase-data';

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : formatMs(value));

/** `edgetune match`: the user's own ViT beside the synthetic stand-in EdgeTune builds for its shape. */
export function MatchView({ document }: { document: MatchDocument }) {
  const { architecture, measured } = document;
  return (
    <section aria-label="Your model against its stand-in" data-testid="match-view">
      <dl className="facts">
        <dt>model</dt>
        <dd>
          <code>{document.model.file}</code>
        </dd>
        <dt>architecture</dt>
        <dd>
          depth {architecture.depth}, width {architecture.width}, {architecture.heads} heads, {architecture.tokens} tokens
        </dd>
        <dt>built-in of the same shape</dt>
        <dd>{document.builtin ?? 'none'}</dd>
        <dt>your model</dt>
        <dd>{ms(measured.model?.medianMs)}</dd>
        <dt>the stand-in</dt>
        <dd>{ms(measured.standIn?.medianMs)}</dd>
        <dt>stand-in's latency error</dt>
        <dd>{document.latencyErrorPct === null ? '–' : `${document.latencyErrorPct >= 0 ? '+' : '−'}${Math.abs(document.latencyErrorPct).toFixed(1)} %`}</dd>
        <dt>rounds</dt>
        <dd>
          {document.rounds.done} of {document.rounds.planned} on {document.ep}
          {document.complete ? '' : ' (incomplete)'}
        </dd>
      </dl>
      {document.differences.length > 0 ? (
        <>
          <h3>Differences from the stand-in</h3>
          <ul>
            {document.differences.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      <ul data-testid="match-verdict">
        {document.verdict.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
