import { useState } from 'react';
import type { CandidateRecord } from '../../../electron/api/documents';
import { ErrorNotice } from '../components/ErrorNotice';
import { describeOperator, formatReward, type CandidateRef, type ParentLink } from './align-data';
import { useRunImage } from './use-align-run';

/** The PNG text fields, in the order a user reads them; any others follow. */
const TEXT_ORDER = ['prompt', 'model', 'rewardSpec', 'reward', 'violation', 'algorithm', 'seed', 'generationSeed', 'generation', 'candidate', 'genomeHash'];
const TEXT_LABELS: Record<string, string> = { rewardSpec: 'reward spec', generationSeed: 'generation seed', genomeHash: 'genome hash' };
/** Permutations name the whole population as parents: a few tell the story, the rest on request. */
const PARENTS_SHOWN = 6;

interface CandidateDetailProps {
  runId: string;
  generation: number;
  candidate: CandidateRecord;
  lineageNote: string;
  parents: readonly ParentLink[];
  children: readonly CandidateRef[];
  onOpen: (ref: CandidateRef) => void;
  onClose: () => void;
}

/** One candidate: its image, the metadata the PNG carries (the recipe makes it again) and its lineage. */
export function CandidateDetail({ runId, generation, candidate, lineageNote, parents, children, onOpen, onClose }: CandidateDetailProps) {
  const { image, error } = useRunImage(runId, candidate.image);
  const [allParents, setAllParents] = useState(false);
  const text = image?.text ?? {};
  const keys = [...TEXT_ORDER.filter((key) => key in text), ...Object.keys(text).filter((key) => !TEXT_ORDER.includes(key) && key !== 'recipe' && key !== 'Software')];
  const shownParents = allParents ? parents : parents.slice(0, PARENTS_SHOWN);
  const copyRecipe = () => void navigator.clipboard?.writeText(text.recipe ?? '');
  return (
    <section className="candidate-detail" aria-labelledby="candidate-heading" data-testid="candidate-detail">
      <h3 id="candidate-heading" tabIndex={-1}>
        Generation {generation}, candidate {candidate.index}
      </h3>
      <div className="candidate-layout">
        <div>
          {image ? <img className="candidate-image" src={image.url} alt={`generation ${generation}, candidate ${candidate.index}`} /> : null}
          <ErrorNotice error={error} title="Could not read the image" />
          <div className="actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
        <div>
          <h4>Metadata</h4>
          {keys.length === 0 && image ? <p>This PNG carries no text.</p> : null}
          <dl className="facts" data-testid="candidate-metadata">
            {keys.map((key) => (
              <div key={key} className="fact">
                <dt>{TEXT_LABELS[key] ?? key}</dt>
                <dd>{text[key] || '–'}</dd>
              </div>
            ))}
          </dl>
          {text.recipe ? (
            <>
              <h4>Recipe</h4>
              <pre className="recipe" data-testid="candidate-recipe">
                {text.recipe}
              </pre>
              <button type="button" onClick={copyRecipe}>
                Copy the recipe
              </button>
            </>
          ) : null}
          <h4>Lineage</h4>
          <div data-testid="candidate-lineage">
            <p>
              {describeOperator(candidate)}. <span className="hint">{lineageNote}</span>
            </p>
            {parents.length === 0 ? (
              <p>No parents.</p>
            ) : (
              <>
                <p>
                  {parents.length} parent{parents.length === 1 ? '' : 's'}:
                </p>
                <ul className="lineage">
                  {shownParents.map((parent) => (
                    <li key={parent.genomeHash}>
                      {parent.found ? (
                        <button type="button" onClick={() => onOpen(parent.found!)}>
                          generation {parent.found.generation}, candidate {parent.found.index} (reward {formatReward(parent.found.reward)})
                        </button>
                      ) : (
                        <span>not in the generations loaded</span>
                      )}{' '}
                      <code>{parent.genomeHash}</code>
                    </li>
                  ))}
                </ul>
                {parents.length > PARENTS_SHOWN ? (
                  <button type="button" onClick={() => setAllParents((shown) => !shown)}>
                    {allParents ? 'Show fewer parents' : `Show all ${parents.length} parents`}
                  </button>
                ) : null}
              </>
            )}
            {children.length > 0 ? (
              <>
                <p>
                  {children.length} child{children.length === 1 ? '' : 'ren'} in later generations:
                </p>
                <ul className="lineage">
                  {children.slice(0, PARENTS_SHOWN).map((child) => (
                    <li key={`${child.generation}-${child.index}`}>
                      <button type="button" onClick={() => onOpen(child)}>
                        generation {child.generation}, candidate {child.index} (reward {formatReward(child.reward)})
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </div>
      </div>
    </section>
  );
}
