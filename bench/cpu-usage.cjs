'use strict';
// Preloaded (node --require) into each process the statusline bench times: at
// exit it writes the process's own CPU time (user + system, µs) to fd 3, so the
// bench reads CPU per process, which a loaded machine disturbs less than wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try {
    require('fs').writeSync(3, String(user + system));
  } catch {
    // Not started by the bench: nothing to report to.
  }
});
