import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { tinyClipVocabulary } from '../../../electron/engine/diffusion/tiny/tokenizer-files.js';
import { bytePairEncode, mergeRanksFromLines } from '../../../electron/engine/diffusion/tokenizer/bpe.js';
import { byteCharacters, bytesInVocabularyOrder } from '../../../electron/engine/diffusion/tokenizer/byte-unicode.js';
import { clipMaxMerges, createClipTokenizer } from '../../../electron/engine/diffusion/tokenizer/clip-tokenizer.js';
import { loadClipTokenizer } from '../../../electron/engine/diffusion/tokenizer/load.js';
import { normalizeText, splitWords } from '../../../electron/engine/diffusion/tokenizer/pre-tokenize.js';

/** A hand-made vocabulary: ids chosen by hand so that every expectation below can be read off it. */
const vocab: Record<string, number> = {
  h: 10, e: 11, l: 12, o: 13, w: 14, r: 15, d: 16, '!': 17,
  'o</w>': 20, 'd</w>': 21, 'l</w>': 22, '!</w>': 23, 's</w>': 24,
  he: 30, ll: 31, hell: 32, 'hello</w>': 33, wo: 34, wor: 35, worl: 36, 'world</w>': 37, "'": 38,
  '<|startoftext|>': 98, '<|endoftext|>': 99,
};
const merges = ['#version: 0.2', 'h e', 'l l', 'he ll', 'hell o</w>', 'w o', 'wo r', 'wor l', 'worl d</w>'].join('\n');
const tokenizer = createClipTokenizer({ vocab, merges, contextLength: 8 });

describe('CLIP tokenizer on a hand-made vocabulary', () => {
  it('merges by rank and marks the end of each word', () => {
    expect(tokenizer.tokenize('hello')).toEqual([33]);
    expect(tokenizer.tokenize('world')).toEqual([37]);
    // "l l" is a merge but "l l</w>" is not: the word-final l stays apart.
    expect(tokenizer.tokenize('hell')).toEqual([30, 12, 22]);
    expect(tokenizer.tokenize('hello world!')).toEqual([33, 37, 23]);
  });

  it('adds BOS and EOS, pads with EOS, and truncates to keep EOS last', () => {
    expect(tokenizer.encode('hello world')).toEqual([98, 33, 37, 99, 99, 99, 99, 99]);
    expect(tokenizer.encode('')).toEqual([98, 99, 99, 99, 99, 99, 99, 99]);
    const long = tokenizer.encode('hello world hello world hello world hello world');
    expect(long).toEqual([98, 33, 37, 33, 37, 33, 37, 99]);
    expect(createClipTokenizer({ vocab, merges }).encode('hello')).toHaveLength(77);
  });

  it('pads with another token when the tokenizer says so (Stable Diffusion 2 pads with "!")', () => {
    const sd2 = createClipTokenizer({ vocab, merges, contextLength: 5, padToken: '!' });
    expect(sd2.encode('hello')).toEqual([98, 33, 99, 17, 17]);
  });

  it('ignores case and collapses whitespace', () => {
    expect(tokenizer.encode('  HeLLo \n\t  WORLD  ')).toEqual(tokenizer.encode('hello world'));
  });

  it('maps bytes missing from the vocabulary to <|endoftext|>, byte by byte', () => {
    // é is two UTF-8 bytes, neither of which this vocabulary lists
    expect(tokenizer.tokenize('é')).toEqual([99, 99]);
    expect(tokenizer.tokenize('hello é')).toEqual([33, 99, 99]);
  });

  it('recognises special tokens written in the text', () => {
    expect(tokenizer.tokenize('<|startoftext|>hello<|endoftext|>')).toEqual([98, 33, 99]);
  });

  it('applies every occurrence of a merge in one pass', () => {
    const ranks = mergeRanksFromLines(['a a']);
    expect(bytePairEncode(['a', 'a', 'a', 'a', 'b'], ranks)).toEqual(['aa', 'aa', 'b</w>']);
  });
});

describe('CLIP text normalisation and pre-tokenisation', () => {
  it('splits contractions, letter runs, single digits and symbol runs', () => {
    expect(splitWords(normalizeText("It's 42 cats!! they'll   purr"))).toEqual(['it', "'s", '4', '2', 'cats', '!!', 'they', "'ll", 'purr']);
  });

  it('unescapes HTML twice and normalises to NFC, as the reference does', () => {
    expect(normalizeText('Salt &amp;amp; Pepper')).toBe('salt & pepper');
    expect(normalizeText('&#x43;af&#233;')).toBe('café');
    expect(normalizeText('cafe\u0301')).toBe('caf\u00e9');
  });

  it('uses the GPT-2/CLIP byte-to-character table', () => {
    const characters = byteCharacters();
    expect(characters[0x21]).toBe('!');
    expect(characters[0x20]).toBe('\u0120'); // space is "Ġ"
    expect(characters[0x0a]).toBe('\u010a'); // newline is "Ċ"
    expect(characters[0xad]).toBe('\u0143'); // soft hyphen is "Ń"
    expect(new Set(characters).size).toBe(256);
    expect(bytesInVocabularyOrder().slice(0, 3)).toEqual([0x21, 0x22, 0x23]);
    // CLIP's 49,408 tokens: 256 bytes, 256 word-final bytes, the merges, BOS and EOS
    expect(2 * 256 + clipMaxMerges + 2).toBe(49408);
  });
});

describe('tiny CLIP vocabularies', () => {
  it('spell each of their words as one token and keep byte fallback for the rest', () => {
    const words = ['at', 'cat', 'a', 'photo', 'tac'];
    const tiny = tinyClipVocabulary(words);
    const clip = createClipTokenizer({ vocab: tiny.vocab, merges: tiny.merges });
    for (const word of words) expect(clip.tokenize(word)).toEqual([tiny.vocab[`${word}</w>`]]);
    expect(clip.tokenize('zebra')).toHaveLength(5);
    expect(clip.tokenize('zebra')).not.toContain(clip.endId);
  });
});

describe('loadClipTokenizer', () => {
  const folders: string[] = [];
  afterAll(async () => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  it('reads vocab.json, merges.txt and the pad token of tokenizer_config.json', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'edgetune-tokenizer-'));
    folders.push(folder);
    await writeFile(join(folder, 'vocab.json'), JSON.stringify(vocab));
    await writeFile(join(folder, 'merges.txt'), `${merges}\n`);
    await writeFile(join(folder, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 6, pad_token: { content: '!', lstrip: false } }));
    const loaded = await loadClipTokenizer(folder, 'tokenizer', 'fix');
    expect(loaded.encode('Hello')).toEqual([98, 33, 99, 17, 17, 17]);
  });

  it('names the missing file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'edgetune-tokenizer-'));
    folders.push(folder);
    await writeFile(join(folder, 'vocab.json'), JSON.stringify(vocab));
    const error = await loadClipTokenizer(folder, 'tokenizer', 'fix').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('model-not-found');
    expect((error as UserError).message).toContain('tokenizer/merges.txt');
  });

  it('rejects a vocabulary without CLIP special tokens', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'edgetune-tokenizer-'));
    folders.push(folder);
    await writeFile(join(folder, 'vocab.json'), JSON.stringify({ a: 0 }));
    await writeFile(join(folder, 'merges.txt'), '#version: 0.2\n');
    const error = await loadClipTokenizer(folder, 'tokenizer', 'fix').catch((caught: unknown) => caught);
    expect((error as UserError).code).toBe('model-invalid');
    expect((error as UserError).message).toMatch(/start-of-text/);
  });
});
