import { useMemo } from 'react';
import { StaircaseChart } from '../chart/StaircaseChart';
import { RunFileButton } from '../components/RunFileButton';
import { useProfileFeed } from './profile-feed';
import { ProfileSummary } from './ProfileSummary';
import { viewProfile, type Profile } from './profile-view';

/** A saved profile: the staircase chart, what was found, and its files to download. */
export function ProfilePanel({ runId, profile, files }: { runId: string; profile: Profile; files: readonly string[] }) {
  const feed = useProfileFeed(profile);
  const feeds = useMemo(() => [feed], [feed]);
  const view = useMemo(() => viewProfile(profile), [profile]);
  const downloads = ['raw-timings.csv', 'profile.json', 'profile.csv'].filter((name) => files.includes(name));
  return (
    <div className="panel">
      <StaircaseChart feeds={feeds} title={`Latency against tokens, ${view.model} on ${view.ep}`} />
      {downloads.length > 0 ? (
        <div className="actions">
          {downloads.map((name) => (
            <RunFileButton key={name} runId={runId} name={name} label={name === 'raw-timings.csv' ? 'Download raw timings (CSV)' : undefined} />
          ))}
        </div>
      ) : null}
      <ProfileSummary profile={profile} view={view} />
    </div>
  );
}
