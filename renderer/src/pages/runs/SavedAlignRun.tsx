import { useState } from 'react';
import { executionProviderChoiceSchema } from '../../../../electron/api/contract';
import type { AlignDocument } from '../../../../electron/api/documents';
import { useApp } from '../../app/api-context';
import { AlignRunView } from '../../align/AlignRunView';
import { useAlignRun } from '../../align/use-align-run';
import { ErrorNotice } from '../../components/ErrorNotice';

/** An align run opened from Runs; continuing it hands over to the Align page, which follows the job. */
export function SavedAlignRun({ runId, document, running }: { runId: string; document: AlignDocument; running: boolean }) {
  const { api, info, navigate } = useApp();
  const data = useAlignRun(runId, document);
  const [error, setError] = useState<unknown>(null);
  const canContinue = info.functions.includes('continueAlign') && info.functions.includes('startAlign');
  const continueRun = async (steps: number) => {
    setError(null);
    const ep = executionProviderChoiceSchema.safeParse(document.settings.ep);
    try {
      await api.continueAlign({ runId, steps, ep: ep.success ? ep.data : 'auto' });
      navigate({ page: 'align' });
    } catch (failure) {
      setError(failure);
    }
  };
  if (!data) return null;
  return (
    <div className="panel">
      <p className="lead">
        {document.algorithm} on {document.model.label}
        {document.prompt ? `, prompt “${document.prompt}”` : ''}, reward <code>{document.reward.spec}</code> ({document.reward.direction === 'min' ? 'smaller' : 'larger'} is
        better): {document.generations.length} generations, {document.images} images{document.stopReason ? `; ${document.stopReason}` : ''}.
      </p>
      <AlignRunView
        data={data}
        direction={document.reward.direction}
        rewardName={document.reward.name}
        running={running}
        onContinue={canContinue ? (steps) => void continueRun(steps) : undefined}
      />
      <ErrorNotice error={error} title="Could not continue the run" />
    </div>
  );
}
