package io.vigil.common.security;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * API keys per role, e.g. {@code VIGIL_AUTH_WRITER_KEYS=key1,key2}. No key configured for a role means no caller has
 * it. Keys are secrets: mount them from a Kubernetes Secret, never log them.
 */
@ConfigMapping(prefix = "vigil.auth")
public interface ApiKeyConfig {

    /** Keys that may read (GET). */
    Optional<List<String>> readerKeys();

    /** Keys that may read and write (ingest, enqueue, lease, cache writes). */
    Optional<List<String>> writerKeys();

    /** Keys that may do everything, including configuration and purges. */
    Optional<List<String>> adminKeys();
}
