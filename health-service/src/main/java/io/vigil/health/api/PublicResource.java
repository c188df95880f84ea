package io.vigil.health.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.problem.ProblemException;
import io.vigil.health.config.HealthConfig;
import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.Incident;
import io.vigil.health.domain.Maintenance;
import io.vigil.health.domain.State;
import io.vigil.health.probe.ResourceMonitor;
import io.vigil.health.schedule.CheckScheduler;
import io.vigil.health.schedule.MaintenanceCalendar;
import io.vigil.health.store.IncidentStore;
import io.vigil.health.store.StateStore;

/**
 * What the public status page ({@code /}) and README badges read: no API key, like the probes. The page's JSON is
 * computed at most every two seconds, whatever the number of open pages, from Redis only (states, hourly counters and
 * recent latencies in two pipelined round trips), so it stays cheap with thousands of targets. Reasons and errors
 * lose response-body excerpts and host names ({@link PublicText}) unless {@code vigil.health.page.show-details}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "public")
public class PublicResource {

    private static final long DAY_MS = 86_400_000L;
    private static final int BARS = 24;
    private static final long CACHE_MS = 2_000;

    /** One hour of the 24 h uptime bar: uptime % (null without counted results) and the worst outcome. */
    public record Bar(String start, Double uptimePercent, State worst) {
    }

    public record PageTarget(String name, State state, String reason, List<String> blockedBy, boolean maintenance,
            String checkedAt, Long latencyMs, String lastError, String lastErrorAt, Double uptime24hPercent,
            List<Bar> bars, List<Long> latencies) {
    }

    public record PageGroup(String name, State status, List<PageTarget> targets) {
    }

    /** @param banner set while anything is DOWN */
    public record Page(String generatedAt, State overall, String banner, List<PageGroup> groups,
            List<Incident> incidents, List<Maintenance> maintenance, ResourceMonitor.Report self) {
    }

    /** shields.io's endpoint badge format. */
    public record Badge(int schemaVersion, String label, String message, String color) {
    }

    private final CheckScheduler scheduler;
    private final StateStore states;
    private final IncidentStore incidents;
    private final MaintenanceCalendar calendar;
    private final ResourceMonitor resources;
    private final boolean showDetails;
    private volatile Page cached;
    private volatile long cachedAt;

    public PublicResource(CheckScheduler scheduler, StateStore states, IncidentStore incidents,
            MaintenanceCalendar calendar, ResourceMonitor resources, HealthConfig config) {
        this.scheduler = scheduler;
        this.states = states;
        this.incidents = incidents;
        this.calendar = calendar;
        this.resources = resources;
        this.showDetails = config.page().showDetails();
    }

    @GET
    @Path("/page")
    @PermitAll
    @Operation(summary = "Everything the public status page shows (public)")
    public Page page() {
        long now = System.currentTimeMillis();
        Page page = cached;
        if (page == null || now - cachedAt > CACHE_MS) {
            page = build(now);
            cached = page;
            cachedAt = now;
        }
        return page;
    }

    @GET
    @Path("/ping")
    @PermitAll
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A bare endpoint (public): answers pong; the baseline of the probe benchmark")
    public String ping() {
        return "pong";
    }

    @GET
    @Path("/badges/{target}")
    @PermitAll
    @Operation(summary = "A target's state as a shields.io endpoint badge (public)",
            description = "https://img.shields.io/endpoint?url=<this URL>")
    public Badge badge(@PathParam("target") String target) {
        FleetStatus.Entry e = scheduler.status().entry(target);
        if (e == null) {
            throw ProblemException.notFound("no target " + target);
        }
        String color = switch (e.effective()) {
            case UP -> "brightgreen";
            case DEGRADED -> "yellow";
            case UNREACHABLE -> "orange";
            case DOWN -> "red";
            case UNKNOWN -> "lightgrey";
        };
        return new Badge(1, target, e.effective().name().toLowerCase(), color);
    }

    private Page build(long now) {
        FleetStatus fleet = scheduler.status();
        Map<String, StateStore.Recent> recent = states.recent(
                fleet.entries().stream().map(e -> e.target().name()).toList());
        List<PageGroup> groups = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (FleetStatus.Group g : fleet.groups()) {
            List<PageTarget> targets = new ArrayList<>();
            for (FleetStatus.Entry e : g.entries()) {
                targets.add(target(e, recent.get(e.target().name()), now));
                if (e.effective() == State.DOWN) {
                    down.add(e.target().name());
                }
            }
            groups.add(new PageGroup(g.name(), g.status(), targets));
        }
        String banner = down.isEmpty() ? null
                : (down.size() == 1 ? down.get(0) + " is down" : down.size() + " targets are down: " + String.join(", ", down));
        List<Incident> shown = new ArrayList<>(incidents.incidents(true, 20));
        for (Incident i : incidents.incidents(false, 10)) {
            if (i.resolvedAt() != null && Instant.parse(i.resolvedAt()).toEpochMilli() > now - 7 * DAY_MS) {
                shown.add(i);
            }
        }
        return new Page(Instant.ofEpochMilli(now).toString(), fleet.overall(), banner, groups, shown,
                calendar.windows(), resources.report());
    }

    /** 24 one-hour bars (the current hour last) from the counters apply-result.lua keeps in Redis. */
    private PageTarget target(FleetStatus.Entry e, StateStore.Recent recent, long now) {
        long hour = StateStore.HOUR_MS;
        long current = now - now % hour;
        long allCounted = 0;
        long allUp = 0;
        List<Bar> bars = new ArrayList<>(BARS);
        for (int i = BARS - 1; i >= 0; i--) {
            long start = current - i * hour;
            long counted = number(recent.hours().get(start + ":n"));
            long up = number(recent.hours().get(start + ":up"));
            String worst = recent.hours().get(start + ":w");
            allCounted += counted;
            allUp += up;
            bars.add(new Bar(Instant.ofEpochMilli(start).toString(), counted == 0 ? null : 100.0 * up / counted,
                    worst == null ? null : State.valueOf(worst)));
        }
        return new PageTarget(e.target().name(), e.effective(), shown(e.reason()), e.blockedBy(), e.maintenance(),
                TargetStatus.iso(e.own().checkedAt()), e.own().latencyMs(), shown(e.own().lastError()),
                TargetStatus.iso(e.own().lastErrorAt()), allCounted == 0 ? null : 100.0 * allUp / allCounted, bars,
                recent.latencies());
    }

    /** Reasons and errors as the public may see them (no body excerpts, no host names) unless configured. */
    private String shown(String text) {
        return showDetails ? text : PublicText.reason(text);
    }

    private static long number(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}
