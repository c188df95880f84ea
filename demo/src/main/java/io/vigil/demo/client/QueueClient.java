package io.vigil.demo.client;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The part of queue-service's REST API the shop uses: enqueue an order job, and its worker's lease and ack. */
@RegisterRestClient(configKey = "queue")
@Path("/api/v1/queues/{queue}")
public interface QueueClient {

    record Lease(List<Job> jobs) {
    }

    record Job(String id, String token, Map<String, Object> payload) {
    }

    @POST
    @Path("/jobs")
    Map<String, Object> enqueue(@HeaderParam("Authorization") String auth, @PathParam("queue") String queue,
            Map<String, Object> job);

    @POST
    @Path("/lease")
    Lease lease(@HeaderParam("Authorization") String auth, @PathParam("queue") String queue,
            Map<String, Object> request);

    @POST
    @Path("/jobs/{id}/ack")
    void ack(@HeaderParam("Authorization") String auth, @PathParam("queue") String queue, @PathParam("id") String id,
            Map<String, Object> ack);
}
