package io.vigil.queue.client;

/**
 * The script's reply: the job id ({@code <incarnation>-<sequence>}, as over REST), its state ({@code waiting} or
 * {@code delayed}) and whether the idempotency key named an existing job (then nothing was enqueued and state is that
 * job's).
 */
public record Enqueued(String id, String state, boolean duplicate) {
}
