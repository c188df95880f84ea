package io.vigil.alert.domain;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Mutes notifications of alerts its matchers match between startsAt and endsAt (epoch ms). */
@RegisterForReflection
public record Silence(String id, List<String> matchers, long startsAt, long endsAt, String createdBy, String comment,
        long updatedAt) {

    public boolean activeAt(long now) {
        return startsAt <= now && now < endsAt;
    }

    public String state(long now) {
        return now < startsAt ? "pending" : now < endsAt ? "active" : "expired";
    }

    public boolean mutes(Map<String, String> labels) {
        return Matcher.allTexts(matchers, labels);
    }
}
