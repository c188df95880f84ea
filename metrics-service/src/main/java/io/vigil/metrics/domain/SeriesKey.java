package io.vigil.metrics.domain;

/**
 * What one histogram series is about. Its {@link #id()} is the Redis hash tag shared by all of the series' keys, so the
 * flush script touches one slot. Fields never contain {@code |} (rejected at ingest).
 */
public record SeriesKey(String service, String endpoint, String method, String statusClass) {

    public String id() {
        return service + "|" + endpoint + "|" + method + "|" + statusClass;
    }

    public static SeriesKey parse(String id) {
        String[] parts = id.split("\\|", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a series id: " + id);
        }
        return new SeriesKey(parts[0], parts[1], parts[2], parts[3]);
    }

    /** The endpoint row this series belongs to (all status classes together). */
    public EndpointKey endpointKey() {
        return new EndpointKey(service, endpoint, method);
    }

    public record EndpointKey(String service, String endpoint, String method) {
    }
}
