import { Fragment } from 'react';
import type { NativeFacts } from '../../../../electron/engine/probe/native/native-probe';
import { nativeFactSources, parallelUnitsSentence } from './native-facts';

/** Vulkan, CUDA driver, NVML and Jetson facts; a source that could not be read says why. */
export function NativeFactsPanel({ native }: { native: NativeFacts | undefined }) {
  if (!native) return <p>This probe has no native facts (it was saved before the native probe existed).</p>;
  if (!native.available) return <p>Native probe unavailable: {native.reason}</p>;
  return (
    <>
      <p data-testid="parallel-units">{parallelUnitsSentence(native)}</p>
      {nativeFactSources(native).map((source) => (
        <section key={source.title} aria-label={source.title}>
          <h3>
            {source.title} {source.available ? <span className="badge ok">read</span> : <span className="badge warn">not available</span>}
          </h3>
          <p className="lead">{source.detail}</p>
          {source.devices.map((device, index) => (
            <div key={`${device.name}-${index}`}>
              <h4>{device.name}</h4>
              <dl className="facts">
                {device.facts.map(([label, value]) => (
                  <Fragment key={label}>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                  </Fragment>
                ))}
                {device.missing.map(([fact, reason]) => (
                  <Fragment key={fact}>
                    <dt>{fact}</dt>
                    <dd>not offered: {reason}</dd>
                  </Fragment>
                ))}
              </dl>
            </div>
          ))}
        </section>
      ))}
    </>
  );
}
