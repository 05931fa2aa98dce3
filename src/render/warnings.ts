import { DAY_NAME } from '../store/paths.js';
import type { LoadIssue } from '../store/records.js';
import { printable } from './sanitize.js';

/** Warnings for stderr, each once, the first few in full. */
export class Warnings {
  private readonly lines = new Set<string>();
  static readonly SHOWN = 10;

  add(line: string): void {
    this.lines.add(line);
  }

  readonly issue = (issue: LoadIssue): void => this.add(`skipped ${issue.path}: ${issue.problem}`);

  private elsewhere = 0;

  /**
   * A sink that names the skipped files of days from `from` to `to`, and only
   * counts the others: a report also reads the weeks before its period (for
   * baselines) and the metrics files' days, and their files are not this
   * report's news.
   */
  issuesWithin(from: string, to: string): (issue: LoadIssue) => void {
    return (issue) => {
      const day = issue.path.split(/[\\/]/).find((part) => DAY_NAME.test(part));
      if (day === undefined || (day >= from && day <= to)) this.issue(issue);
      else this.elsewhere++;
    };
  }

  /** The warnings so far, for results that carry them in their JSON too. */
  list(): string[] {
    return [...this.lines];
  }

  flush(stderr: NodeJS.WritableStream): void {
    if (this.elsewhere) this.add(`${this.elsewhere} unreadable file(s) in days outside this period were skipped too (a report over those days names them)`);
    this.elsewhere = 0;
    const all = [...this.lines];
    // Warnings quote model ids and paths from the records; they reach a terminal too.
    for (const line of all.slice(0, Warnings.SHOWN)) stderr.write(`agent-track: warning: ${printable(line)}\n`);
    if (all.length > Warnings.SHOWN) stderr.write(`agent-track: warning: ... and ${all.length - Warnings.SHOWN} more\n`);
    this.lines.clear();
  }
}

