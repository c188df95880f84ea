package io.vigil.testing;

/** The API keys the %test profile configures (vigil-common's microprofile-config.properties). */
public final class ApiKeys {
    public static final String READER = "Bearer test-reader-key";
    public static final String WRITER = "Bearer test-writer-key";
    public static final String ADMIN = "Bearer test-admin-key";

    private ApiKeys() {
    }
}
