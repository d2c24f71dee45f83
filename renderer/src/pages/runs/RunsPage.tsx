import { useState } from 'react';
import type { RunSummary } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { useCall } from '../../app/use-call';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDate } from '../../components/format';
import { CompareRuns } from './CompareRuns';
import { RunDetailPanel } from './RunDetailPanel';

/** Labels repeat (every sweep of vit-b16): the date tells runs apart for screen readers too. */
function runName(run: RunSummary): string {
  return `${run.kind} ${run.label} of ${formatDate(run.createdAt)}`;
}

/** Every run on disk: open one, compare two, delete with confirmation. */
export function RunsPage({ runId: openRunId }: { runId?: string }) {
  const { api, navigate } = useApp();
  const runs = useCall(() => api.listRuns({}), [api]);
  const [selected, setSelected] = useState<string[]>([]);
  const [comparing, setComparing] = useState<[string, string]>();
  const [deleting, setDeleting] = useState<RunSummary>();
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [status, setStatus] = useState('');

  const open = (runId: string | undefined) => navigate(runId ? { page: 'runs', param: runId } : { page: 'runs' });

  const toggle = (runId: string, checked: boolean) =>
    setSelected((current) => (checked ? [...current.filter((id) => id !== runId), runId].slice(-2) : current.filter((id) => id !== runId)));

  const confirmDelete = async () => {
    const run = deleting;
    setDeleting(undefined);
    if (!run) return;
    setDeleteError(null);
    try {
      await api.deleteRun({ runId: run.runId });
      setStatus(`Deleted ${run.label}.`);
      setSelected((current) => current.filter((id) => id !== run.runId));
      if (comparing?.includes(run.runId)) setComparing(undefined);
      if (openRunId === run.runId) open(undefined);
      runs.reload();
    } catch (error) {
      setDeleteError(error);
    }
  };

  const list = runs.value?.runs ?? [];
  return (
    <>
      <p className="lead">
        Every run in <code>{runs.value?.runsRoot ?? 'the runs folder'}</code>, newest first.
      </p>
      <div className="actions">
        <button type="button" onClick={runs.reload} disabled={runs.loading}>
          Refresh
        </button>
        <button type="button" onClick={() => setComparing([selected[0], selected[1]])} disabled={selected.length !== 2}>
          Compare the two selected
        </button>
        <span role="status">{status}</span>
      </div>
      <ErrorNotice error={runs.error} title="Could not list the runs" />
      <ErrorNotice error={deleteError} title="Could not delete the run" />
      {runs.value && list.length === 0 ? <p>No runs yet.</p> : null}
      {list.length > 0 ? (
        <div className="panel">
          <table data-testid="runs-table">
            <caption className="visually-hidden">Runs on disk</caption>
            <thead>
              <tr>
                <th scope="col">compare</th>
                <th scope="col">run</th>
                <th scope="col">kind</th>
                <th scope="col">status</th>
                <th scope="col">created</th>
                <th scope="col">
                  <span className="visually-hidden">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <tr key={run.runId} className={run.runId === openRunId ? 'highlight' : undefined} data-run-id={run.runId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${runName(run)} to compare`}
                      checked={selected.includes(run.runId)}
                      onChange={(event) => toggle(run.runId, event.target.checked)}
                    />
                  </td>
                  <td>
                    <button type="button" onClick={() => open(run.runId)} aria-label={`Open ${runName(run)}`} title={run.runId}>
                      {run.label}
                    </button>
                    {run.message ? <div className="hint">{run.message}</div> : null}
                  </td>
                  <td>{run.kind}</td>
                  <td>{run.status}</td>
                  <td>{formatDate(run.createdAt)}</td>
                  <td>
                    <button type="button" className="danger" onClick={() => setDeleting(run)} disabled={run.status === 'running'} aria-label={`Delete ${runName(run)}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {comparing ? <CompareRuns runIds={comparing} onClose={() => setComparing(undefined)} /> : null}
      {openRunId ? <RunDetailPanel key={openRunId} runId={openRunId} onClose={() => open(undefined)} /> : null}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete this run?"
        message={deleting ? `${deleting.label} (${deleting.runId}) and every file in its folder will be removed from disk.` : ''}
        confirmLabel="Delete run"
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </>
  );
}
