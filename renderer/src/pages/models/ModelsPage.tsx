import { useApp } from '../../app/api-context';
import { useCall } from '../../app/use-call';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount } from '../../components/format';
import { MatchPanel } from './MatchPanel';
import { VittmPanel } from './VittmPanel';

/** The built-in architectures, with their sizes as `edgetune models` lists them. */
export function ModelsPage() {
  const { api, info } = useApp();
  const models = useCall(() => api.listModels({}), [api]);
  const listings = models.value?.models ?? [];
  const hasTokenSplit = listings.some((listing) => listing.memoryTokens !== undefined);
  const vittms = listings.filter((listing) => listing.memoryTokens !== undefined);
  const measuresVittm = info.functions.includes('startVittmCompare') || info.functions.includes('startVittmGrid');
  return (
    <>
      <p className="lead">
        Built-in models are ONNX graphs generated with seeded weights; MACs count one forward pass at the full token count, batch 1.
      </p>
      <ErrorNotice error={models.error} title="Could not list the models" />
      {models.loading && !models.value ? <p role="status">Loading…</p> : null}
      {listings.length > 0 ? (
        <div className="panel">
          <table data-testid="models-table">
            <caption className="visually-hidden">Built-in architectures</caption>
            <thead>
              <tr>
                <th scope="col">id</th>
                <th scope="col">family</th>
                <th scope="col" className="number">depth</th>
                <th scope="col" className="number">width</th>
                <th scope="col" className="number">heads</th>
                <th scope="col" className="number">tokens</th>
                {hasTokenSplit ? (
                  <>
                    <th scope="col" className="number">memory tokens</th>
                    <th scope="col" className="number">process tokens</th>
                  </>
                ) : null}
                <th scope="col" className="number">parameters</th>
                <th scope="col" className="number">MACs</th>
              </tr>
            </thead>
            <tbody>
              {listings.map((listing) => (
                <tr key={listing.id}>
                  <th scope="row">{listing.id}</th>
                  <td>{listing.family}</td>
                  <td className="number">{listing.depth}</td>
                  <td className="number">{listing.width}</td>
                  <td className="number">{listing.heads}</td>
                  <td className="number">{listing.tokens}</td>
                  {hasTokenSplit ? (
                    <>
                      <td className="number">{listing.memoryTokens ?? '–'}</td>
                      <td className="number">{listing.processTokens ?? '–'}</td>
                    </>
                  ) : null}
                  <td className="number">{formatCount(listing.params)}</td>
                  <td className="number">{formatCount(listing.macs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {measuresVittm && vittms.length > 0 ? <VittmPanel vittms={vittms} functions={info.functions} /> : null}
      {info.functions.includes('startMatch') ? <MatchPanel /> : null}
    </>
  );
}
