import { useId, useState, type FormEvent } from 'react';
import { executionProviderChoiceSchema, precisionSchema, type ApiRequest, type ApiResponse, type ProbeResult } from '../../../../electron/api/contract';

export type SweepRequest = ApiRequest<'startSweep'>;
type ModelListing = ApiResponse<'listModels'>['models'][number];
type Backend = NonNullable<SweepRequest['backend']>;
type TorchDevice = NonNullable<SweepRequest['device']>;
type Precision = NonNullable<SweepRequest['dtype']>;

const BACKEND_NAMES: Record<Backend, string> = { ort: 'onnxruntime', torch: 'PyTorch', trt: 'TensorRT (trtexec)' };

/** The runtimes the probe found working here; onnxruntime always is. */
export function availableBackends(backends: ProbeResult['backends']): Backend[] {
  return ['ort', ...(backends?.torch.available ? (['torch'] as const) : []), ...(backends?.tensorrt.available ? (['trt'] as const) : [])];
}

/** PyTorch's devices the probe saw torch use. */
function torchDevices(backends: ProbeResult['backends']): TorchDevice[] {
  const torch = backends?.torch;
  return ['auto', 'cpu', ...(torch?.cuda?.available ? (['cuda'] as const) : []), ...(torch?.mps?.available ? (['mps'] as const) : [])];
}

const OWN_FILE = '__file__';

const STRATEGY_HINTS: Record<NonNullable<SweepRequest['strategy']>, string> = {
  auto: 'the whole model when that fits about 45 s, else one block',
  block: 'time one block, predict the whole model',
  whole: 'time the whole model at every count',
};

interface SweepFormProps {
  models: readonly ModelListing[];
  /** the probe's other runtimes; the runtime choice is shown only when one of them works here */
  backends?: ProbeResult['backends'];
  running: boolean;
  onStart: (request: SweepRequest) => void;
  onCancel: () => void;
}

function optionalInt(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** The options of `edgetune sweep`, with its defaults. */
export function SweepForm({ models, backends, running, onStart, onCancel }: SweepFormProps) {
  const id = useId();
  const runtimes = availableBackends(backends);
  const [backend, setBackend] = useState<Backend>('ort');
  const [device, setDevice] = useState<TorchDevice>('auto');
  const [dtype, setDtype] = useState<Precision>('fp32');
  const [cudaGraphs, setCudaGraphs] = useState(false);
  const [python, setPython] = useState('');
  const [trtexec, setTrtexec] = useState('');
  const [width, setWidth] = useState('');
  const [model, setModel] = useState('vit-b16');
  const [file, setFile] = useState('');
  const [ep, setEp] = useState<NonNullable<SweepRequest['ep']>>('auto');
  const [fallback, setFallback] = useState(false);
  const [tokens, setTokens] = useState('');
  const [batch, setBatch] = useState('1');
  const [passes, setPasses] = useState('');
  const [strategy, setStrategy] = useState<NonNullable<SweepRequest['strategy']>>('auto');
  const [validate, setValidate] = useState(true);
  const [threads, setThreads] = useState('');
  const [seed, setSeed] = useState('');
  const [smCount, setSmCount] = useState('');

  const chosen = models.find((listing) => listing.id === model);
  // A runtime the probe no longer offers (probed again) falls back to onnxruntime.
  const runtime = runtimes.includes(backend) ? backend : 'ort';
  const ownModel = model === OWN_FILE;
  const runtimeOptions = (): Partial<SweepRequest> => {
    if (runtime === 'ort') return { ep, fallback };
    const shared = { backend: runtime, dtype, cudaGraphs: cudaGraphs && (runtime === 'trt' || device === 'cuda' || device === 'auto') };
    if (runtime === 'trt') return { ...shared, ...(trtexec.trim() ? { trtexec: trtexec.trim() } : {}) };
    return { ...shared, device, ...(python.trim() ? { python: python.trim() } : {}), ...(ownModel && width.trim() ? { width: Number(width) } : {}) };
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onStart({
      model: ownModel ? file.trim() : model,
      ...runtimeOptions(),
      ...(tokens.trim() ? { tokens: tokens.trim() } : {}),
      batch: Number(batch),
      passes: optionalInt(passes),
      strategy,
      validate,
      threads: optionalInt(threads),
      seed: optionalInt(seed),
      smCount: optionalInt(smCount),
    });
  };

  return (
    <form className="panel" onSubmit={submit} aria-label="Sweep options">
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-model`}>model</label>
          <select id={`${id}-model`} value={model} onChange={(event) => setModel(event.target.value)} disabled={running}>
            {models.map((listing) => (
              <option key={listing.id} value={listing.id}>
                {listing.id}
              </option>
            ))}
            <option value={OWN_FILE}>{runtime === 'torch' ? 'your own model…' : 'an ONNX file…'}</option>
          </select>
        </div>
        {ownModel ? (
          <div className="field">
            <label htmlFor={`${id}-file`}>{runtime === 'torch' ? "model on the engine's machine" : "ONNX file on the engine's machine"}</label>
            <input
              id={`${id}-file`}
              value={file}
              onChange={(event) => setFile(event.target.value)}
              placeholder={runtime === 'torch' ? 'mypkg.models:make_vit or model.pt' : '/path/to/model.onnx'}
              required
              disabled={running}
            />
          </div>
        ) : null}
        {runtimes.length > 1 ? (
          <div className="field">
            <label htmlFor={`${id}-backend`}>runtime</label>
            <select id={`${id}-backend`} value={runtime} onChange={(event) => setBackend(event.target.value as Backend)} disabled={running} aria-describedby={`${id}-backend-hint`}>
              {runtimes.map((name) => (
                <option key={name} value={name}>
                  {BACKEND_NAMES[name]}
                </option>
              ))}
            </select>
            <span className="hint" id={`${id}-backend-hint`}>
              {runtime === 'torch' ? `PyTorch ${backends?.torch.torch ?? ''} on ${backends?.torch.python ?? 'python'}` : runtime === 'trt' ? `TensorRT ${backends?.tensorrt.version ?? ''}` : 'what times the model'}
            </span>
          </div>
        ) : null}
        {runtime === 'ort' ? (
          <div className="field">
            <label htmlFor={`${id}-ep`}>execution provider</label>
            <select id={`${id}-ep`} value={ep} onChange={(event) => setEp(event.target.value as typeof ep)} disabled={running}>
              {executionProviderChoiceSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {runtime === 'torch' ? (
          <div className="field">
            <label htmlFor={`${id}-device`}>device</label>
            <select id={`${id}-device`} value={device} onChange={(event) => setDevice(event.target.value as TorchDevice)} disabled={running}>
              {torchDevices(backends).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {runtime !== 'ort' ? (
          <div className="field">
            <label htmlFor={`${id}-dtype`}>precision</label>
            <select id={`${id}-dtype`} value={dtype} onChange={(event) => setDtype(event.target.value as Precision)} disabled={running}>
              {precisionSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-tokens`}>tokens (A:B)</label>
          <input
            id={`${id}-tokens`}
            value={tokens}
            onChange={(event) => setTokens(event.target.value)}
            placeholder={`1:${chosen?.tokens ?? 197}`}
            pattern="\d+:\d+"
            aria-describedby={`${id}-tokens-hint`}
            disabled={running}
          />
          <span className="hint" id={`${id}-tokens-hint`}>
            empty: 1 to the model's full count
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-batch`}>batch</label>
          <input id={`${id}-batch`} type="number" min={1} max={4096} value={batch} onChange={(event) => setBatch(event.target.value)} required disabled={running} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-passes`}>passes</label>
          <input id={`${id}-passes`} type="number" min={1} max={50} value={passes} onChange={(event) => setPasses(event.target.value)} placeholder="4" disabled={running} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-strategy`}>strategy</label>
          <select
            id={`${id}-strategy`}
            value={strategy}
            onChange={(event) => setStrategy(event.target.value as typeof strategy)}
            aria-describedby={`${id}-strategy-hint`}
            disabled={running}
          >
            <option value="auto">auto</option>
            <option value="block">block</option>
            <option value="whole">whole</option>
          </select>
          <span className="hint" id={`${id}-strategy-hint`}>
            {STRATEGY_HINTS[strategy]}
          </span>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={validate} onChange={(event) => setValidate(event.target.checked)} disabled={running} />
          check the block against the whole model
        </label>
        {runtime === 'ort' ? (
          <label className="checkbox">
            <input type="checkbox" checked={fallback} onChange={(event) => setFallback(event.target.checked)} disabled={running} />
            fall back to a provider that works
          </label>
        ) : (
          <label className="checkbox">
            <input type="checkbox" checked={cudaGraphs} onChange={(event) => setCudaGraphs(event.target.checked)} disabled={running || (runtime === 'torch' && device !== 'cuda' && device !== 'auto')} />
            {runtime === 'torch' ? 'CUDA graphs (one per token count)' : 'CUDA graph (trtexec --useCudaGraph)'}
          </label>
        )}
      </div>
      <details>
        <summary>More options</summary>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-threads`}>intra-op threads</label>
            <input id={`${id}-threads`} type="number" min={1} value={threads} onChange={(event) => setThreads(event.target.value)} placeholder="onnxruntime's default" disabled={running} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-seed`}>seed</label>
            <input id={`${id}-seed`} type="number" min={0} value={seed} onChange={(event) => setSeed(event.target.value)} placeholder="1" disabled={running} />
          </div>
          {runtime === 'torch' ? (
            <div className="field">
              <label htmlFor={`${id}-python`}>python</label>
              <input id={`${id}-python`} value={python} onChange={(event) => setPython(event.target.value)} placeholder={backends?.torch.python ?? 'python3'} disabled={running} />
            </div>
          ) : null}
          {runtime === 'torch' && ownModel ? (
            <div className="field">
              <label htmlFor={`${id}-width`}>token width</label>
              <input id={`${id}-width`} type="number" min={1} value={width} onChange={(event) => setWidth(event.target.value)} placeholder="the model's embed_dim" disabled={running} />
            </div>
          ) : null}
          {runtime === 'trt' ? (
            <div className="field">
              <label htmlFor={`${id}-trtexec`}>trtexec</label>
              <input id={`${id}-trtexec`} value={trtexec} onChange={(event) => setTrtexec(event.target.value)} placeholder={backends?.tensorrt.trtexec ?? 'trtexec'} disabled={running} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${id}-sm`}>SM count (predict steps for this GPU)</label>
            <input id={`${id}-sm`} type="number" min={1} value={smCount} onChange={(event) => setSmCount(event.target.value)} placeholder="from the native probe" disabled={running} />
          </div>
        </div>
      </details>
      <div className="actions">
        <button type="submit" className="primary" disabled={running}>
          Start sweep
        </button>
        <button type="button" onClick={onCancel} disabled={!running}>
          Cancel
        </button>
      </div>
    </form>
  );
}
