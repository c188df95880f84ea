package io.vigil.alert.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vigil.alert.domain.Notification;

/**
 * A notification group: the alerts one route sends to one receiver with equal {@code groupBy} labels
 * ({@code alert_groups}, {@code _id} = {@link #key}). {@code alerts} maps fingerprint to the state last seen;
 * a flush sends them all and drops the resolved ones. Times are epoch ms.
 */
@RegisterForReflection
public class AlertGroup {
    public String key;
    public String receiver;
    public Map<String, String> groupLabels = new LinkedHashMap<>();
    public Map<String, String> alerts = new LinkedHashMap<>();
    public long groupIntervalMs;
    public long repeatIntervalMs;
    /** Next flush due (0 = none): groupWait after creation, groupInterval after a change, repeatInterval otherwise. */
    public long nextFlushAt;
    public long lastFlushAt;
    /** Flush counter: the notification's idempotency key is key + seq, so a replayed flush is enqueued once. */
    public long seq;
    /**
     * Notifications of claimed flushes not yet handed to delivery: a flush is claimed by saving the group with its
     * notification here (compare-and-set on {@link #version}), then enqueued and removed; a failure in between leaves
     * it here for the timer. Their ids ({@code key#seq}) make a second hand-over a duplicate the queue drops.
     */
    public List<Notification> pending = new ArrayList<>();
    public long version;
}
