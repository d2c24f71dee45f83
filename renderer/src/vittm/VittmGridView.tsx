import type { VittmGridDocument } from '../../../electron/api/documents';
import { formatMs, formatPct } from '../chart/staircase-data';
import { gridView } from './vittm-view';

/** One ViTTM at every memory × process count: a heatmap of latency, each row's steps marked where they start. */
export function VittmGridView({ document }: { document: VittmGridDocument }) {
  const view = gridView(document);
  return (
    <section aria-label="ViTTM memory × process grid" data-testid="vittm-grid-view">
      <p className="lead">
        {String(document.model.id ?? 'ViTTM')} on {document.ep}, batch {document.batch}
        {document.complete ? '' : ' (incomplete)'}: latency from {view.minMs === null ? '–' : formatMs(view.minMs)} to {view.maxMs === null ? '–' : formatMs(view.maxMs)};{' '}
        {view.stepCount === 0 ? 'no steps along the process axis.' : `${view.stepCount} step${view.stepCount === 1 ? '' : 's'} along the process axis (marked ▲ where the higher plateau starts).`}
      </p>
      {document.failure ? (
        <div className="error" role="alert">
          <strong>The grid stopped:</strong> {document.failure}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="heatmap" data-testid="vittm-grid">
          <caption className="visually-hidden">Median latency per memory (rows) and process (columns) token count</caption>
          <thead>
            <tr>
              <th scope="col">memory \ process</th>
              {view.processTokens.map((tokens) => (
                <th scope="col" className="number" key={tokens}>
                  {tokens}
                </th>
              ))}
              <th scope="col">row</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <tr key={row.memoryTokens}>
                <th scope="row">{row.memoryTokens}</th>
                {row.cells.map((cell) => (
                  <td
                    key={cell.processTokens}
                    className={`number heat${cell.step ? ' step-start' : ''}`}
                    style={cell.shade === null ? undefined : { backgroundColor: `color-mix(in srgb, var(--heat) ${Math.round(12 + 70 * cell.shade)}%, var(--surface))` }}
                    data-step={cell.step ? 'true' : undefined}
                  >
                    {cell.step ? (
                      <span className="step-mark" title={`step: +${formatPct(cell.step.jumpPct)}`}>
                        ▲<span className="visually-hidden"> step of +{formatPct(cell.step.jumpPct)} starts here; </span>
                      </span>
                    ) : null}
                    {cell.medianMs === null ? '–' : cell.medianMs.toFixed(2)}
                  </td>
                ))}
                <td className="hint">{row.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">Cells in ms; the stronger the colour, the slower. Each memory row is read as a staircase along the process axis.</p>
    </section>
  );
}
