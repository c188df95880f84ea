package io.vigil.alert.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.bson.Document;

import com.mongodb.client.model.Filters;

import io.smallrye.common.annotation.Blocking;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.AlertState;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Notification;
import io.vigil.alert.engine.Lifecycle;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.notify.Router;
import io.vigil.alert.store.AlertStore;
import io.vigil.alert.store.HistoryStore;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Alerts: list, one with its history, acknowledge, unacknowledge, summary, and a synthetic test alert. */
@Path("/api/v1/alerts")
@Blocking
public class AlertResource {

    private final Lifecycle lifecycle;
    private final AlertStore store;
    private final HistoryStore history;
    private final Dispatcher dispatcher;
    private final AlertConfig config;

    public AlertResource(Lifecycle lifecycle, AlertStore store, HistoryStore history, Dispatcher dispatcher,
            AlertConfig config) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.store = store;
        this.history = history;
        this.dispatcher = dispatcher;
    }

    /** Active alerts by default; {@code state=resolved} (or {@code all}) reads resolved ones from the history store. */
    @GET
    @RolesAllowed(Roles.READER)
    public List<AlertView> list(@QueryParam("state") @DefaultValue("active") String state,
            @QueryParam("severity") String severity, @QueryParam("limit") @DefaultValue("500") int limit) {
        List<AlertInstance> found = switch (state) {
            case "active" -> store.active();
            case "all" -> store.find(Filters.empty());
            case "pending", "firing", "resolved" -> store.find(Filters.eq("state", state.toUpperCase(java.util.Locale.ROOT)));
            default -> throw ProblemException.invalid("state", "one of active, pending, firing, resolved, all");
        };
        long now = System.currentTimeMillis();
        return found.stream().filter(a -> severity == null || severity.equals(a.severity))
                .sorted(Comparator.comparingLong((AlertInstance a) -> a.activeAt).reversed())
                .limit(Math.max(1, Math.min(limit, 5000)))
                .map(a -> AlertView.of(a, dispatcher.mutedBy(a, now), null)).toList();
    }

    static final int MAX_GROUPS_PER_PAGE = 200;
    static final int MAX_ALERTS_PER_GROUP_PAGE = 500;
    private static final Map<String, Integer> SEVERITY_RANK = Map.of("critical", 3, "warning", 2, "info", 1);

    /**
     * Active alerts grouped as the route tree groups them, one page of groups at a time, so a console at 10,000 alerts
     * downloads one page instead of every alert. Order is stable: highest severity first, then group key; alerts in a
     * group newest first, then by fingerprint. {@code group} picks one group (its alerts paged with
     * {@code alertOffset}/{@code alertLimit}); {@code filter} matchers (silence syntax) narrow the alerts first, so
     * {@code limit=0&filter=...} answers "how many alerts would this silence match". {@code mutedBy} is computed
     * for the returned alerts only (it is a scan of the active alerts per alert).
     */
    @GET
    @Path("/groups")
    @RolesAllowed(Roles.READER)
    public AlertGroupView.Page groups(@QueryParam("limit") @DefaultValue("20") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("group") String group,
            @QueryParam("filter") List<String> filter, @QueryParam("alertLimit") @DefaultValue("5") int alertLimit,
            @QueryParam("alertOffset") @DefaultValue("0") int alertOffset) {
        if (limit < 0 || limit > MAX_GROUPS_PER_PAGE) {
            throw ProblemException.invalid("limit", "between 0 and " + MAX_GROUPS_PER_PAGE);
        }
        if (offset < 0) {
            throw ProblemException.invalid("offset", "0 or more");
        }
        if (alertLimit < 0 || alertLimit > MAX_ALERTS_PER_GROUP_PAGE) {
            throw ProblemException.invalid("alertLimit", "between 0 and " + MAX_ALERTS_PER_GROUP_PAGE);
        }
        if (alertOffset < 0) {
            throw ProblemException.invalid("alertOffset", "0 or more");
        }
        List<Matcher> matchers = Validated.check(() -> Matcher.parseAll("filter", filter == null ? List.of() : filter));
        // grouped from the raw index (no mapping of 10,000 alerts); only the page's alerts are read in full
        record Light(String fingerprint, Map<String, String> labels, String severity, long activeAt) {
        }
        record Grouped(String key, String receiver, String path, Map<String, String> labels, List<Light> alerts) {
        }
        Map<String, Grouped> groups = new HashMap<>();
        int alerts = 0;
        int firing = 0;
        var routing = dispatcher.routing();
        for (Document d : store.activeIndex()) {
            Map<String, String> labels = new LinkedHashMap<>();
            Document ld = d.get("labels", Document.class);
            if (ld != null) {
                ld.forEach((k, v) -> labels.put(k, v == null ? "" : v.toString()));
            }
            if (!Matcher.all(matchers, labels)) {
                continue;
            }
            Light a = new Light(d.getString("_id"), labels, d.getString("severity"),
                    d.get("activeAt") instanceof Number n ? n.longValue() : 0);
            alerts++;
            firing += AlertState.FIRING.name().equals(d.getString("state")) ? 1 : 0;
            List<Router.Match> routes = Router.match(routing, labels).stream().filter(m -> m.receiver() != null)
                    .toList();
            if (routes.isEmpty()) { // no route tree (or no receiver): still shown, grouped by alertname
                routes = List.of(new Router.Match("(unrouted)", null, List.of("alertname"), 0, 0, 0, null));
            }
            for (Router.Match m : routes) {
                Map<String, String> groupLabels = new LinkedHashMap<>();
                for (String l : m.groupBy()) {
                    groupLabels.put(l, labels.getOrDefault(l, ""));
                }
                String key = m.receiver() + "|" + m.path() + "|" + groupLabels; // Dispatcher's group key
                if (group == null || group.equals(key)) {
                    groups.computeIfAbsent(key, k -> new Grouped(k, m.receiver(), m.path(), groupLabels,
                            new ArrayList<>())).alerts().add(a);
                }
            }
        }
        Comparator<Grouped> order = Comparator.comparingInt((Grouped g) -> g.alerts().stream()
                .mapToInt(a -> SEVERITY_RANK.getOrDefault(a.severity(), 0)).max().orElse(0)).reversed()
                .thenComparing(Grouped::key);
        List<Grouped> sorted = groups.values().stream().sorted(order).toList();
        List<Grouped> shownGroups = sorted.stream().skip(offset).limit(limit).toList();
        Map<String, List<String>> shownIds = new HashMap<>();
        for (Grouped g : shownGroups) {
            shownIds.put(g.key(), g.alerts().stream()
                    .sorted(Comparator.comparingLong(Light::activeAt).reversed().thenComparing(Light::fingerprint))
                    .skip(alertOffset).limit(alertLimit).map(Light::fingerprint).toList());
        }
        Map<String, AlertInstance> full = new HashMap<>();
        store.byFingerprints(shownIds.values().stream().flatMap(List::stream).distinct().toList())
                .forEach(a -> full.put(a.fingerprint, a));
        long now = System.currentTimeMillis();
        List<AlertGroupView> page = shownGroups.stream().map(g -> {
            Map<String, Integer> severities = new TreeMap<>();
            g.alerts().forEach(a -> severities.merge(a.severity() == null ? "none" : a.severity(), 1, Integer::sum));
            List<AlertView> shown = shownIds.get(g.key()).stream().map(full::get).filter(a -> a != null) // resolved since
                    .map(a -> AlertView.of(a, dispatcher.mutedBy(a, now), null)).toList();
            return new AlertGroupView(g.key(), g.receiver(), g.path(), g.labels(), g.alerts().size(), severities,
                    shown);
        }).toList();
        return new AlertGroupView.Page(page, sorted.size(), offset, limit, alerts, firing);
    }

    @GET
    @Path("/{fingerprint}")
    @RolesAllowed(Roles.READER)
    public AlertView get(@PathParam("fingerprint") String fp) {
        AlertInstance a = store.get(fp);
        if (a == null) {
            throw ProblemException.notFound("no alert " + fp);
        }
        return AlertView.of(a, dispatcher.mutedBy(a, System.currentTimeMillis()), history.of(fp, 1000));
    }

    @POST
    @Path("/{fingerprint}/ack")
    @RolesAllowed(Roles.WRITER)
    public AlertView ack(@PathParam("fingerprint") String fp, @Valid AckRequest request) {
        if (request == null) {
            throw ProblemException.invalid("by", "required");
        }
        long until = 0;
        if (request.until() != null) {
            until = request.until().toEpochMilli();
            if (until <= System.currentTimeMillis()) {
                throw ProblemException.invalid("until", "must be in the future");
            }
        } else if (request.durationMs() != null) {
            if (request.durationMs() <= 0) {
                throw ProblemException.invalid("durationMs", "must be positive");
            }
            until = System.currentTimeMillis() + request.durationMs();
        }
        return AlertView.of(lifecycle.acknowledge(fp, request.by(), request.comment(), until), null, null);
    }

    @POST
    @Path("/{fingerprint}/unack")
    @RolesAllowed(Roles.WRITER)
    public AlertView unack(@PathParam("fingerprint") String fp, @QueryParam("by") @DefaultValue("api") String by) {
        return AlertView.of(lifecycle.unacknowledge(fp, by), null, null);
    }

    /** Sends a synthetic alert through the whole route (routes, silences, receivers), without creating an alert. */
    @POST
    @Path("/test")
    @RolesAllowed(Roles.ADMIN) // it reaches every receiver: pages people
    public Map<String, Object> test(Map<String, String> labels) {
        Map<String, String> l = new LinkedHashMap<>(labels == null ? Map.of() : labels);
        l.putIfAbsent("alertname", "VigilTestAlert");
        l.putIfAbsent("severity", "info");
        AlertInstance a = new AlertInstance();
        long now = System.currentTimeMillis();
        a.fingerprint = "test-" + Long.toHexString(now) + Long.toHexString(Double.doubleToLongBits(Math.random()));
        a.ruleId = "test";
        a.ruleName = l.get("alertname");
        a.labels = l;
        a.annotations = Map.of("summary", "Test alert from Vigil alert-service");
        a.severity = l.get("severity");
        a.state = AlertState.FIRING;
        a.activeAt = now;
        a.firingAt = now;
        List<Notification> sent = dispatcher.test(a);
        return Map.of("labels", l, "receivers", sent.stream().map(Notification::receiver).toList());
    }

    /** Counts by state and severity, top noisy rules, mean time to acknowledge and to resolve, over {@code window}. */
    @GET
    @Path("/summary")
    @RolesAllowed(Roles.READER)
    public Map<String, Object> summary(@QueryParam("windowMs") @DefaultValue("86400000") long windowMs) {
        // the window reads history into memory: bounded by the retention, beyond which there is nothing anyway
        long max = config.historyRetention().toMillis();
        if (windowMs <= 0 || windowMs > max) {
            throw ProblemException.invalid("windowMs", "between 1 and " + max + " (history retention)");
        }
        long now = System.currentTimeMillis();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (AlertInstance a : store.active()) {
            counts.computeIfAbsent(a.state.label(), k -> new TreeMap<>()).merge(a.severity, 1L, Long::sum);
        }
        counts.put("resolved", new TreeMap<>());
        for (AlertInstance a : store.find(Filters.and(Filters.eq("state", "RESOLVED"),
                Filters.gte("resolvedAt", now - windowMs)))) {
            counts.get("resolved").merge(a.severity, 1L, Long::sum);
        }
        Map<String, Long> firings = new HashMap<>();
        Map<String, Long> firedAt = new HashMap<>();
        List<Long> toAck = new ArrayList<>();
        List<Long> toResolve = new ArrayList<>();
        List<Document> steps = new ArrayList<>(history.since(now - windowMs));
        steps.sort(Comparator.comparingLong(d -> d.getLong("at")));
        for (Document d : steps) {
            String id = d.getString("_id");
            String[] parts = id.split(":");
            String episode = parts.length > 1 ? parts[0] + ":" + parts[1] : id;
            long at = d.getLong("at");
            switch (d.getString("type")) {
                case "firing" -> {
                    Document detail = d.get("detail", Document.class);
                    Object labels = detail == null ? null : detail.get("labels");
                    String name = labels instanceof Document ld ? ld.getString("alertname") : null;
                    firings.merge(name == null ? "?" : name, 1L, Long::sum);
                    firedAt.put(episode, at);
                }
                case "acknowledged" -> {
                    Long f = firedAt.get(episode);
                    if (f != null) {
                        toAck.add(at - f);
                    }
                }
                case "resolved" -> {
                    Long f = firedAt.remove(episode);
                    if (f != null) {
                        toResolve.add(at - f);
                    }
                }
                default -> {
                }
            }
        }
        List<Map<String, Object>> noisy = firings.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(e -> Map.<String, Object>of("alertname", e.getKey(), "firings", e.getValue())).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("windowMs", windowMs);
        out.put("counts", counts);
        out.put("topNoisyRules", noisy);
        out.put("meanTimeToAcknowledgeMs", mean(toAck));
        out.put("meanTimeToResolveMs", mean(toResolve));
        out.put("window", Duration.ofMillis(windowMs).toString());
        return out;
    }

    private static Long mean(List<Long> values) {
        return values.isEmpty() ? null : Math.round(values.stream().mapToLong(Long::longValue).average().orElse(0));
    }
}
