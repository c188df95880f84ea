package io.vigil.cache.api;

import java.util.List;

import io.vigil.cache.domain.NamespaceSettings;

/** A namespace, its settings, whether it comes from configuration, and this replica's L1 size. */
public record NamespaceView(String name, NamespaceSettings settings, boolean configured, long l1Entries) {

    public record Listing(List<NamespaceView> namespaces) {
    }
}
