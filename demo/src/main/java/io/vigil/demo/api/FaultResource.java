package io.vigil.demo.api;

import java.time.Instant;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.quarkus.logging.Log;

/** Fault switches for the demo (loopback only, bounded in time: at most 10 minutes, 10 s of latency). */
@Path("/faults")
public class FaultResource {

    private final Faults faults;

    public FaultResource(Faults faults) {
        this.faults = faults;
    }

    public record FaultRequest(@NotBlank @Pattern(regexp = "/shop/[a-z/{}]+") String endpoint,
            @NotBlank @Pattern(regexp = "latency|outage") String kind, @Min(0) @Max(10_000) long latencyMs,
            @Min(1) @Max(600_000) long forMs) {
    }

    @POST
    public Faults.Fault inject(@jakarta.validation.Valid FaultRequest request) {
        Faults.Fault fault = new Faults.Fault(request.endpoint(), request.kind(), request.latencyMs(),
                Instant.now().plusMillis(request.forMs()));
        faults.inject(fault);
        Log.infof("[demo] fault injected: %s on %s for %d ms", request.kind(), request.endpoint(), request.forMs());
        return fault;
    }

    @GET
    public Map<String, Faults.Fault> active() {
        return faults.active();
    }

    @DELETE
    public void clear() {
        faults.clear();
        Log.info("[demo] faults cleared");
    }
}
