package io.vigil.cache.domain;

/**
 * A value found for a read and where it came from.
 *
 * @param staleReason null, or why a value past its freshness is served ({@code redis-unavailable},
 *                    {@code revalidating}, {@code origin-unavailable})
 */
public record Lookup(Entry entry, Level level, String staleReason) {
}
