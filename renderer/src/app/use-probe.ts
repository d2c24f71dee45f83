import { useCallback, useRef } from 'react';
import type { EdgeTuneApi, ProbeResult } from '../../../electron/api/contract';
import { useApp } from './api-context';
import { useCall, type CallState } from './use-call';

const probes = new WeakMap<EdgeTuneApi, Promise<ProbeResult>>();

/** One probe per engine connection, shared by the pages that need it: a probe takes seconds and loads the machine. */
function sharedProbe(api: EdgeTuneApi, fresh: boolean): Promise<ProbeResult> {
  let pending = probes.get(api);
  if (!pending || fresh) {
    pending = api.probe({});
    probes.set(api, pending);
    pending.catch(() => probes.delete(api));
  }
  return pending;
}

/** The machine's probe; `reload` probes again. */
export function useProbe(): CallState<ProbeResult> {
  const { api } = useApp();
  const fresh = useRef(false);
  const state = useCall(() => {
    const again = fresh.current;
    fresh.current = false;
    return sharedProbe(api, again);
  }, [api]);
  const { reload } = state;
  const probeAgain = useCallback(() => {
    fresh.current = true;
    reload();
  }, [reload]);
  return { ...state, reload: probeAgain };
}
