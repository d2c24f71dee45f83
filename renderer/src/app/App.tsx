import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiEvent, ApiResponse } from '../../../electron/api/contract';
import type { ConnectionState } from '../api/connection';
import type { Host } from '../api/host';
import { ErrorNotice } from '../components/ErrorNotice';
import { AlignPage } from '../pages/align/AlignPage';
import { DevicePage } from '../pages/device/DevicePage';
import { ModelsPage } from '../pages/models/ModelsPage';
import { RunsPage } from '../pages/runs/RunsPage';
import { SchedulePage } from '../pages/schedule/SchedulePage';
import { SweepPage } from '../pages/sweep/SweepPage';
import { AppProvider } from './api-context';
import { availablePages, parseRoute, routeHash, type Route } from './pages';
import { ThemeToggle } from './ThemeToggle';

type ConnectedHost = Extract<Host, { kind: 'ipc' | 'http' }>;

function pageContent(route: Route): ReactNode {
  switch (route.page) {
    case 'device':
      return <DevicePage />;
    case 'sweep':
      return <SweepPage />;
    case 'schedule':
      return <SchedulePage key={route.param ?? ''} runId={route.param} />;
    case 'models':
      return <ModelsPage />;
    case 'align':
      return <AlignPage />;
    case 'runs':
      return <RunsPage runId={route.param} />;
  }
}

const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  open: 'live',
  reconnecting: 'connection lost, reconnecting…',
};

export function App({ host }: { host: Host }) {
  if (host.kind === 'no-token') {
    return (
      <main className="no-sidebar">
        <h1>EdgeTune</h1>
        <ErrorNotice error={{ message: host.message, fix: host.fix }} title="Not connected" />
      </main>
    );
  }
  return <ConnectedApp host={host} />;
}

function ConnectedApp({ host }: { host: ConnectedHost }) {
  const { api } = host;
  const [info, setInfo] = useState<ApiResponse<'getInfo'>>();
  const [infoError, setInfoError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    api.getInfo({}).then(setInfo, setInfoError);
  }, [api, attempt]);

  if (!info) {
    return (
      <main className="no-sidebar">
        <h1>EdgeTune</h1>
        {infoError ? (
          <>
            <ErrorNotice error={infoError} title="Could not reach the engine" />
            <button type="button" onClick={() => (setInfoError(null), setAttempt((count) => count + 1))}>
              Try again
            </button>
          </>
        ) : (
          <p role="status">Connecting to the engine…</p>
        )}
      </main>
    );
  }
  return <Shell host={host} info={info} />;
}

function Shell({ host, info }: { host: ConnectedHost; info: ApiResponse<'getInfo'> }) {
  const { api, connection } = host;
  const pages = useMemo(() => availablePages(info.functions), [info.functions]);
  const readRoute = useCallback(() => parseRoute(window.location.hash, pages) ?? { page: pages[0]?.id ?? 'runs' }, [pages]);
  const [route, setRoute] = useState<Route>(readRoute);
  const [connectionState, setConnectionState] = useState(connection.state);
  const [engineStatus, setEngineStatus] = useState<Extract<ApiEvent, { type: 'engine-status' }>>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    const follow = () => setRoute(readRoute());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [readRoute]);
  useEffect(() => connection.onStateChange(setConnectionState), [connection]);
  useEffect(() => api.onEvent((event) => event.type === 'engine-status' && setEngineStatus(event)), [api]);

  // Moving focus to the new page's heading tells keyboard and screen-reader users the page changed.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [route.page]);

  const navigate = useCallback((next: Route) => {
    window.location.hash = routeHash(next);
  }, []);
  const context = useMemo(() => ({ api, connection, info, navigate }), [api, connection, info, navigate]);
  const page = pages.find((candidate) => candidate.id === route.page);

  return (
    <AppProvider value={context}>
      <a className="skip-link" href="#page" onClick={(event) => (event.preventDefault(), headingRef.current?.focus())}>
        Skip to the page
      </a>
      <div className="app">
        <aside className="sidebar">
          <p className="brand">EdgeTune</p>
          <nav aria-label="Pages">
            <ul>
              {pages.map((candidate) => (
                <li key={candidate.id}>
                  <button type="button" aria-current={candidate.id === route.page ? 'page' : undefined} onClick={() => navigate({ page: candidate.id })}>
                    {candidate.title}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <ThemeToggle />
          <p className="connection" role="status">
            {host.kind === 'http' ? `Events: ${CONNECTION_WORDS[connectionState]}` : 'Desktop'} · v{info.version}
          </p>
        </aside>
        <main id="page">
          {engineStatus && engineStatus.state !== 'ready' ? (
            <div className="error" role="alert">
              <strong>Engine {engineStatus.state}:</strong> {engineStatus.message}
            </div>
          ) : null}
          <h1 ref={headingRef} tabIndex={-1}>
            {page?.title ?? 'EdgeTune'}
          </h1>
          {page ? pageContent(route) : <p>This engine offers no pages.</p>}
        </main>
      </div>
    </AppProvider>
  );
}
