import { useCallback, useId, useState, type FormEvent } from 'react';
import { executionProviderChoiceSchema, vittmPatchSettingSchema, type ApiRequest, type ApiResponse, type RunDetail } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { JobStatus } from '../../components/JobStatus';
import { useTrackedJob } from '../../jobs/use-tracked-job';
import { VittmCompareView } from '../../vittm/VittmCompareView';
import { VittmGridView } from '../../vittm/VittmGridView';

type ModelListing = ApiResponse<'listModels'>['models'][number];
type Ep = NonNullable<ApiRequest<'startVittmCompare'>['ep']>;
type Patches = NonNullable<ApiRequest<'startVittmCompare'>['patches']>;

const COMPARE_WORDS = {
  name: 'comparison',
  running: 'Timing ViTTM and ViT from the same image, in shuffled rounds…',
  complete: 'Comparison complete.',
  incomplete: 'Comparison ended early; the rounds measured are kept.',
  cancelled: 'Comparison cancelled; the rounds measured are kept.',
};
const GRID_WORDS = {
  name: 'grid',
  running: 'Timing the ViTTM at every memory × process count…',
  complete: 'Grid complete.',
  incomplete: 'Grid ended early; the cells measured are kept.',
  cancelled: 'Grid cancelled; the cells measured are kept.',
};

/** A finished job's run, read when the job ends. */
function useJobResult() {
  const { api } = useApp();
  const [result, setResult] = useState<RunDetail>();
  const [error, setError] = useState<unknown>(null);
  const load = useCallback((runId: string) => api.getRun({ runId }).then(setResult, setError), [api]);
  const clear = useCallback(() => (setResult(undefined), setError(null)), []);
  return { result, error, load, clear };
}

function EpSelect({ id, value, onChange, disabled }: { id: string; value: Ep; onChange: (value: Ep) => void; disabled: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>execution provider</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Ep)} disabled={disabled}>
        {executionProviderChoiceSchema.options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

function PatchSelect({ id, value, onChange, disabled }: { id: string; value: Patches; onChange: (value: Patches) => void; disabled: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>patches (memory/process)</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Patches)} disabled={disabled}>
        {vittmPatchSettingSchema.options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** ViT vs ViTTM measured on this device, and one ViTTM over a memory × process grid. */
export function VittmPanel({ vittms, functions }: { vittms: readonly ModelListing[]; functions: readonly string[] }) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>ViTTM on this device</h2>
      <p className="lead">
        ViTTM reads the image twice: many cheap memory tokens and few process tokens through the ViT blocks. Does its MAC saving turn into a time saving here?
      </p>
      {functions.includes('startVittmCompare') ? <CompareForm vittms={vittms} /> : null}
      {functions.includes('startVittmGrid') ? <GridForm vittms={vittms} /> : null}
    </section>
  );
}

function CompareForm({ vittms }: { vittms: readonly ModelListing[] }) {
  const { api, navigate } = useApp();
  const id = useId();
  const [vittm, setVittm] = useState('vittm-b');
  const [vit, setVit] = useState('');
  const [pruned, setPruned] = useState('macs');
  const [rounds, setRounds] = useState('5');
  const [patches, setPatches] = useState<Patches>('16/32');
  const [ep, setEp] = useState<Ep>('auto');
  const outcome = useJobResult();
  const tracked = useTrackedJob({ kinds: ['vittm-compare'], onEnd: outcome.load });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    outcome.clear();
    const prunedTokens = pruned === 'macs' || pruned === 'process' || pruned === 'none' ? pruned : Number(pruned);
    void tracked.start(() =>
      api.startVittmCompare({ vittm: [vittm], ...(vit.trim() ? { vit: [vit.trim()] } : {}), prunedTokens, rounds: Number(rounds), patches, ep }),
    );
  };
  const document = outcome.result?.documents.vittmCompare;
  return (
    <>
      <h3 id={`${id}-heading`}>ViT vs ViTTM</h3>
      <form onSubmit={submit} aria-labelledby={`${id}-heading`}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-vittm`}>ViTTM</label>
            <select id={`${id}-vittm`} value={vittm} onChange={(event) => setVittm(event.target.value)} disabled={tracked.busy}>
              {vittms.map((listing) => (
                <option key={listing.id} value={listing.id}>
                  {listing.id}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-vit`}>against ViT</label>
            <input id={`${id}-vit`} value={vit} onChange={(event) => setVit(event.target.value)} placeholder={`${vittm.replace('vittm-', 'vit-')}16`} disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-pruned`}>pruned ViT at</label>
            <input
              id={`${id}-pruned`}
              list={`${id}-pruned-choices`}
              value={pruned}
              onChange={(event) => setPruned(event.target.value)}
              pattern="macs|process|none|[1-9][0-9]*"
              aria-describedby={`${id}-pruned-hint`}
              required
              disabled={tracked.busy}
            />
            <datalist id={`${id}-pruned-choices`}>
              <option value="macs" />
              <option value="process" />
              <option value="none" />
            </datalist>
            <span className="hint" id={`${id}-pruned-hint`}>
              macs: the ViTTM's MACs; process: its process tokens; a count; or none
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-rounds`}>rounds</label>
            <input id={`${id}-rounds`} type="number" min={1} max={1000} value={rounds} onChange={(event) => setRounds(event.target.value)} required disabled={tracked.busy} />
          </div>
          <PatchSelect id={`${id}-patches`} value={patches} onChange={setPatches} disabled={tracked.busy} />
          <EpSelect id={`${id}-ep`} value={ep} onChange={setEp} disabled={tracked.busy} />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={tracked.busy}>
            Compare ViT and ViTTM
          </button>
        </div>
      </form>
      <JobStatus tracked={tracked} words={COMPARE_WORDS} testId="vittm-compare-status" showNotes={!document} />
      <ErrorNotice error={outcome.error} title="Could not read the comparison" />
      {document && outcome.result ? (
        <>
          <VittmCompareView document={document} />
          <div className="actions">
            <button type="button" onClick={() => navigate({ page: 'runs', param: outcome.result!.run.runId })}>
              Open the comparison run
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}

function GridForm({ vittms }: { vittms: readonly ModelListing[] }) {
  const { api, navigate } = useApp();
  const id = useId();
  const [vittm, setVittm] = useState('vittm-s');
  const [process, setProcess] = useState('');
  const [memory, setMemory] = useState('');
  const [passes, setPasses] = useState('2');
  const [patches, setPatches] = useState<Patches>('16/32');
  const [ep, setEp] = useState<Ep>('auto');
  const outcome = useJobResult();
  const tracked = useTrackedJob({ kinds: ['vittm-grid'], onEnd: outcome.load });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    outcome.clear();
    void tracked.start(() =>
      api.startVittmGrid({ vittm, ...(process.trim() ? { process: process.trim() } : {}), ...(memory.trim() ? { memory: memory.trim() } : {}), passes: Number(passes), patches, ep }),
    );
  };
  const document = outcome.result?.documents.vittmGrid;
  return (
    <>
      <h3 id={`${id}-heading`}>Memory × process grid</h3>
      <form onSubmit={submit} aria-labelledby={`${id}-heading`}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-vittm`}>ViTTM</label>
            <select id={`${id}-vittm`} value={vittm} onChange={(event) => setVittm(event.target.value)} disabled={tracked.busy}>
              {vittms.map((listing) => (
                <option key={listing.id} value={listing.id}>
                  {listing.id}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-process`}>process tokens</label>
            <input id={`${id}-process`} value={process} onChange={(event) => setProcess(event.target.value)} placeholder="16:64:8" aria-describedby={`${id}-lists-hint`} disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-memory`}>memory tokens</label>
            <input id={`${id}-memory`} value={memory} onChange={(event) => setMemory(event.target.value)} placeholder="49,100,196" aria-describedby={`${id}-lists-hint`} disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-passes`}>passes</label>
            <input id={`${id}-passes`} type="number" min={1} max={50} value={passes} onChange={(event) => setPasses(event.target.value)} required disabled={tracked.busy} />
          </div>
          <PatchSelect id={`${id}-patches`} value={patches} onChange={setPatches} disabled={tracked.busy} />
          <EpSelect id={`${id}-ep`} value={ep} onChange={setEp} disabled={tracked.busy} />
        </div>
        <p className="hint" id={`${id}-lists-hint`}>
          Counts and ranges A:B or A:B:STEP, comma-separated; empty: the defaults shown. A grid of ViTTM-B on a CPU takes the better part of an hour.
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={tracked.busy}>
            Time the grid
          </button>
        </div>
      </form>
      <JobStatus tracked={tracked} words={GRID_WORDS} testId="vittm-grid-status" showNotes={!document} />
      <ErrorNotice error={outcome.error} title="Could not read the grid" />
      {document && outcome.result ? (
        <>
          <VittmGridView document={document} />
          <div className="actions">
            <button type="button" onClick={() => navigate({ page: 'runs', param: outcome.result!.run.runId })}>
              Open the grid run
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}
