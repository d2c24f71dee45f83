import type { ProbeResult } from '../../../../electron/api/contract';

/** Every provider tried: the ones that work, and for the others onnxruntime's reason and the fix. */
export function ProviderTable({ providers }: { providers: ProbeResult['onnxruntime']['providers'] }) {
  return (
    <table data-testid="provider-table">
      <caption className="visually-hidden">Execution providers tried on this machine</caption>
      <thead>
        <tr>
          <th scope="col">provider</th>
          <th scope="col">works here</th>
          <th scope="col" className="number">check</th>
          <th scope="col">in the npm package</th>
          <th scope="col">why not, and the fix</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((provider) => (
          <tr key={provider.ep}>
            <th scope="row">{provider.ep}</th>
            <td>{provider.works ? <span className="badge ok">works</span> : <span className="badge fail">does not work</span>}</td>
            <td className="number">{provider.checkMs.toFixed(0)} ms</td>
            <td>{provider.bundled === null ? 'unknown' : provider.bundled ? 'yes' : 'no'}</td>
            <td>
              {provider.error ? <div>{provider.error}</div> : null}
              {provider.nativeLog?.map((line) => (
                <div key={line}>
                  <code>{line}</code>
                </div>
              ))}
              {provider.fix && !provider.works ? <div>Fix: {provider.fix}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
