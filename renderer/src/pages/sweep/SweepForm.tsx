import { useId, useState, type FormEvent } from 'react';
import { executionProviderChoiceSchema, type ApiRequest, type ApiResponse } from '../../../../electron/api/contract';

export type SweepRequest = ApiRequest<'startSweep'>;
type ModelListing = ApiResponse<'listModels'>['models'][number];

const OWN_FILE = '__file__';

const STRATEGY_HINTS: Record<NonNullable<SweepRequest['strategy']>, string> = {
  auto: 'the whole model when that fits about 45 s, else one block',
  block: 'time one block, predict the whole model',
  whole: 'time the whole model at every count',
};

interface SweepFormProps {
  models: readonly ModelListing[];
  running: boolean;
  onStart: (request: SweepRequest) => void;
  onCancel: () => void;
}

function optionalInt(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** The options of `edgetune sweep`, with its defaults. */
export function SweepForm({ models, running, onStart, onCancel }: SweepFormProps) {
  const id = useId();
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
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onStart({
      model: model === OWN_FILE ? file.trim() : model,
      ep,
      fallback,
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
            <option value={OWN_FILE}>an ONNX file…</option>
          </select>
        </div>
        {model === OWN_FILE ? (
          <div className="field">
            <label htmlFor={`${id}-file`}>ONNX file on the engine's machine</label>
            <input id={`${id}-file`} value={file} onChange={(event) => setFile(event.target.value)} placeholder="/path/to/model.onnx" required disabled={running} />
          </div>
        ) : null}
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
        <label className="checkbox">
          <input type="checkbox" checked={fallback} onChange={(event) => setFallback(event.target.checked)} disabled={running} />
          fall back to a provider that works
        </label>
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
