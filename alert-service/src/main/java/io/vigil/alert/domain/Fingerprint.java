package io.vigil.alert.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** fingerprint = rule + labels: a stable 16-hex-digit hash of the rule id and the sorted label set. */
public final class Fingerprint {

    public static String of(String ruleId, Map<String, String> labels) {
        StringBuilder s = new StringBuilder(ruleId);
        new TreeMap<>(labels).forEach((k, v) -> s.append('\u0000').append(k).append('=').append(v));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Fingerprint() {
    }
}
