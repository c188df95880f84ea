package io.vigil.demo.api;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.common.annotation.Blocking;
import io.vigil.demo.DemoConfig;
import io.vigil.demo.client.QueueClient;

/** The shop itself: a few endpoints with realistic latencies, and faults the demo switches on and off. */
@Path("/shop")
@Blocking
public class ShopResource {

    public static final String QUEUE = "demo-orders";

    private final Faults faults;
    private final QueueClient queue;
    private final DemoConfig config;

    public ShopResource(Faults faults, @RestClient QueueClient queue, DemoConfig config) {
        this.faults = faults;
        this.queue = queue;
        this.config = config;
    }

    @GET
    @Path("products/{id}")
    public Map<String, Object> product(@PathParam("id") String id) {
        work("/shop/products/{id}", 3, 15);
        return Map.of("id", id, "name", "Product " + id, "priceCents", Math.abs(id.hashCode() % 10_000));
    }

    @GET
    @Path("search")
    public Map<String, Object> search(@QueryParam("q") String q) {
        work("/shop/search", 10, 40);
        return Map.of("query", q == null ? "" : q, "hits", ThreadLocalRandom.current().nextInt(50));
    }

    @GET
    @Path("inventory/{sku}")
    public Response inventory(@PathParam("sku") String sku) {
        if (faults.down("/shop/inventory/{sku}")) {
            return Response.status(503).entity(Map.of("error", "inventory backend unavailable")).build();
        }
        work("/shop/inventory/{sku}", 2, 8);
        return Response.ok(Map.of("sku", sku, "inStock", ThreadLocalRandom.current().nextInt(100))).build();
    }

    /** health-service checks this: DOWN (503) while the inventory backend is out. */
    @GET
    @Path("health")
    public Response health() {
        boolean down = faults.down("/shop/inventory/{sku}");
        return Response.status(down ? 503 : 200)
                .entity(Map.of("status", down ? "DOWN" : "UP", "inventory", down ? "unavailable" : "ok")).build();
    }

    /** Places an order: the confirmation is a job on queue-service, worked by {@code OrderWorker}. */
    @POST
    @Path("orders")
    public Response order(Map<String, Object> order) {
        work("/shop/orders", 5, 20);
        Map<String, Object> job = queue.enqueue(auth(), QUEUE, Map.of("payload", order == null ? Map.of() : order));
        return Response.status(202).entity(Map.of("job", job.get("id"))).build();
    }

    private String auth() {
        return "Bearer " + config.writerKey().orElse("");
    }

    /** Simulated work of base..base+jitter ms, plus any latency the demo injected into this endpoint. */
    private void work(String endpoint, int base, int jitter) {
        long ms = base + ThreadLocalRandom.current().nextInt(jitter) + faults.latencyMs(endpoint);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
