import type { ValidationDocument } from '../../../electron/api/documents';
import { validationHeadline, validationRows, type VariantVerdict } from './validation-view';

const VERDICT_TONE: Record<VariantVerdict, string> = { reference: '', faster: 'ok', slower: 'fail', unclear: 'warn', 'not measured': 'warn' };

/** `edgetune validate`'s table: every variant measured here, beside what the profile predicted. */
export function ValidationView({ document }: { document: ValidationDocument }) {
  const rows = validationRows(document);
  const predicted = document.prediction !== null;
  return (
    <section aria-label="Validation on this device" data-testid="validation-view">
      <p className="summary" data-testid="validation-headline">
        {validationHeadline(document)}
        {document.complete ? '' : ' Incomplete: the run stopped early.'}
      </p>
      {document.failure ? (
        <div className="error" role="alert">
          <strong>The validation stopped:</strong> {document.failure}
        </div>
      ) : null}
      <div className="table-scroll">
        <table data-testid="validation-table">
          <caption className="visually-hidden">Variants timed end to end in shuffled rounds</caption>
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col" className="number">tokens out</th>
              <th scope="col" className="number">token·layers removed</th>
              <th scope="col" className="number">GMACs</th>
              <th scope="col" className="number">median (p10–p90 ms)</th>
              <th scope="col" className="number">n</th>
              <th scope="col" className="number">speedup</th>
              <th scope="col">verdict</th>
              {predicted ? (
                <>
                  <th scope="col" className="number">predicted</th>
                  <th scope="col" className="number">error</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-variant={row.key}>
                <th scope="row">{row.label}</th>
                <td className="number">{row.tokensOut ?? '–'}</td>
                <td className="number">{row.removedTokenLayers}</td>
                <td className="number">{row.gmacs}</td>
                <td className="number">
                  {row.medianMs}
                  <div className="hint">{row.spreadMs}</div>
                </td>
                <td className="number">{row.samples}</td>
                <td className="number">
                  {row.speedup}
                  {row.speedupRounds ? <div className="hint">rounds {row.speedupRounds}</div> : null}
                </td>
                <td>{row.verdict === 'reference' ? '' : <span className={`badge ${VERDICT_TONE[row.verdict]}`}>{row.verdict}</span>}</td>
                {predicted ? (
                  <>
                    <td className="number">
                      {row.predictedMs}
                      {row.predictedSpeedup ? <div className="hint">{row.predictedSpeedup}</div> : null}
                    </td>
                    <td className="number">{row.errorPct}</td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {predicted ? (
        <p className="hint">
          Predicted: the profile's latency model ({document.prediction?.source}) at each layer's token counts. Error: predicted against measured, relative to the baseline
          measured in this run.
        </p>
      ) : (
        <p className="hint">No profile beside the schedule: measured latencies only.</p>
      )}
      <h3>Verdict</h3>
      <ul data-testid="validation-verdict">
        {document.verdict.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className="hint">Top-K and ToMe matched by {document.matching.by === 'token-layers' ? 'tokens removed summed over layers' : 'predicted latency'}.</p>
      {document.notes.length > 0 ? (
        <ul className="notes" aria-label="Notes from the validation">
          {document.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
