package io.vigil.health.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.problem.ProblemException;
import io.vigil.health.domain.CheckResult;
import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.Incident;
import io.vigil.health.domain.Maintenance;
import io.vigil.health.domain.State;
import io.vigil.health.probe.ResourceMonitor;
import io.vigil.health.schedule.CheckScheduler;
import io.vigil.health.schedule.MaintenanceCalendar;
import io.vigil.health.store.IncidentStore;
import io.vigil.health.store.ResultStore;

/**
 * What the public status page ({@code /}) and README badges read: no API key, like the probes. The page's JSON is
 * computed at most every two seconds, whatever the number of open pages.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "public")
public class PublicResource {

    private static final long DAY_MS = 86_400_000L;
    private static final int BARS = 24;
    private static final int SPARK_POINTS = 40;
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
    private final ResultStore results;
    private final IncidentStore incidents;
    private final MaintenanceCalendar calendar;
    private final ResourceMonitor resources;
    private volatile Page cached;
    private volatile long cachedAt;

    public PublicResource(CheckScheduler scheduler, ResultStore results, IncidentStore incidents,
            MaintenanceCalendar calendar, ResourceMonitor resources) {
        this.scheduler = scheduler;
        this.results = results;
        this.incidents = incidents;
        this.calendar = calendar;
        this.resources = resources;
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
        List<PageGroup> groups = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (FleetStatus.Group g : fleet.groups()) {
            List<PageTarget> targets = new ArrayList<>();
            for (FleetStatus.Entry e : g.entries()) {
                targets.add(target(e, now));
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

    private PageTarget target(FleetStatus.Entry e, long now) {
        long from = now - DAY_MS;
        List<CheckResult> day = results.window(e.target().name(), from, now + 1);
        long hour = DAY_MS / BARS;
        long[] counted = new long[BARS];
        long[] up = new long[BARS];
        State[] worst = new State[BARS];
        long allCounted = 0;
        long allUp = 0;
        for (CheckResult r : day) {
            int i = (int) Math.min(BARS - 1, Math.max(0, (r.checkedAt() - from) / hour));
            State s = r.blocked() ? State.UNREACHABLE : r.outcome();
            worst[i] = worst[i] == null ? s : State.worst(worst[i], s);
            if (r.blocked() || r.muted()) {
                continue;
            }
            counted[i]++;
            allCounted++;
            if (r.outcome().serving()) {
                up[i]++;
                allUp++;
            }
        }
        List<Bar> bars = new ArrayList<>(BARS);
        for (int i = 0; i < BARS; i++) {
            bars.add(new Bar(Instant.ofEpochMilli(from + i * hour).toString(),
                    counted[i] == 0 ? null : 100.0 * up[i] / counted[i], worst[i]));
        }
        List<Long> latencies = day.subList(Math.max(0, day.size() - SPARK_POINTS), day.size()).stream()
                .map(CheckResult::latencyMs).toList();
        return new PageTarget(e.target().name(), e.effective(), e.reason(), e.blockedBy(), e.maintenance(),
                TargetStatus.iso(e.own().checkedAt()), e.own().latencyMs(), e.own().lastError(),
                TargetStatus.iso(e.own().lastErrorAt()), allCounted == 0 ? null : 100.0 * allUp / allCounted, bars,
                latencies);
    }
}
