package io.vigil.queue.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.queue.domain.JobIds;
import io.vigil.queue.domain.JobState;
import io.vigil.queue.domain.QueueCounts;
import io.vigil.queue.domain.QueueNames;
import io.vigil.queue.domain.QueueSettings;
import io.vigil.queue.domain.QueueSummary;
import io.vigil.queue.metrics.QueueMetrics;
import io.vigil.queue.store.DirectContract;
import io.vigil.queue.store.QueueRegistry;
import io.vigil.queue.store.QueueStore;

/** Queue administration and purge (admin), listing and stats (reader), dead-letter retry (writer, as a job's retry). */
@Path("/api/v1/queues")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "queues")
public class QueueResource {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PAGE = 1000;

    private final QueueRegistry registry;
    private final QueueStore store;
    private final QueueMetrics metrics;
    private final ObjectMapper mapper;
    private final DirectContract contract;

    public QueueResource(QueueRegistry registry, QueueStore store, QueueMetrics metrics, ObjectMapper mapper,
            DirectContract contract) {
        this.registry = registry;
        this.contract = contract;
        this.mapper = mapper;
        this.store = store;
        this.metrics = metrics;
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Queues in name order with settings, depth per state, oldest waiting age and rates; "
            + "paged with limit and cursor (without limit: every queue), read in one pipelined Redis round trip "
            + "per page")
    public QueueView.Listing list(
            @Parameter(description = "Queues per page, 1 to 1000; absent = every queue") @QueryParam("limit") Integer limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "Only queues whose name starts with this") @QueryParam("prefix") String prefix) {
        if (limit != null && (limit < 1 || limit > MAX_PAGE)) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        String after = decodeCursor(cursor);
        // name order is stable: a queue created or deleted between two pages does not shift the others
        List<String> matching = registry.names().stream()
                .filter(n -> prefix == null || n.startsWith(prefix)).sorted().toList();
        List<String> page = matching.stream().filter(n -> after == null || n.compareTo(after) > 0)
                .limit(limit == null ? Long.MAX_VALUE : limit + 1L).toList();
        String next = null;
        if (limit != null && page.size() > limit) {
            page = page.subList(0, limit);
            next = encodeCursor(page.get(limit - 1));
        }
        List<QueueView> out = new ArrayList<>(page.size());
        for (QueueSummary s : store.summaries(page)) {
            QueueCounts c = s.counts();
            QueueMetrics.Snapshot rates = metrics.snapshot(s.name(), c);
            out.add(new QueueView(s.name(), s.settings(),
                    new QueueStats.Depth(c.waiting(), c.delayed(), c.active(), c.completed(), c.dead(), c.cancelled()),
                    c.oldestWaitingAgeMs(), new QueueStats.Rates(rates.enqueuePerSecond(), rates.completePerSecond(),
                            rates.failPerSecond())));
        }
        return new QueueView.Listing(out, next, matching.size());
    }

    static String encodeCursor(String lastName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("n:" + lastName).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!s.startsWith("n:")) {
                throw new IllegalArgumentException(s);
            }
            return s.substring(2);
        } catch (RuntimeException e) {
            throw ProblemException.invalid("cursor", "is not a cursor this API returned");
        }
    }

    @GET
    @Path("/{queue}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One queue's settings")
    public QueueView get(@PathParam("queue") String queue) {
        return new QueueView(queue, registry.get(QueueNames.check(queue)));
    }

    @GET
    @Path("/{queue}/contract")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "The direct-enqueue contract for this queue: EVALSHA of the published script on the same "
            + "Redis, with these KEYS and ARGV (one Redis round trip per job, no HTTP)")
    public DirectContractView contract(@PathParam("queue") String queue) {
        registry.get(QueueNames.check(queue));
        return new DirectContractView(DirectContract.VERSION, DirectContract.KEY, contract.sha(),
                DirectContract.keys(queue), DirectContract.ARGV_NAMES, contract.maxPayloadBytes(), contract.source());
    }

    @PUT
    @Path("/{queue}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a queue or change its settings (absent fields unchanged)")
    public RestResponse<QueueView> put(@PathParam("queue") String queue, @Valid QueueSettingsRequest request) {
        QueueNames.check(queue);
        // an existing queue: only the fields given change, each on its own (a pause racing this PUT stays)
        var updated = registry.find(queue).flatMap(x -> registry.update(queue,
                request == null ? Map.of() : request.fields()));
        if (updated.isPresent()) {
            return RestResponse.status(RestResponse.Status.OK, new QueueView(queue, updated.get()));
        }
        QueueSettings settings = request == null ? registry.defaults() : request.applyTo(registry.defaults());
        registry.save(queue, settings);
        return RestResponse.status(RestResponse.Status.CREATED, new QueueView(queue, settings));
    }

    @POST
    @Path("/{queue}/pause")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Pause: jobs are still accepted, none is leased")
    public QueueView pause(@PathParam("queue") String queue) {
        return setPaused(queue, true);
    }

    @POST
    @Path("/{queue}/resume")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Resume a paused queue")
    public QueueView resume(@PathParam("queue") String queue) {
        return setPaused(queue, false);
    }

    private QueueView setPaused(String queue, boolean paused) {
        registry.get(QueueNames.check(queue)); // a configured queue Redis lost is recreated first
        return new QueueView(queue, registry.update(queue, Map.of("paused", paused ? "1" : "0"))
                .orElseThrow(() -> QueueRegistry.unknown(queue)));
    }

    @DELETE
    @Path("/{queue}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a queue and all its jobs (a configured queue is recreated empty)")
    public RestResponse<Void> delete(@PathParam("queue") String queue) {
        registry.delete(QueueNames.check(queue));
        metrics.forget(queue);
        return RestResponse.noContent();
    }

    @GET
    @Path("/{queue}/stats")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Depth per state, oldest waiting age, totals, rates, wait and run percentiles")
    public Uni<QueueStats> stats(@PathParam("queue") String queue) {
        return registry.require(QueueNames.check(queue)).chain(() -> store.counts(queue)).map(c -> {
            QueueMetrics.Snapshot s = metrics.snapshot(queue, c);
            return new QueueStats(queue,
                    new QueueStats.Depth(c.waiting(), c.delayed(), c.active(), c.completed(), c.dead(), c.cancelled()),
                    c.oldestWaitingAgeMs(),
                    new QueueStats.Totals(c.enqueuedTotal(), c.completedTotal(), c.failedTotal(), c.deadTotal()),
                    new QueueStats.Rates(s.enqueuePerSecond(), s.completePerSecond(), s.failPerSecond()),
                    s.waitMs(), s.runMs());
        });
    }

    @DELETE
    @Path("/{queue}/jobs")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Purge every job in one state (waiting, delayed, completed, dead or cancelled)")
    public Map<String, Object> purge(@PathParam("queue") String queue, @QueryParam("state") String state) {
        if (state == null) {
            throw ProblemException.invalid("state", "is required");
        }
        JobState jobState = JobState.parse(state);
        if (jobState == JobState.ACTIVE) {
            throw ProblemException.invalid("state", "active jobs cannot be purged; cancel them");
        }
        registry.get(queue);
        long total = 0;
        long n;
        do {
            n = store.purge(queue, jobState, 1000).await().atMost(TIMEOUT);
            total += n;
        } while (n > 0);
        return Map.of("queue", queue, "state", jobState.wire(), "purged", total);
    }

    @POST
    @Path("/{queue}/dead/retry")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Move every dead-lettered job back to waiting with a fresh attempt budget")
    public Map<String, Object> retryAllDead(@PathParam("queue") String queue) {
        registry.get(queue);
        long total = 0;
        long n;
        do {
            n = store.retryOldestDead(queue, 1000).await().atMost(TIMEOUT);
            total += n;
        } while (n > 0);
        return Map.of("queue", queue, "retried", total);
    }

    @POST
    @Path("/{queue}/jobs/{id}/retry")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Move one dead-lettered job back to waiting with a fresh attempt budget")
    public Map<String, Object> retryDead(@PathParam("queue") String queue, @PathParam("id") String id) {
        JobIds.check(id); // "*" is not "every dead job"
        long n = store.retryDead(queue, id).await().atMost(TIMEOUT);
        if (n == 0) {
            throw ProblemException.conflict("job " + id + " is not dead-lettered in queue '" + queue + "'");
        }
        return Map.of("queue", queue, "id", id, "state", "waiting");
    }

    @GET
    @Path("/{queue}/outbox/parked")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Outbox records the archive refused (published, not archived), with their error")
    public Uni<ParkedRecords> parked(@PathParam("queue") String queue,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalid("limit", "must be between 1 and 1000");
        }
        return store.parked(QueueNames.check(queue), limit).map(entries -> ParkedRecords.of(queue, entries, mapper));
    }

    @POST
    @Path("/{queue}/outbox/parked/retry")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Archive the parked records again (after the cause was fixed); refused ones are parked again")
    public Uni<Map<String, Object>> retryParked(@PathParam("queue") String queue) {
        return store.retryParked(QueueNames.check(queue)).map(n -> Map.of("queue", queue, "retried", n));
    }
}
