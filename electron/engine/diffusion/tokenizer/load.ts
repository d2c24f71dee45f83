import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { fileExists, parseModelFile, readJsonFile, readTextFile, type ModelFile } from '../files.js';
import { clipContextLength, createClipTokenizer, type ClipTokenizer } from './clip-tokenizer.js';

const vocabSchema = z.record(z.string(), z.number().int().nonnegative());

/** Hugging Face writes special tokens either as strings or as AddedToken objects. */
const specialToken = z.union([z.string(), z.object({ content: z.string() }).transform((token) => token.content)]);

const tokenizerConfigSchema = z.object({
  model_max_length: z.number().int().positive().optional(),
  pad_token: specialToken.nullable().optional(),
});

/** The CLIP tokenizer of a Hugging Face tokenizer folder (vocab.json, merges.txt, optional configs). */
export async function loadClipTokenizer(folder: string, folderLabel: string, fix: string): Promise<ClipTokenizer> {
  const file = (name: string): ModelFile => ({ path: join(folder, name), label: `${folderLabel}/${name}`, fix });
  const vocabFile = file('vocab.json');
  const vocab = parseModelFile(vocabSchema, await readJsonFile(vocabFile), vocabFile);
  const merges = await readTextFile(file('merges.txt'));
  let contextLength = clipContextLength;
  let padToken: string | undefined;
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const configFile = file(name);
    if (!(await fileExists(configFile.path))) continue;
    const config = parseModelFile(tokenizerConfigSchema, await readJsonFile(configFile), configFile);
    padToken ??= config.pad_token ?? undefined;
    // Some configs carry a huge sentinel ("no limit"); CLIP's text encoder still has 77 positions.
    if (config.model_max_length !== undefined && config.model_max_length <= 4096) contextLength = config.model_max_length;
  }
  try {
    return createClipTokenizer({ vocab, merges, contextLength, padToken });
  } catch (error) {
    throw new UserError('model-invalid', `${folderLabel} is not a CLIP tokenizer: ${(error as Error).message}`, fix);
  }
}
