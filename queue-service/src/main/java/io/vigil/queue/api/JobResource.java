package io.vigil.queue.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.queue.config.QueueServiceConfig;
import io.vigil.queue.domain.Enqueued;
import io.vigil.queue.domain.JobState;
import io.vigil.queue.domain.Lease;
import io.vigil.queue.domain.NewJob;
import io.vigil.queue.domain.QueueNames;
import io.vigil.queue.metrics.QueueMetrics;
import io.vigil.queue.store.ArchiveRepository;
import io.vigil.queue.store.ArchivedJob;
import io.vigil.queue.store.EnqueueGroups;
import io.vigil.queue.store.LeaseSignals;
import io.vigil.queue.store.QueueStore;

/**
 * Producer and worker API of one queue. Non-blocking: every call is one Lua script on the reactive client, and single
 * enqueues arriving together share one ({@link EnqueueGroups}).
 */
@Path("/api/v1/queues/{queue}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobResource {

    private final QueueStore store;
    private final LeaseSignals signals;
    private final QueueMetrics metrics;
    private final JobMapper jobs;
    private final QueueServiceConfig config;
    private final ArchiveRepository archive;
    private final EnqueueGroups groups;

    public JobResource(QueueStore store, LeaseSignals signals, QueueMetrics metrics, JobMapper jobs,
            QueueServiceConfig config, ArchiveRepository archive, EnqueueGroups groups) {
        this.store = store;
        this.groups = groups;
        this.signals = signals;
        this.metrics = metrics;
        this.jobs = jobs;
        this.config = config;
        this.archive = archive;
    }

    @POST
    @Path("/jobs")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Enqueue a job", description = "201 when enqueued, 200 when the idempotency key matched")
    public Uni<RestResponse<EnqueueResponse>> enqueue(@PathParam("queue") String queue,
            @Valid @NotNull EnqueueRequest request) {
        NewJob job = jobs.toJob(request, "");
        QueueNames.check(queue);
        return groups.enqueue(queue, job).map(e -> {
            signals.signal(queue);
            metrics.enqueued(queue, e.duplicate() ? 0 : 1);
            EnqueueResponse r = new EnqueueResponse(e.id(), queue, e.state(), e.duplicate());
            return RestResponse.status(r.duplicate() ? RestResponse.Status.OK : RestResponse.Status.CREATED, r);
        });
    }

    @POST
    @Path("/jobs/batch")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Enqueue several jobs atomically (all or none)")
    public Uni<EnqueueResponse.Batch> enqueueBatch(@PathParam("queue") String queue,
            @Valid @NotNull EnqueueBatchRequest request) {
        checkBatch(request.jobs().size());
        List<NewJob> list = new ArrayList<>(request.jobs().size());
        for (int i = 0; i < request.jobs().size(); i++) {
            list.add(jobs.toJob(request.jobs().get(i), "jobs[" + i + "]."));
        }
        return enqueue(queue, list).map(EnqueueResponse.Batch::new);
    }

    private Uni<List<EnqueueResponse>> enqueue(String queue, List<NewJob> list) {
        QueueNames.check(queue);
        return store.enqueue(queue, list).map(results -> {
            signals.signal(queue);
            int added = 0;
            List<EnqueueResponse> out = new ArrayList<>(results.size());
            for (Enqueued e : results) {
                added += e.duplicate() ? 0 : 1;
                out.add(new EnqueueResponse(e.id(), queue, e.state(), e.duplicate()));
            }
            metrics.enqueued(queue, added);
            return out;
        });
    }

    @POST
    @Path("/lease")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Lease up to count ready jobs (highest priority first, FIFO within one), long-polling "
            + "up to waitMs")
    public Uni<LeasedJob.Batch> lease(@PathParam("queue") String queue, @Valid LeaseRequest request) {
        QueueNames.check(queue);
        int count = request == null || request.count() == null ? 1 : request.count();
        checkBatch(count);
        long waitMs = request == null || request.waitMs() == null ? 0
                : Math.min(request.waitMs(), config.maxLeaseWaitMs());
        long visibilityMs = request == null || request.visibilityMs() == null ? 0 : request.visibilityMs();
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        return leaseUntil(queue, count, visibilityMs, deadline).map(leases -> {
            List<LeasedJob> out = new ArrayList<>(leases.size());
            for (Lease l : leases) {
                out.add(jobs.toDto(queue, l));
            }
            return new LeasedJob.Batch(out);
        });
    }

    private Uni<List<Lease>> leaseUntil(String queue, int count, long visibilityMs, long deadline) {
        return store.lease(queue, count, visibilityMs).flatMap(leases -> {
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (!leases.isEmpty() || remainingMs <= 0) {
                return Uni.createFrom().item(leases);
            }
            long pause = Math.min(remainingMs, config.leasePollInterval().toMillis());
            return signals.await(queue, pause).flatMap(x -> leaseUntil(queue, count, visibilityMs, deadline));
        });
    }

    @POST
    @Path("/jobs/{id}/ack")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Complete a leased job (409 if the token is not the current lease or the job was cancelled)")
    public Uni<AckRequest.Result> ack(@PathParam("queue") String queue, @PathParam("id") String id,
            @Valid @NotNull AckRequest request) {
        String result = jobs.result(request.result(), "result");
        return store.ack(queue, List.<String[]>of(new String[] {id, request.token(), result})).map(statuses -> {
            String status = statuses.get(0);
            check(status, id);
            return new AckRequest.Result(id, "completed");
        });
    }

    @POST
    @Path("/ack")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Complete several leased jobs; one status per ack")
    public Uni<AckRequest.Results> ackBatch(@PathParam("queue") String queue,
            @Valid @NotNull AckRequest.Batch request) {
        checkBatch(request.acks().size());
        List<String[]> acks = new ArrayList<>(request.acks().size());
        for (int i = 0; i < request.acks().size(); i++) { // every result checked before any ack is applied
            AckRequest.Item item = request.acks().get(i);
            acks.add(new String[] {item.id(), item.token(), jobs.result(item.result(), "acks[" + i + "].result")});
        }
        return store.ack(queue, acks).map(statuses -> {
            List<AckRequest.Result> out = new ArrayList<>(statuses.size());
            for (int i = 0; i < statuses.size(); i++) {
                out.add(new AckRequest.Result(acks.get(i)[0], statuses.get(i)));
            }
            return new AckRequest.Results(out);
        });
    }

    @POST
    @Path("/jobs/{id}/nack")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Fail the current attempt: retried after backoff, dead-lettered after maxAttempts")
    public Uni<NackRequest.Response> nack(@PathParam("queue") String queue, @PathParam("id") String id,
            @Valid @NotNull NackRequest request) {
        String error = request.error() == null ? "" : request.error();
        return store.nack(queue, id, request.token(), error, Boolean.TRUE.equals(request.deadLetter()))
                .map(r -> {
                    check(r.get(0), id);
                    long retryAt = Long.parseLong(r.get(2));
                    return new NackRequest.Response(id, r.get(1), retryAt > 0 ? Instant.ofEpochMilli(retryAt) : null);
                });
    }

    @POST
    @Path("/jobs/{id}/extend")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Extend a lease (heartbeat)")
    public Uni<ExtendRequest.Response> extend(@PathParam("queue") String queue, @PathParam("id") String id,
            @Valid @NotNull ExtendRequest request) {
        long ms = request.extendMs() == null ? 0 : request.extendMs();
        return store.extend(queue, id, request.token(), ms).map(r -> {
            check(r.get(0), id);
            return new ExtendRequest.Response(id, Instant.ofEpochMilli(Long.parseLong(r.get(1))), "1".equals(r.get(2)));
        });
    }

    @POST
    @Path("/jobs/{id}/cancel")
    @RolesAllowed(Roles.WRITER)
    @Operation(summary = "Cancel: a waiting or delayed job never runs; an active one is flagged and its ack refused")
    public Uni<JobView> cancel(@PathParam("queue") String queue, @PathParam("id") String id) {
        return store.cancel(queue, id).flatMap(status -> switch (status) {
            case "ok", "flagged" -> get(queue, id);
            case "notfound" -> Uni.createFrom().failure(jobNotFound(queue, id));
            default -> Uni.createFrom().failure(ProblemException.conflict("job " + id + " is already " + status));
        });
    }

    @GET
    @Path("/jobs/{id}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "A job: state, attempts, timestamps, last error, result (from the archive once Redis "
            + "retention removed it)")
    public Uni<JobView> get(@PathParam("queue") String queue, @PathParam("id") String id) {
        return store.job(queue, id).flatMap(hash -> {
            if (!hash.isEmpty()) {
                return Uni.createFrom().item(JobView.of(queue, hash));
            }
            return Uni.createFrom().item(() -> archive.find(queue, id))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .map(doc -> {
                        if (doc == null) {
                            throw jobNotFound(queue, id);
                        }
                        return JobView.of((ArchivedJob) doc);
                    });
        });
    }

    @GET
    @Path("/jobs")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Jobs in one state, in queue order (waiting: run order; others: by time), paged")
    public Uni<JobView.Page> list(@PathParam("queue") String queue, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String cursor) {
        if (state == null) {
            throw ProblemException.invalid("state", "is required");
        }
        JobState jobState = JobState.parse(state);
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "must be between 1 and 500");
        }
        long start = decodeCursor(cursor);
        return store.list(queue, jobState, start, limit).map(hashes -> {
            List<JobView> items = new ArrayList<>(hashes.size());
            hashes.forEach(h -> items.add(JobView.of(queue, h)));
            String next = hashes.size() == limit ? encodeCursor(start + limit) : null;
            return new JobView.Page(items, next);
        });
    }

    private void checkBatch(int size) {
        if (size > config.maxBatch()) {
            throw ProblemException.invalid("jobs", "at most " + config.maxBatch() + " per request");
        }
    }

    private static void check(String status, String id) {
        switch (status) {
            case "ok" -> { }
            case "notfound" -> throw ProblemException.notFound("job " + id + " does not exist");
            case "cancelled" -> throw ProblemException.conflict("job " + id + " was cancelled; the ack is refused");
            default -> throw ProblemException.conflict("job " + id
                    + ": the token is not the job's current lease (expired, reclaimed or already finished)");
        }
    }

    private static ProblemException jobNotFound(String queue, String id) {
        return ProblemException.notFound("job " + id + " does not exist in queue '" + queue + "'");
    }

    static String encodeCursor(long offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static long decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return Long.parseLong(s.substring(2));
        } catch (RuntimeException e) {
            throw ProblemException.invalid("cursor", "is not a cursor this API returned");
        }
    }
}
