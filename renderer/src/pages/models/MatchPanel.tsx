import { useId, useState, type FormEvent } from 'react';
import { executionProviderChoiceSchema, type ApiRequest, type RunDetail } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { JobStatus } from '../../components/JobStatus';
import { useTrackedJob } from '../../jobs/use-tracked-job';
import { MatchView } from '../../match/MatchView';

type Ep = NonNullable<ApiRequest<'startMatch'>['ep']>;

const WORDS = {
  name: 'match',
  running: 'Timing your model and its stand-in in shuffled rounds…',
  complete: 'Match complete.',
  incomplete: 'Match ended early; the rounds measured are kept.',
  cancelled: 'Match cancelled; the rounds measured are kept.',
};

/** `edgetune match` from the Models page: which built-in stands in for the user's own ViT export. */
export function MatchPanel() {
  const { api } = useApp();
  const id = useId();
  const [model, setModel] = useState('');
  const [rounds, setRounds] = useState('5');
  const [ep, setEp] = useState<Ep>('auto');
  const [result, setResult] = useState<RunDetail>();
  const [resultError, setResultError] = useState<unknown>(null);
  const tracked = useTrackedJob({ kinds: ['match'], onEnd: (runId) => void api.getRun({ runId }).then(setResult, setResultError) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    setResultError(null);
    void tracked.start(() => api.startMatch({ model: model.trim(), rounds: Number(rounds), ep }));
  };
  const document = result?.documents.match;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Your own ViT</h2>
      <p className="lead">An image-input ViT export (timm or DeiT ONNX) beside the synthetic ViT of its shape: how far sweeps of the built-in speak for it.</p>
      <form onSubmit={submit} aria-labelledby={`${id}-heading`}>
        <div className="form-grid">
          <div className="field wide">
            <label htmlFor={`${id}-model`}>ONNX file on the engine's machine</label>
            <input id={`${id}-model`} value={model} onChange={(event) => setModel(event.target.value)} placeholder="/path/to/vit.onnx" required disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-rounds`}>rounds</label>
            <input id={`${id}-rounds`} type="number" min={1} max={1000} value={rounds} onChange={(event) => setRounds(event.target.value)} required disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-ep`}>execution provider</label>
            <select id={`${id}-ep`} value={ep} onChange={(event) => setEp(event.target.value as Ep)} disabled={tracked.busy}>
              {executionProviderChoiceSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={tracked.busy}>
            Match my model
          </button>
        </div>
      </form>
      <JobStatus tracked={tracked} words={WORDS} testId="match-status" showNotes={!document} />
      <ErrorNotice error={resultError} title="Could not read the match" />
      {document ? <MatchView document={document} /> : null}
    </section>
  );
}
