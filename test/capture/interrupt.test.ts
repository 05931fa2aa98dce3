import { describe, expect, test } from 'vitest';
import { FIXTURE_VERSIONS, isAgentEvent, loadFixture } from '../support/fixtures';
import { allRecords, replay } from '../support/replay';

// A session killed (SIGTERM) while its agent's Bash command runs, captured from each
// release. 2.1.197 writes the killed call as a user rejection; 2.1.332 kills the
// command's processes and writes "Exit code 137". Either way the user stopped the run:
// the record says interrupted, and invents no command failure the agent "gave up" on.
describe.each(FIXTURE_VERSIONS)('a session interrupted mid-Bash, Claude Code %s', (version) => {
  test('the killed Bash call is an interrupt, not a failed command', () => {
    const fixture = loadFixture('interrupted', version);
    replay(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
    const [record, ...more] = allRecords(fixture.logsDir);
    expect(more).toEqual([]);
    expect(record!.result.status).toBe('failed');
    expect(record!.errors.map((e) => [e.type, e.tool, e.recoveryAction])).toEqual([
      ['interrupted', 'Bash', null],
      ['interrupted', null, null],
    ]);
  });
});
