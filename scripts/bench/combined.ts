/** The newest section of each kind from several bench reports, as one Markdown page. */
import type { PickedSection } from './chart-data';
import { markdownTable, sectionMarkdown } from './report';

/** Markdown of the picked sections, each with the run (command, time, machine) it came from. */
export function combinedMarkdown(picked: ReadonlyMap<string, PickedSection>): string {
  const sections = [...picked.values()].sort(
    (a, b) => Date.parse(a.report.startedAt) - Date.parse(b.report.startedAt),
  );
  const first = sections[0]?.report;
  const out = ['# durable-cron benchmarks: the latest figures of each benchmark', ''];
  if (first) {
    out.push(
      markdownTable([
        ['machine', 'value'],
        ...Object.entries(first.machine).map(([k, v]) => [k, String(v)]),
        ...Object.entries(first.versions).map(([k, v]) => [k, v]),
      ]),
      '',
      `Server: ${first.server}`,
    );
  }
  for (const p of sections) {
    out.push(...sectionMarkdown(p.section));
    out.push('', `_From \`${p.report.command}\`, ${p.report.startedAt} to ${p.report.finishedAt}._`);
  }
  return `${out.join('\n')}\n`;
}
