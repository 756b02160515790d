/** The bench report: its shape, the Markdown it is printed as, and where it is written. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A figure compared with its target. */
export interface Check {
  readonly what: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean;
}

/** What one benchmark produced. */
export interface Section {
  readonly title: string;
  /** Rows of the figures table; the first row is the header. */
  readonly table: string[][];
  readonly checks: Check[];
  /** Method and caveats, one sentence each. */
  readonly notes: string[];
  /** Further tables (e.g. where the time went), each printed under its title. */
  readonly tables?: { readonly title: string; readonly rows: string[][] }[];
  /** Raw figures, kept in the JSON report. */
  readonly data: unknown;
}

/** One bench run. */
export interface Report {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: Record<string, string | number>;
  readonly versions: Record<string, string>;
  /** How the Temporal dev server was started. */
  readonly server: string;
  readonly options: object;
  readonly sections: Section[];
}

/** A Markdown table; `|` inside cells is escaped. */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  if (!header) return '';
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

/** `MET` or `NOT MET` with the figure and its target. */
export function checkLine(c: Check): string {
  return `${c.met ? 'MET' : 'NOT MET'}: ${c.what} ${c.value} (target ${c.target})`;
}

/** One section as Markdown: its heading, tables, checks and notes. */
export function sectionMarkdown(s: Section, heading = '##'): string[] {
  const out = ['', `${heading} ${s.title}`, '', markdownTable(s.table), ''];
  for (const t of s.tables ?? []) out.push(`${t.title}:`, '', markdownTable(t.rows), '');
  for (const c of s.checks) out.push(`- ${checkLine(c)}`);
  if (s.notes.length) out.push('', ...s.notes.map((n) => `- ${n}`));
  return out;
}

/** The report as Markdown (bench/results/latest.md). */
export function formatMarkdown(r: Report): string {
  const out = [
    '# durable-cron benchmarks',
    '',
    `Run ${r.startedAt} to ${r.finishedAt}: \`${r.command}\``,
    '',
    markdownTable([
      ['machine', 'value'],
      ...Object.entries(r.machine).map(([k, v]) => [k, String(v)]),
      ...Object.entries(r.versions).map(([k, v]) => [k, v]),
    ]),
    '',
    `Server: ${r.server}`,
  ];
  for (const s of r.sections) out.push(...sectionMarkdown(s));
  return `${out.join('\n')}\n`;
}

/** Writes `<out>/<timestamp>.json` and `<out>/latest.md`; returns their paths. */
export function writeReport(out: string, r: Report): string[] {
  mkdirSync(out, { recursive: true });
  const json = join(out, `${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  const md = join(out, 'latest.md');
  writeFileSync(md, formatMarkdown(r));
  return [json, md];
}
