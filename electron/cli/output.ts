/** Where the CLI writes: results to stdout (JSON with --json), everything else to stderr. */
export interface Output {
  json: boolean;
  quiet: boolean;
  result(document: unknown, text: () => string): void;
  info(line: string): void;
  warn(line: string): void;
}

export function createOutput(json: boolean, quiet = false): Output {
  return {
    json,
    quiet,
    result(document, text) {
      process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${text()}\n`);
    },
    info(line) {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
    warn(line) {
      process.stderr.write(`note: ${line}\n`);
    },
  };
}
