/**
 * A process id no process has: Linux never hands out a pid of 2^22 or more
 * (PID_MAX_LIMIT), macOS none above 99,999. The pid of a child that just exited is
 * not good enough for "a holder that was killed": with pid_max at 32,768 and a busy
 * machine, it is soon another process's, and the lock looks held.
 */
export const DEAD_PID = 4_194_304;
