import { useCallback, useEffect, useRef, useState } from 'react';
import type { EdgeTuneApi } from '../../../electron/api/contract';
import { alignGenerationDocumentSchema, type AlignDocument, type GenerationSummary } from '../../../electron/api/documents';
import { useApp } from '../app/api-context';
import { mergeSummary, type GenerationCandidates } from './align-data';
import { base64Bytes, readPngText } from './png-text';

export interface AlignRunData {
  runId: string;
  document: AlignDocument | undefined;
  summaries: readonly GenerationSummary[];
  generations: ReadonlyMap<number, GenerationCandidates>;
  /** generations whose candidates.json could not be read, with why */
  failures: ReadonlyMap<number, unknown>;
  /** the run as saved (align.json): after a job ends, or to open one */
  reload: () => Promise<void>;
  /** a generation the job just finished, from its align-generation event */
  receive: (summary: GenerationSummary, generation: GenerationCandidates) => void;
  /** reads generations/<k>/candidates.json of the generations asked for that are not loaded yet */
  request: (generations: readonly number[]) => void;
}

/**
 * One align run's summaries and candidates, fed live by a job's events or read from its folder.
 * Candidates are read per generation when the gallery or a lineage needs them, so that a run of a
 * thousand generations does not cost a thousand reads to open.
 */
export function useAlignRun(runId: string | undefined, initial?: AlignDocument): AlignRunData | undefined {
  const { api } = useApp();
  const [document, setDocument] = useState<AlignDocument | undefined>(initial);
  const [summaries, setSummaries] = useState<readonly GenerationSummary[]>(initial?.generations ?? []);
  const [generations, setGenerations] = useState<ReadonlyMap<number, GenerationCandidates>>(new Map());
  const [failures, setFailures] = useState<ReadonlyMap<number, unknown>>(new Map());
  const asked = useRef(new Set<number>());
  const summariesRef = useRef(summaries);
  summariesRef.current = summaries;

  useEffect(() => {
    setDocument(initial);
    setSummaries(initial?.generations ?? []);
    setGenerations(new Map());
    setFailures(new Map());
    asked.current = new Set();
  }, [runId, initial]);

  const reload = useCallback(async () => {
    if (!runId) return;
    const detail = await api.getRun({ runId });
    const align = detail.documents.align;
    if (!align) return;
    setDocument(align);
    // A generation announced after align.json was read is kept; the file's records win otherwise.
    setSummaries((current) => align.generations.reduce<GenerationSummary[]>(mergeSummary, [...current]));
  }, [api, runId]);

  const receive = useCallback((summary: GenerationSummary, generation: GenerationCandidates) => {
    setSummaries((current) => mergeSummary(current, summary));
    asked.current.add(generation.generation);
    setGenerations((current) => new Map(current).set(generation.generation, generation));
  }, []);

  const request = useCallback(
    (wanted: readonly number[]) => {
      if (!runId) return;
      for (const generation of wanted) {
        if (asked.current.has(generation)) continue;
        const summary = summariesRef.current.find((candidate) => candidate.generation === generation);
        if (!summary) continue;
        asked.current.add(generation);
        readGeneration(api, runId, summary).then(
          (loaded) => setGenerations((current) => (current.has(generation) ? current : new Map(current).set(generation, loaded))),
          (error: unknown) => {
            asked.current.delete(generation);
            setFailures((current) => new Map(current).set(generation, error));
          },
        );
      }
    },
    [api, runId],
  );

  if (!runId) return undefined;
  return { runId, document, summaries, generations, failures, reload, receive, request };
}

async function readGeneration(api: EdgeTuneApi, runId: string, summary: GenerationSummary): Promise<GenerationCandidates> {
  const file = await api.readRunFile({ runId, name: summary.candidates });
  const parsed = alignGenerationDocumentSchema.parse(JSON.parse(file.content));
  return { generation: parsed.generation, lineageNote: parsed.lineageNote, candidates: parsed.candidates };
}

export interface RunImage {
  url: string;
  /** the PNG's text: prompt, seed, generation, candidate, reward, genome hash, recipe */
  text: Record<string, string>;
}

/** Images seen this session, by run and file: a gallery revisited does not read them again. */
const imageCache = new Map<string, Promise<RunImage>>();
const IMAGE_CACHE_LIMIT = 2000;

function loadImage(api: EdgeTuneApi, runId: string, name: string): Promise<RunImage> {
  const key = `${runId}/${name}`;
  let pending = imageCache.get(key);
  if (!pending) {
    pending = api.readRunFile({ runId, name }).then((file) => {
      let text: Record<string, string> = {};
      try {
        text = readPngText(base64Bytes(file.content));
      } catch {
        // An image without readable text is still worth showing; its detail says it has none.
      }
      return { url: `data:${file.mimeType};base64,${file.content}`, text };
    });
    pending.catch(() => imageCache.delete(key));
    if (imageCache.size >= IMAGE_CACHE_LIMIT) imageCache.delete(imageCache.keys().next().value!);
    imageCache.set(key, pending);
  }
  return pending;
}

/** One image of a run as a data URL, with its PNG text. */
export function useRunImage(runId: string, name: string | undefined): { image: RunImage | undefined; error: unknown } {
  const { api } = useApp();
  const [image, setImage] = useState<RunImage>();
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stale = false;
    setImage(undefined);
    setError(null);
    if (!name) return;
    loadImage(api, runId, name).then(
      (loaded) => !stale && setImage(loaded),
      (failure: unknown) => !stale && setError(failure),
    );
    return () => {
      stale = true;
    };
  }, [api, runId, name]);
  return { image, error };
}
