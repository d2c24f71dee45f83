import { useProbe } from '../../app/use-probe';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../components/format';
import { NativeFactsPanel } from './NativeFactsPanel';
import { ProviderTable } from './ProviderTable';
import type { NativeFacts } from '../../../../electron/engine/probe/native/native-probe';

export function DevicePage() {
  const probe = useProbe();
  const result = probe.value;
  return (
    <>
      <p className="lead">This machine, and which onnxruntime execution providers really run a graph here.</p>
      <div className="actions">
        <button type="button" onClick={probe.reload} disabled={probe.loading}>
          Probe again
        </button>
        <span role="status">{probe.loading ? 'Probing this machine (a few seconds)…' : result ? `Probed at ${new Date(result.createdAt).toLocaleTimeString()}` : ''}</span>
      </div>
      <ErrorNotice error={probe.error} title="The probe failed" />
      {result ? (
        <>
          <section className="panel" aria-labelledby="device-system">
            <h2 id="device-system">System</h2>
            <dl className="facts">
              <dt>CPU</dt>
              <dd>
                {result.system.cpu.model} — {result.system.cpu.cores} cores ({result.system.cpu.physicalCores} physical)
                {result.system.cpu.speedGHz ? `, ${result.system.cpu.speedGHz} GHz` : ''}
              </dd>
              <dt>memory</dt>
              <dd>{formatBytes(result.system.memory.totalBytes)}</dd>
              <dt>OS</dt>
              <dd>
                {result.system.os.distro} {result.system.os.release} ({result.system.os.platform} {result.system.os.arch}, kernel {result.system.os.kernel})
              </dd>
              <dt>GPUs</dt>
              <dd>
                {result.system.gpus.length === 0
                  ? 'none reported'
                  : result.system.gpus.map((gpu) => `${gpu.vendor} ${gpu.model}${gpu.vramMb ? ` (${formatBytes(gpu.vramMb * 2 ** 20)})` : ''}`).join('; ')}
              </dd>
              <dt>Node.js</dt>
              <dd>{result.system.node}</dd>
              {Object.entries(result.system.unavailable).map(([fact, reason]) => (
                <FactUnavailable key={fact} fact={fact} reason={reason} />
              ))}
            </dl>
          </section>
          <section className="panel" aria-labelledby="device-providers">
            <h2 id="device-providers">Execution providers</h2>
            <p>
              onnxruntime {result.onnxruntime.version}; <code>--ep auto</code> picks <strong data-testid="best-provider">{result.bestProvider}</strong>.
            </p>
            <ProviderTable providers={result.onnxruntime.providers} />
          </section>
          {result.backends ? (
            <section className="panel" aria-labelledby="device-runtimes">
              <h2 id="device-runtimes">Other runtimes</h2>
              <p>Sweeps can time a model in PyTorch or TensorRT instead of onnxruntime where these work.</p>
              <dl className="facts" data-testid="runtime-facts">
                <dt>PyTorch</dt>
                <dd>
                  {result.backends.torch.available ? (
                    <>
                      <span className="badge ok">works</span> torch {result.backends.torch.torch} on {result.backends.torch.python}
                      {result.backends.torch.cuda?.available ? ', CUDA' : ''}
                      {result.backends.torch.mps?.available ? ', MPS' : ''}
                    </>
                  ) : (
                    <RuntimeMissing reason={result.backends.torch.reason} fix={result.backends.torch.fix} />
                  )}
                </dd>
                <dt>TensorRT</dt>
                <dd>
                  {result.backends.tensorrt.available ? (
                    <>
                      <span className="badge ok">works</span> trtexec {result.backends.tensorrt.version ?? ''} at {result.backends.tensorrt.trtexec}
                    </>
                  ) : (
                    <RuntimeMissing reason={result.backends.tensorrt.reason} fix={result.backends.tensorrt.fix} />
                  )}
                </dd>
              </dl>
            </section>
          ) : null}
          <section className="panel" aria-labelledby="device-native">
            <h2 id="device-native">GPU facts from the native probe</h2>
            <NativeFactsPanel native={result.native as NativeFacts | undefined} />
          </section>
        </>
      ) : null}
    </>
  );
}

function RuntimeMissing({ reason, fix }: { reason?: string; fix?: string }) {
  return (
    <>
      <span className="badge fail">not available</span> {reason ?? ''}
      {fix ? <div className="hint">Fix: {fix}</div> : null}
    </>
  );
}

function FactUnavailable({ fact, reason }: { fact: string; reason: string }) {
  return (
    <>
      <dt>{fact}</dt>
      <dd>not read: {reason}</dd>
    </>
  );
}
