/** Option parsers shared by commands; kept apart so building the program loads nothing heavy. */

/** Collects a repeatable, comma-separable option such as `--jobs a --jobs b,c` (commander `argParser`). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}
