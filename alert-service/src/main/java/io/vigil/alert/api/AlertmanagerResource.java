package io.vigil.alert.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;
import io.vigil.alert.domain.AlertInstance;
import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Silence;
import io.vigil.alert.engine.Lifecycle;
import io.vigil.alert.notify.Dispatcher;
import io.vigil.alert.notify.Router;
import io.vigil.alert.store.SilenceStore;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/**
 * The subset of Alertmanager's API v2 that Prometheus (posting alerts) and amtool (listing alerts, adding and
 * expiring silences) use. Alerts posted here are external alerts: firing until their endsAt (Prometheus re-sends
 * them every evaluation), then resolved; they go through the same routing, silences, history and ack as rule alerts.
 */
@Path("/api/v2")
@Blocking
public class AlertmanagerResource {

    public record PostableAlert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
            Instant endsAt, String generatorURL) {
    }

    public record AmMatcher(String name, String value, Boolean isRegex, Boolean isEqual) {
        String text() {
            boolean eq = isEqual == null || isEqual;
            boolean re = isRegex != null && isRegex;
            return name + (re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=")) + value;
        }

        static AmMatcher of(Matcher m) {
            return new AmMatcher(m.name(), m.value(), m.isRegex(), m.op().startsWith("="));
        }
    }

    public record PostableSilence(String id, List<AmMatcher> matchers, Instant startsAt, Instant endsAt,
            String createdBy, String comment) {
    }

    private static final long DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;
    private static final Instant STARTED = Instant.now();

    private final Lifecycle lifecycle;
    private final Dispatcher dispatcher;
    private final SilenceStore silences;
    private final SilenceResource silenceApi;

    public AlertmanagerResource(Lifecycle lifecycle, Dispatcher dispatcher, SilenceStore silences,
            SilenceResource silenceApi) {
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.silences = silences;
        this.silenceApi = silenceApi;
    }

    @POST
    @Path("/alerts")
    @RolesAllowed(Roles.WRITER)
    public Response post(List<PostableAlert> alerts) {
        if (alerts == null) {
            throw ProblemException.badRequest("a JSON array of alerts is required");
        }
        for (int i = 0; i < alerts.size(); i++) {
            PostableAlert a = alerts.get(i);
            if (a == null || a.labels() == null || a.labels().isEmpty()) {
                throw ProblemException.invalid("[" + i + "].labels", "at least one label");
            }
            if (a.startsAt() != null && a.endsAt() != null && a.endsAt().isBefore(a.startsAt())) {
                throw ProblemException.invalid("[" + i + "].endsAt", "must not be before startsAt");
            }
        }
        long now = System.currentTimeMillis();
        for (PostableAlert a : alerts) {
            long endsAt = a.endsAt() != null ? a.endsAt().toEpochMilli() : now + DEFAULT_RESOLVE_TIMEOUT_MS;
            lifecycle.external(a.labels(), a.annotations() == null ? Map.of() : a.annotations(),
                    a.startsAt() == null ? now : a.startsAt().toEpochMilli(), endsAt);
        }
        return Response.ok().build();
    }

    @GET
    @Path("/alerts")
    @RolesAllowed(Roles.READER)
    public List<Map<String, Object>> alerts(@QueryParam("filter") List<String> filter,
            @QueryParam("active") Boolean active, @QueryParam("silenced") Boolean silenced,
            @QueryParam("inhibited") Boolean inhibited) {
        List<Matcher> matchers = Validated.check(() -> Matcher.parseAll("filter", filter == null ? List.of()
                : filter.stream().map(f -> f.replaceAll("^\\{|}$", "")).filter(f -> !f.isBlank()).toList()));
        long now = System.currentTimeMillis();
        List<Map<String, Object>> out = new ArrayList<>();
        for (AlertInstance a : lifecycle.active()) {
            if (a.state != io.vigil.alert.domain.AlertState.FIRING || !Matcher.all(matchers, a.labels)) {
                continue;
            }
            String muted = dispatcher.mutedBy(a, now);
            boolean isSilenced = muted != null && muted.startsWith("silence:");
            boolean isInhibited = muted != null && muted.startsWith("inhibit:");
            if ((Boolean.FALSE.equals(silenced) && isSilenced) || (Boolean.FALSE.equals(inhibited) && isInhibited)
                    || (Boolean.FALSE.equals(active) && muted == null)) {
                continue;
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("state", muted == null ? "active" : "suppressed");
            status.put("silencedBy", isSilenced ? List.of(muted.substring(8)) : List.of());
            status.put("inhibitedBy", isInhibited ? List.of(muted.substring(8)) : List.of());
            status.put("mutedBy", List.of());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("labels", a.labels);
            m.put("annotations", a.annotations);
            m.put("startsAt", Instant.ofEpochMilli(a.firingAt).toString());
            m.put("endsAt", Instant.ofEpochMilli(a.endsAt > 0 ? a.endsAt : now + DEFAULT_RESOLVE_TIMEOUT_MS).toString());
            m.put("updatedAt", Instant.ofEpochMilli(Math.max(a.lastBreachAt, a.firingAt)).toString());
            m.put("fingerprint", a.fingerprint);
            m.put("generatorURL", "");
            m.put("receivers", Router.match(dispatcher.routing(), a.labels).stream()
                    .filter(r -> r.receiver() != null).map(r -> Map.of("name", r.receiver())).toList());
            m.put("status", status);
            out.add(m);
        }
        return out;
    }

    @GET
    @Path("/silences")
    @RolesAllowed(Roles.READER)
    public List<Map<String, Object>> silences(@QueryParam("filter") List<String> filter) {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Silence s : silences.all()) {
            out.add(view(s, now));
        }
        return out;
    }

    @GET
    @Path("/silence/{id}")
    @RolesAllowed(Roles.READER)
    public Map<String, Object> silence(@PathParam("id") String id) {
        Silence s = silences.get(id);
        if (s == null) {
            throw ProblemException.notFound("no silence " + id);
        }
        return view(s, System.currentTimeMillis());
    }

    @POST
    @Path("/silences")
    @RolesAllowed(Roles.WRITER)
    public Map<String, String> postSilence(PostableSilence body) {
        if (body == null) {
            throw ProblemException.badRequest("a silence JSON body is required");
        }
        List<String> matchers = body.matchers() == null ? null : body.matchers().stream().map(AmMatcher::text).toList();
        String id = body.id() == null || body.id().isBlank() ? null : body.id();
        Silence s = silenceApi.save(id, matchers, body.startsAt(), body.endsAt(), body.createdBy(), body.comment());
        return Map.of("silenceID", s.id());
    }

    @DELETE
    @Path("/silence/{id}")
    @RolesAllowed(Roles.WRITER)
    public Response deleteSilence(@PathParam("id") String id) {
        silenceApi.expireSilence(id);
        return Response.ok().build();
    }

    @GET
    @Path("/status")
    @RolesAllowed(Roles.READER)
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", Map.of("name", "vigil", "status", "ready", "peers", List.of()));
        out.put("versionInfo", Map.of("branch", "vigil", "buildDate", "", "buildUser", "vigil", "goVersion", "none",
                "revision", "", "version", "0.25.0-vigil"));
        out.put("config", Map.of("original", "# routing is configured through PUT /api/v1/routing\n"));
        out.put("uptime", STARTED.toString());
        return out;
    }

    private static Map<String, Object> view(Silence s, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("matchers", Matcher.parseAll("matchers", s.matchers()).stream().map(AmMatcher::of).toList());
        m.put("startsAt", Instant.ofEpochMilli(s.startsAt()).toString());
        m.put("endsAt", Instant.ofEpochMilli(s.endsAt()).toString());
        m.put("updatedAt", Instant.ofEpochMilli(s.updatedAt()).toString());
        m.put("createdBy", s.createdBy());
        m.put("comment", s.comment());
        m.put("status", Map.of("state", s.state(now)));
        return m;
    }
}
