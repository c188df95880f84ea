package io.vigil.common.stream;

import java.time.Duration;

/**
 * How a consumer-group member reads: entries per XREADGROUP, how long one read blocks, when a pending entry counts as
 * abandoned and how often to look for such entries. Defaults come from {@code vigil.streams.*}; a high-volume reader
 * (sample ingest) sets its own.
 */
public record ReadSettings(int batchSize, Duration block, Duration claimIdle, Duration claimInterval) {

    public static ReadSettings from(StreamsConfig config) {
        return new ReadSettings(config.batchSize(), config.block(), config.claimIdle(), config.claimInterval());
    }
}
