import os from 'node:os';
import { createEngineHost } from '../../api/host/engine-host.js';
import { defaultRunsRoot } from '../../engine/store/runs.js';
import { defaultRendererDir, rendererIsBuilt } from '../../server/renderer-files.js';
import { isLoopback, startWebServer, type WebServer } from '../../server/server.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { help } from './probe.js';

export const DEFAULT_SERVE_PORT = 8197;

export const serveHelp = `edgetune serve [--port ${DEFAULT_SERVE_PORT}] [--host 127.0.0.1] [--json]

The EdgeTune UI in a browser, and its API: POST /api/<function> (JSON), events on the WebSocket
/api/events. Every request needs the random token in the printed URL (or the header
"Authorization: Bearer <token>"). Runs are saved under ~/.edgetune/runs (or $EDGETUNE_HOME/runs).

  --port N       port to listen on (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --host ADDR    address to listen on (default 127.0.0.1: this machine only)
  --json         print {url, host, port, token, runsRoot} as one JSON line once listening

A headless edge box, driven from a laptop: keep the default host and tunnel over SSH:
  laptop$ ssh -N -L ${DEFAULT_SERVE_PORT}:127.0.0.1:${DEFAULT_SERVE_PORT} user@edge-box
  then open the URL \`edgetune serve\` printed on the box, in the laptop's browser.
Ctrl-C stops the server; running jobs are cancelled and keep what they measured.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, { port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' } } as const);
  if (values.help) return help(serveHelp);
  const port = integerOption('port', stringOption(values.port), DEFAULT_SERVE_PORT, 0, 65535);
  const host = stringOption(values.host) ?? '127.0.0.1';
  const runsRoot = defaultRunsRoot();
  const rendererDir = defaultRendererDir();
  const engine = createEngineHost({ transport: 'http', runsRoot });
  const server = await startWebServer({ engine, rendererDir, host, port });

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: server.url, host: server.host, port: server.port, token: server.token, runsRoot })}\n`);
  } else {
    process.stdout.write(`${describeServer(server, runsRoot)}\n`);
  }
  if (!isLoopback(host)) {
    process.stderr.write(`warning: listening on ${host}: anyone who can reach this machine on port ${server.port} and has the token can run models and delete runs here,
  and plain HTTP carries the token unencrypted. Prefer the default --host 127.0.0.1 with an SSH tunnel (see \`edgetune serve --help\`).\n`);
  }
  if (!rendererIsBuilt(rendererDir)) {
    process.stderr.write(`note: the web UI is not built (${rendererDir} is missing): the page says so; the API works. Build it with \`npm run build\`.\n`);
  }
  return waitForInterrupt(async () => {
    await engine.shutdown();
    await server.close();
  });
}

function describeServer(server: WebServer, runsRoot: string): string {
  const wildcard = server.host === '0.0.0.0' || server.host === '::';
  const shownUrl = wildcard ? server.url.replace(`//${server.host === '::' ? '[::]' : server.host}:`, `//${os.hostname()}:`) : server.url;
  return [
    `EdgeTune is serving ${shownUrl}`,
    `  API      POST http://…:${server.port}/api/<function> with "Authorization: Bearer ${server.token}"`,
    `  runs     ${runsRoot}`,
    `  from a laptop: ssh -N -L ${server.port}:127.0.0.1:${server.port} <user>@${os.hostname()}, then open the URL above`,
    'Ctrl-C stops (running jobs are cancelled and keep what they measured).',
  ].join('\n');
}

/** Resolves with the exit code once Ctrl-C (or SIGTERM) has stopped everything; a second one leaves at once. */
function waitForInterrupt(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write('\nstopping: cancelling running jobs and saving what they measured (Ctrl-C again to quit at once)\n');
      stop().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(0);
        },
        (error: unknown) => {
          process.stderr.write(`edgetune: stopping failed: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
