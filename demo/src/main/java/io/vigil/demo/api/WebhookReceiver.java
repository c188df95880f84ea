package io.vigil.demo.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.logging.Log;

/** Stands in for the team's on-call webhook: prints every notification alert-service delivers, and lists them. */
@Path("/webhook")
public class WebhookReceiver {

    private static final int KEEP = 200;
    private final List<Received> received = new ArrayList<>();

    public record Received(Instant at, String body) {
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public void receive(String body) {
        Log.infof("[demo] NOTIFICATION RECEIVED: %s", body);
        synchronized (received) {
            received.add(new Received(Instant.now(), body));
            if (received.size() > KEEP) {
                received.remove(0);
            }
        }
    }

    @GET
    public List<Received> list() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }
}
