package io.vigil.metrics.otlp;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The OTLP/HTTP receiver's limits ({@code vigil.metrics.otlp.*}). */
@ConfigMapping(prefix = "vigil.metrics.otlp")
public interface OtlpConfig {

    /** Largest request body as sent (compressed or not); above it the answer is 413. */
    @WithDefault("8M")
    MemorySize maxBodySize();

    /** Largest body after gzip: a small gzip bomb inflating past this is refused with 413 without inflating it all. */
    @WithDefault("32M")
    MemorySize maxDecompressedSize();

    /**
     * Spans and histogram counts accepted but not yet in Redis, over all OTLP requests of this replica. Past it the
     * answer is 429 with {@code Retry-After}, so exporters back off instead of piling up memory.
     */
    @WithDefault("200000")
    long maxBacklog();

    /** What {@code Retry-After} tells an exporter on 429/503. */
    @WithDefault("1s")
    Duration retryAfter();

    /** A database statement is kept up to this many characters. */
    @WithDefault("500")
    int statementMaxLength();

    /** Slowest statements kept per service. */
    @WithDefault("20")
    int slowStatements();

    /** A service that sent spans this recently has its duration histograms ignored (spans win). */
    @WithDefault("10m")
    Duration spansWinFor();
}
