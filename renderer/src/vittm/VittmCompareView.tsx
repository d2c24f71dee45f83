import type { VittmCompareDocument } from '../../../electron/api/documents';
import { formatMs } from '../chart/staircase-data';
import { formatCount } from '../components/format';
import { ratioRows, ratioScale } from './vittm-view';

const ms = (value: number | null) => (value === null ? '–' : formatMs(value));

/** ViTTM against its ViT measured here: each model's latency, and per pair the latency ratio beside the MAC ratio. */
export function VittmCompareView({ document }: { document: VittmCompareDocument }) {
  const rows = ratioRows(document);
  const scale = ratioScale(rows);
  const width = (ratio: number) => `${Math.min(100, (100 * ratio) / scale)}%`;
  return (
    <section aria-label="ViTTM against ViT" data-testid="vittm-compare-view">
      <p className="lead">
        On {document.ep}, batch {document.batch}, patches {document.patchSetting}: {document.rounds.done} of {document.rounds.planned} rounds
        {document.complete ? '' : ' (incomplete)'}. A ratio below 1 is cheaper than the reference.
      </p>
      {document.failure ? (
        <div className="error" role="alert">
          <strong>The comparison stopped:</strong> {document.failure}
        </div>
      ) : null}
      <table data-testid="vittm-ratios">
        <caption className="visually-hidden">Latency ratio beside MAC ratio, per pair</caption>
        <thead>
          <tr>
            <th scope="col">pair</th>
            <th scope="col" className="number">latency ratio</th>
            <th scope="col" className="number">MAC ratio</th>
            <th scope="col">
              <span className="visually-hidden">bars</span>
            </th>
            <th scope="col">reading</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td className="number">
                {row.latency ? `${row.latency.median.toFixed(2)}×` : '–'}
                {row.latency && row.latency.rounds >= 2 ? <div className="hint">rounds {row.latency.q25.toFixed(2)}–{row.latency.q75.toFixed(2)}</div> : null}
              </td>
              <td className="number">{row.macRatio.toFixed(2)}×</td>
              <td className="ratio-bars" aria-hidden="true">
                <div className="ratio-bar latency" style={{ width: width(row.latency?.median ?? 0) }} />
                <div className="ratio-bar macs" style={{ width: width(row.macRatio) }} />
                <div className="ratio-one" style={{ left: width(1) }} />
              </td>
              <td>{row.reading}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="chart-legend">
        <li>
          <span className="swatch swatch-latency" aria-hidden="true" />
          latency ratio (median of the rounds)
        </li>
        <li>
          <span className="swatch swatch-macs" aria-hidden="true" />
          MAC ratio
        </li>
        <li>
          <span className="swatch swatch-one" aria-hidden="true" />
          1× (as costly as the reference)
        </li>
      </ul>
      <h3>Models</h3>
      <table data-testid="vittm-models">
        <caption className="visually-hidden">Each model timed end to end</caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">input</th>
            <th scope="col" className="number">MACs</th>
            <th scope="col" className="number">median</th>
            <th scope="col" className="number">p10–p90 ms</th>
            <th scope="col" className="number">n</th>
          </tr>
        </thead>
        <tbody>
          {document.models.map((model) => (
            <tr key={model.key}>
              <th scope="row">{model.label}</th>
              <td>{model.input}</td>
              <td className="number">{formatCount(model.macs)}</td>
              <td className="number">{ms(model.medianMs)}</td>
              <td className="number">{model.p10Ms === null || model.p90Ms === null ? '–' : `${model.p10Ms.toFixed(2)}–${model.p90Ms.toFixed(2)}`}</td>
              <td className="number">{model.samples}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {document.notes.length > 0 ? (
        <ul className="notes" aria-label="Notes from the comparison">
          {document.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
