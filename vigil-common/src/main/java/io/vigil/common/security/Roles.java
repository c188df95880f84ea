package io.vigil.common.security;

import java.util.Set;

/** The three API-key roles. Each includes the ones below it: admin ⊃ writer ⊃ reader. */
public final class Roles {
    public static final String READER = "reader";
    public static final String WRITER = "writer";
    public static final String ADMIN = "admin";

    static Set<String> grantedBy(String role) {
        return switch (role) {
            case ADMIN -> Set.of(ADMIN, WRITER, READER);
            case WRITER -> Set.of(WRITER, READER);
            case READER -> Set.of(READER);
            default -> throw new IllegalArgumentException("unknown role " + role);
        };
    }

    /** Orders the roles (reader 1 < writer 2 < admin 3; none 0). */
    static int rank(String role) {
        if (role == null) {
            return 0;
        }
        return switch (role) {
            case ADMIN -> 3;
            case WRITER -> 2;
            case READER -> 1;
            default -> 0;
        };
    }

    private Roles() {
    }
}
