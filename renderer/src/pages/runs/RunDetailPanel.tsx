import type { RunDetail } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { saveFile } from '../../app/download';
import { useCall } from '../../app/use-call';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes, formatDate } from '../../components/format';
import { RunFileButton } from '../../components/RunFileButton';
import { ProfilePanel } from '../../profile/ProfilePanel';
import { MatchView } from '../../match/MatchView';
import { ScheduleSummary } from '../../schedule/ScheduleSummary';
import { ValidationView } from '../../validate/ValidationView';
import { VittmCompareView } from '../../vittm/VittmCompareView';
import { VittmGridView } from '../../vittm/VittmGridView';
import { SavedAlignRun } from './SavedAlignRun';

/** One run opened: what made it, its files, and its documents rendered (profile, schedule, probe). */
export function RunDetailPanel({ runId, onClose }: { runId: string; onClose: () => void }) {
  const { api, info, navigate } = useApp();
  const detail = useCall(() => api.getRun({ runId }), [api, runId]);
  const run = detail.value;
  return (
    <section className="panel" aria-labelledby="run-detail-heading" data-testid="run-detail">
      <h2 id="run-detail-heading" tabIndex={-1}>
        {run ? run.run.label : runId}
      </h2>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        {run?.documents.profile && info.functions.includes('createSchedule') ? (
          <button type="button" onClick={() => navigate({ page: 'schedule', param: runId })}>
            Make a schedule from this run
          </button>
        ) : null}
      </div>
      <ErrorNotice error={detail.error} title="Could not open the run" />
      {detail.loading && !run ? <p role="status">Opening…</p> : null}
      {run ? (
        <>
          <dl className="facts">
            <dt>run</dt>
            <dd>
              <code>{run.run.runId}</code>
            </dd>
            <dt>kind</dt>
            <dd>{run.run.kind}</dd>
            <dt>status</dt>
            <dd>
              {run.run.status}
              {run.run.message ? `: ${run.run.message}` : ''}
            </dd>
            <dt>created</dt>
            <dd>{formatDate(run.run.createdAt)}</dd>
            <dt>command</dt>
            <dd>
              <code>edgetune {run.run.command.join(' ')}</code>
            </dd>
          </dl>
          {run.problems.map((problem) => (
            <div className="error" role="alert" key={problem}>
              <strong>Unreadable:</strong> {problem}
            </div>
          ))}
          {run.documents.profile ? (
            <>
              <h3>Profile</h3>
              <ProfilePanel runId={runId} profile={run.documents.profile} files={run.files.map((file) => file.name)} />
            </>
          ) : null}
          {run.documents.schedule ? (
            <>
              <h3>Schedule</h3>
              <div className="panel">
                <ScheduleSummary schedule={run.documents.schedule} />
                <div className="actions">
                  <button type="button" onClick={() => saveFile('schedule.json', `${JSON.stringify(run.documents.schedule, null, 2)}\n`, 'application/json')}>
                    Export schedule.json
                  </button>
                </div>
              </div>
            </>
          ) : null}
          {run.documents.validation ? (
            <>
              <h3>Validation on the device</h3>
              <div className="panel">
                <ValidationView document={run.documents.validation} />
              </div>
            </>
          ) : null}
          {run.documents.match ? (
            <>
              <h3>Your model against its stand-in</h3>
              <div className="panel">
                <MatchView document={run.documents.match} />
              </div>
            </>
          ) : null}
          {run.documents.vittmCompare ? (
            <>
              <h3>ViTTM against ViT</h3>
              <div className="panel">
                <VittmCompareView document={run.documents.vittmCompare} />
              </div>
            </>
          ) : null}
          {run.documents.vittmGrid ? (
            <>
              <h3>ViTTM memory × process grid</h3>
              <div className="panel">
                <VittmGridView document={run.documents.vittmGrid} />
              </div>
            </>
          ) : null}
          {run.documents.align ? (
            <>
              <h3>Alignment</h3>
              <SavedAlignRun runId={runId} document={run.documents.align} running={run.run.status === 'running'} />
            </>
          ) : null}
          {run.documents.probe ? (
            <>
              <h3>Device</h3>
              <p>
                {run.documents.probe.system.cpu.model}; providers that worked:{' '}
                {run.documents.probe.onnxruntime.providers.filter((provider) => provider.works).map((provider) => provider.ep).join(', ') || 'none'}.
              </p>
            </>
          ) : null}
          <h3>Files</h3>
          {run.files.length > MANY_FILES ? (
            <details>
              <summary>All {run.files.length} files (an align run keeps every candidate's image)</summary>
              <FileTable runId={runId} files={run.files} />
            </details>
          ) : (
            <FileTable runId={runId} files={run.files} />
          )}
        </>
      ) : null}
    </section>
  );
}

/** Beyond this many, the file list waits behind a disclosure. */
const MANY_FILES = 30;

function FileTable({ runId, files }: { runId: string; files: RunDetail['files'] }) {
  return (
    <table>
      <caption className="visually-hidden">Files in this run</caption>
      <thead>
        <tr>
          <th scope="col">file</th>
          <th scope="col" className="number">size</th>
          <th scope="col">
            <span className="visually-hidden">download</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={file.name}>
            <td>
              <code>{file.name}</code>
            </td>
            <td className="number">{formatBytes(file.bytes)}</td>
            <td>
              <RunFileButton runId={runId} name={file.name} label="Download" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
