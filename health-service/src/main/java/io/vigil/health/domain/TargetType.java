package io.vigil.health.domain;

import java.util.List;

/** What a target is and how it is checked, with the conditions that apply when the target names none. */
public enum TargetType {
    HTTP(List.of()),
    REDIS(List.of("[CONNECTED] == true")),
    MONGODB(List.of("[CONNECTED] == true")),
    TCP(List.of("[CONNECTED] == true")),
    TLS(List.of("[CONNECTED] == true", "[CERTIFICATE_EXPIRATION] > 72h")),
    /** Another Vigil (or any SmallRye Health) service: its readiness probe. */
    SERVICE(List.of("[STATUS] == 200", "[BODY].status == UP"));

    private final List<String> defaultConditions;

    TargetType(List<String> defaultConditions) {
        this.defaultConditions = defaultConditions;
    }

    public List<String> defaultConditions() {
        return defaultConditions;
    }

    public String label() {
        return name().toLowerCase();
    }

    public static TargetType parse(String s) {
        for (TargetType t : values()) {
            if (t.label().equalsIgnoreCase(s)) {
                return t;
            }
        }
        return null;
    }
}
