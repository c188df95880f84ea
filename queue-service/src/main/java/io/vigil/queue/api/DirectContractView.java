package io.vigil.queue.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "How to enqueue into this queue directly on its Redis, one EVALSHA per job (README \"Direct "
        + "enqueue\"); the same fields are in the Redis hash contractKey")
public record DirectContractView(
        @Schema(description = "Contract version, ARGV[1]") int version,
        @Schema(description = "Redis hash with version, sha, script, keys, argv, maxPayloadBytes") String contractKey,
        @Schema(description = "SHA1 of script, for EVALSHA") String sha,
        @Schema(description = "KEYS for this queue, in order") List<String> keys,
        @Schema(description = "ARGV names, in order; those after payload may be left off") List<String> argv,
        @Schema(description = "Largest payload the script accepts, in bytes") int maxPayloadBytes,
        @Schema(description = "The Lua script, to EVAL (or SCRIPT LOAD) after NOSCRIPT") String script) {
}
