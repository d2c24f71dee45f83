/**
 * The engine's process in the desktop app: an Electron utilityProcess running the engine host, so
 * that a native abort in onnxruntime takes down this process (which main restarts), not the app.
 * It never imports electron: Electron hands it `process.parentPort`.
 */
import { createEngineHost } from '../api/host/engine-host.js';
import type { FromEngine, ToEngine } from './engine-messages.js';

interface ParentPort {
  on(event: 'message', listener: (message: { data: ToEngine }) => void): void;
  postMessage(message: FromEngine): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('engine-entry runs inside an Electron utility process (it has no parentPort here)');

// The engine starts helper scripts with process.execPath, which here is the Electron binary: this
// makes those children plain Node. Set after start-up, so it does not change this process.
process.env.ELECTRON_RUN_AS_NODE = '1';

const host = createEngineHost({ transport: 'ipc', version: process.env.EDGETUNE_VERSION });
host.onEvent((event) => parentPort.postMessage({ type: 'event', event }));

parentPort.on('message', ({ data }) => {
  if (data.type === 'call') {
    void host.call(data.name, data.payload).then((result) => parentPort.postMessage({ type: 'result', id: data.id, result }));
  } else if (data.type === 'shutdown') {
    void host.shutdown().finally(() => {
      parentPort.postMessage({ type: 'stopped' });
      process.exit(0);
    });
  }
});
parentPort.postMessage({ type: 'ready' });
