import { useMemo } from 'react';
import { useApp } from '../../app/api-context';
import { useCall } from '../../app/use-call';
import { StaircaseChart } from '../../chart/StaircaseChart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useProfileFeed } from '../../profile/profile-feed';
import { viewProfile } from '../../profile/profile-view';

/** Two runs' staircases on one chart, and what each found. */
export function CompareRuns({ runIds, onClose }: { runIds: readonly [string, string]; onClose: () => void }) {
  const { api } = useApp();
  const [first, second] = runIds;
  const details = useCall(() => Promise.all([api.getRun({ runId: first }), api.getRun({ runId: second })]), [api, first, second]);
  const profiles = details.value?.map((detail) => detail.documents.profile);
  const feedA = useProfileFeed(profiles?.[0]);
  const feedB = useProfileFeed(profiles?.[1]);
  const feeds = useMemo(() => [feedA, feedB], [feedA, feedB]);
  const labels = useMemo(() => (details.value ? details.value.map((detail) => detail.run.label) : ['first', 'second']), [details.value]);
  const missing = details.value?.filter((detail) => !detail.documents.profile).map((detail) => detail.run.label) ?? [];

  return (
    <section className="panel" aria-labelledby="compare-heading" data-testid="compare-runs">
      <h2 id="compare-heading" tabIndex={-1}>
        Comparing {labels[0]} and {labels[1]}
      </h2>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close comparison
        </button>
      </div>
      <ErrorNotice error={details.error} title="Could not open the runs" />
      {missing.length > 0 ? <p>No profile to compare in: {missing.join(', ')}.</p> : null}
      {details.value ? (
        <>
          <StaircaseChart feeds={feeds} labels={labels} title="Two profiles compared" />
          <table>
            <caption className="visually-hidden">What each profile found</caption>
            <thead>
              <tr>
                <th scope="col">run</th>
                <th scope="col">model, provider</th>
                <th scope="col">regime</th>
                <th scope="col">steps (tokens)</th>
              </tr>
            </thead>
            <tbody>
              {details.value.map((detail) => {
                const profile = detail.documents.profile;
                const view = profile ? viewProfile(profile) : undefined;
                return (
                  <tr key={detail.run.runId}>
                    <th scope="row">{detail.run.label}</th>
                    <td>{view ? `${view.model}${view.part ? ` (${view.part})` : ''}, ${view.ep}, batch ${view.batch}` : '–'}</td>
                    <td>{view?.regime ?? '–'}</td>
                    <td>{profile ? profile.steps.map((step) => step.tokens).join(', ') || 'none' : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
