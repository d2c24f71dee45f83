import { useEffect, useMemo } from 'react';
import { StaircaseFeed } from '../chart/staircase-feed';
import { viewProfile, type Profile } from './profile-view';

/** Puts a whole profile into a feed: points, steps, plateaus and the predicted steps. */
export function showProfile(feed: StaircaseFeed, profile: Profile): void {
  feed.setProfile({ points: profile.points, steps: profile.steps, plateaus: profile.plateaus, predicted: viewProfile(profile).predicted });
}

/** A feed holding `profile` (or nothing), stable for the component's life. */
export function useProfileFeed(profile: Profile | undefined): StaircaseFeed {
  const feed = useMemo(() => new StaircaseFeed(), []);
  useEffect(() => {
    if (profile) showProfile(feed, profile);
    else feed.clear();
  }, [feed, profile]);
  return feed;
}
