package io.weft.api;

/**
 * What a client has done so far.
 *
 * @param calls unary and oneway calls made (each counted once, however many attempts it took)
 * @param retries failure retries sent
 * @param backupRequests backup requests sent
 */
public record ClientStats(long calls, long retries, long backupRequests) {}
