package io.vigil.common.redis;

import java.util.HashMap;
import java.util.Map;

import io.vertx.mutiny.redis.client.Response;

/** Reads a raw HGETALL reply, whether the connection speaks RESP3 (a map) or RESP2 (a flat field/value array). */
public final class RedisHashes {

    public static Map<String, String> toMap(Response response) {
        Map<String, String> map = new HashMap<>();
        if (response == null) {
            return map;
        }
        if (response.isMap()) {
            for (String key : response.getKeys()) {
                map.put(key, response.get(key).toString());
            }
        } else {
            for (int i = 0; i + 1 < response.size(); i += 2) {
                map.put(response.get(i).toString(), response.get(i + 1).toString());
            }
        }
        return map;
    }

    private RedisHashes() {
    }
}
