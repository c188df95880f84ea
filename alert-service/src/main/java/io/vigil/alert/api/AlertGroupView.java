package io.vigil.alert.api;

import java.util.List;
import java.util.Map;

/**
 * One group of active alerts as the route tree groups them (the key is the notification group's key, see
 * Dispatcher): its size, the count per severity and one page of its alerts, newest first.
 */
public record AlertGroupView(String groupKey, String receiver, String path, Map<String, String> groupLabels,
        int count, Map<String, Integer> severities, List<AlertView> alerts) {

    /** A page of groups: {@code total} groups and {@code alerts} distinct active alerts (after {@code filter}). */
    public record Page(List<AlertGroupView> items, int total, int offset, int limit, int alerts, int firing) {
    }
}
