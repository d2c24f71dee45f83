import { useId, useState, type FormEvent } from 'react';
import { executionProviderChoiceSchema, type ApiRequest, type ApiResponse } from '../../../../electron/api/contract';

export type AlignRequest = ApiRequest<'startAlign'>;
type AlignOptions = ApiResponse<'listAlignOptions'>;
type Algorithm = NonNullable<AlignRequest['algorithm']>;
type BudgetKind = 'steps' | 'images' | 'timeSeconds';

const BUDGET_LABELS: Record<BudgetKind, string> = { steps: 'generations', images: 'images', timeSeconds: 'seconds' };
const OWN_FOLDER = '__folder__';

function optionalNumber(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

interface AlignFormProps {
  options: AlignOptions;
  running: boolean;
  onStart: (request: AlignRequest) => void;
}

/** The options of `edgetune align`, with its defaults and the reward spec's grammar beside the field. */
export function AlignForm({ options, running, onStart }: AlignFormProps) {
  const id = useId();
  const [modelChoice, setModelChoice] = useState(options.defaultModel.installed ? 'default' : OWN_FOLDER);
  const [folder, setFolder] = useState('');
  const [prompt, setPrompt] = useState('');
  const [reward, setReward] = useState(options.defaults.reward);
  const [algorithm, setAlgorithm] = useState<Algorithm>(options.defaults.algorithm);
  const [budgetKind, setBudgetKind] = useState<BudgetKind>('steps');
  const [budget, setBudget] = useState(String(options.defaults.steps));
  const [population, setPopulation] = useState('');
  const [seed, setSeed] = useState(String(options.defaults.seed));
  const [shell, setShell] = useState(false);
  const [denoiseSteps, setDenoiseSteps] = useState('');
  const [sampler, setSampler] = useState<'' | 'ddim' | 'euler'>('');
  const [batch, setBatch] = useState('');
  const [guidance, setGuidance] = useState('');
  const [negativePrompt, setNegativePrompt] = useState('');
  const [ep, setEp] = useState<NonNullable<AlignRequest['ep']>>('auto');
  const [threads, setThreads] = useState('');

  const chosenAlgorithm = options.algorithms.find((entry) => entry.name === algorithm);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onStart({
      model: modelChoice === OWN_FOLDER ? folder.trim() : 'default',
      ...(prompt.trim() ? { prompt } : {}),
      ...(negativePrompt.trim() ? { negativePrompt } : {}),
      reward: reward.trim(),
      algorithm,
      [budgetKind]: Number(budget),
      populationSize: optionalNumber(population),
      seed: Number(seed),
      shell,
      denoiseSteps: optionalNumber(denoiseSteps),
      ...(sampler ? { sampler } : {}),
      batch: optionalNumber(batch),
      guidance: optionalNumber(guidance),
      ep,
      threads: optionalNumber(threads),
    });
  };

  return (
    <form className="panel" onSubmit={submit} aria-label="Alignment options">
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-model`}>model</label>
          <select id={`${id}-model`} value={modelChoice} onChange={(event) => setModelChoice(event.target.value)} disabled={running} aria-describedby={`${id}-model-hint`}>
            <option value="default">default ({options.defaultModel.name})</option>
            <option value={OWN_FOLDER}>a model folder…</option>
          </select>
          <span className="hint" id={`${id}-model-hint`}>
            {options.defaultModel.installed ? 'unconditional, 32×32' : `the default is not installed: ${options.defaultModel.reason ?? ''}`}
          </span>
        </div>
        {modelChoice === OWN_FOLDER ? (
          <div className="field wide">
            <label htmlFor={`${id}-folder`}>model folder on the engine's machine</label>
            <input
              id={`${id}-folder`}
              value={folder}
              onChange={(event) => setFolder(event.target.value)}
              placeholder="/path/to/sd15-onnx"
              required
              disabled={running}
              aria-describedby={`${id}-folder-hint`}
            />
            <span className="hint" id={`${id}-folder-hint`}>
              an EdgeTune model (model.json) or a Stable Diffusion ONNX export (model_index.json)
            </span>
          </div>
        ) : null}
        <div className="field wide">
          <label htmlFor={`${id}-prompt`}>prompt</label>
          <input id={`${id}-prompt`} value={prompt} onChange={(event) => setPrompt(event.target.value)} placeholder="a lighthouse at dusk (Stable Diffusion only)" disabled={running} />
        </div>
        <div className="field wide">
          <label htmlFor={`${id}-reward`}>reward</label>
          <input
            id={`${id}-reward`}
            value={reward}
            onChange={(event) => setReward(event.target.value)}
            list={`${id}-reward-examples`}
            required
            spellCheck={false}
            disabled={running}
            aria-describedby={`${id}-reward-hint`}
          />
          <datalist id={`${id}-reward-examples`}>
            {options.rewardExamples.map((example) => (
              <option key={example.spec} value={example.spec}>
                {example.meaning}
              </option>
            ))}
          </datalist>
          <span className="hint" id={`${id}-reward-hint`}>
            e.g. {options.rewardExamples.map((example) => example.spec).join(' · ')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-algorithm`}>algorithm</label>
          <select id={`${id}-algorithm`} value={algorithm} onChange={(event) => setAlgorithm(event.target.value as Algorithm)} disabled={running} aria-describedby={`${id}-algorithm-hint`}>
            {options.algorithms.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
          <span className="hint" id={`${id}-algorithm-hint`}>
            {chosenAlgorithm ? `${chosenAlgorithm.description}; population ${chosenAlgorithm.populationSize}` : ''}
          </span>
        </div>
        <fieldset className="field budget">
          <legend className="label">budget</legend>
          <div className="radio-row">
            {(Object.keys(BUDGET_LABELS) as BudgetKind[]).map((kind) => (
              <label key={kind} className="checkbox">
                <input type="radio" name={`${id}-budget-kind`} value={kind} checked={budgetKind === kind} onChange={() => setBudgetKind(kind)} disabled={running} />
                {BUDGET_LABELS[kind]}
              </label>
            ))}
          </div>
          <label htmlFor={`${id}-budget`} className="visually-hidden">
            {BUDGET_LABELS[budgetKind]}
          </label>
          <input id={`${id}-budget`} type="number" min={budgetKind === 'timeSeconds' ? 0.001 : 1} step={budgetKind === 'timeSeconds' ? 'any' : 1} value={budget} onChange={(event) => setBudget(event.target.value)} required disabled={running} />
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-population`}>population</label>
          <input id={`${id}-population`} type="number" min={1} max={4096} value={population} onChange={(event) => setPopulation(event.target.value)} placeholder={chosenAlgorithm?.populationSize} disabled={running} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-seed`}>seed</label>
          <input id={`${id}-seed`} type="number" min={0} value={seed} onChange={(event) => setSeed(event.target.value)} required disabled={running} />
        </div>
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
      </div>
      <details>
        <summary>The reward spec's grammar</summary>
        <ul className="grammar">
          {options.rewardGrammar.map((line) => (
            <li key={line}>
              <code>{line}</code>
            </li>
          ))}
        </ul>
        <table>
          <caption className="visually-hidden">Built-in rewards</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">what it measures</th>
              <th scope="col">default</th>
            </tr>
          </thead>
          <tbody>
            {options.rewards.map((entry) => (
              <tr key={entry.name}>
                <th scope="row">
                  <code>{entry.name}</code>
                </th>
                <td>{entry.description}</td>
                <td>
                  {entry.defaultDirection === 'min' ? 'minimised' : 'maximised'}: {entry.favours[entry.defaultDirection]}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details>
        <summary>More options</summary>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-denoise`}>denoising steps</label>
            <input id={`${id}-denoise`} type="number" min={1} max={1000} value={denoiseSteps} onChange={(event) => setDenoiseSteps(event.target.value)} placeholder="the model's" disabled={running} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-sampler`}>sampler</label>
            <select id={`${id}-sampler`} value={sampler} onChange={(event) => setSampler(event.target.value as typeof sampler)} disabled={running}>
              <option value="">the model's</option>
              <option value="ddim">ddim</option>
              <option value="euler">euler</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-batch`}>images per model call</label>
            <input id={`${id}-batch`} type="number" min={1} max={1024} value={batch} onChange={(event) => setBatch(event.target.value)} placeholder="EdgeTune 4, SD 1" disabled={running} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-threads`}>intra-op threads</label>
            <input id={`${id}-threads`} type="number" min={1} max={1024} value={threads} onChange={(event) => setThreads(event.target.value)} placeholder="onnxruntime's default" disabled={running} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-guidance`}>guidance (SD)</label>
            <input id={`${id}-guidance`} type="number" min={0} max={100} step="any" value={guidance} onChange={(event) => setGuidance(event.target.value)} placeholder="7.5" disabled={running} />
          </div>
          <div className="field wide">
            <label htmlFor={`${id}-negative`}>negative prompt (SD)</label>
            <input id={`${id}-negative`} value={negativePrompt} onChange={(event) => setNegativePrompt(event.target.value)} disabled={running} />
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={shell} onChange={(event) => setShell(event.target.checked)} disabled={running} />
            keep candidates on the Gaussian shell
          </label>
        </div>
      </details>
      <div className="actions">
        <button type="submit" className="primary" disabled={running}>
          Start alignment
        </button>
      </div>
    </form>
  );
}
