import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../electron/api/contract.js';
import { EngineProcess } from '../../electron/main/engine-process.js';
import { FakeUtilityProcess } from './electron-mock.js';

function engineWithFakes(options: { maxRestarts: number }) {
  const forks: FakeUtilityProcess[] = [];
  const events: ApiEvent[] = [];
  const engine = new EngineProcess({
    fork: () => {
      const child = new FakeUtilityProcess('engine-entry.js', undefined);
      forks.push(child);
      return child;
    },
    restartDelayMs: 5,
    maxRestarts: options.maxRestarts,
  });
  engine.onEvent((event) => events.push(event));
  engine.start();
  return { engine, forks, events };
}

describe('engine utility process supervision', () => {
  it('stops restarting an engine that keeps dying, and says so', async () => {
    const { engine, forks, events } = engineWithFakes({ maxRestarts: 1 });
    forks[0].emit('exit', 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(forks).toHaveLength(2);
    forks[1].emit('exit', 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(forks).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'engine-status', state: 'stopped' });
    expect(await engine.call('getInfo', {})).toMatchObject({ ok: false, error: { code: 'engine-stopped' } });
  });

  it('does not restart an engine it asked to stop', async () => {
    const { engine, forks, events } = engineWithFakes({ maxRestarts: 5 });
    await engine.stop();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(forks[0].posted).toEqual([{ type: 'shutdown' }]);
    expect(forks).toHaveLength(1);
    expect(events).toEqual([]);
  });
});
