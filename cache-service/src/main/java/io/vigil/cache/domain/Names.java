package io.vigil.cache.domain;

import java.util.regex.Pattern;

import io.vigil.common.problem.ProblemException;

/** Validation of what becomes part of a Redis key: namespace, key, tag, policy and subject names. */
public final class Names {

    /** No braces (they are the hash tag), no glob characters: a namespace is embedded in SCAN patterns verbatim. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    public static final int MAX_KEY_LENGTH = 512;

    private Names() {
    }

    public static String namespace(String ns) {
        if (ns == null || !NAME.matcher(ns).matches()) {
            throw ProblemException.invalid("namespace", "must match " + NAME.pattern());
        }
        return ns;
    }

    public static String policy(String policy) {
        if (policy == null || !NAME.matcher(policy).matches()) {
            throw ProblemException.invalid("policy", "must match " + NAME.pattern());
        }
        return policy;
    }

    /** Keys, tags and subjects: 1..512 characters, no control characters. */
    public static String key(String field, String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.invalid(field, "must be 1.." + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw ProblemException.invalid(field, "must not contain control characters");
            }
        }
        return key;
    }

    /** A Redis glob: at most 512 characters, brackets closed, no dangling escape. */
    public static String glob(String glob) {
        key("pattern", glob);
        boolean inClass = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                if (++i >= glob.length()) {
                    throw ProblemException.invalid("pattern", "ends with a dangling escape '\\'");
                }
            } else if (c == '[') {
                if (inClass) {
                    throw ProblemException.invalid("pattern", "nested '[' at " + i);
                }
                inClass = true;
            } else if (c == ']' && inClass) {
                inClass = false;
            }
        }
        if (inClass) {
            throw ProblemException.invalid("pattern", "'[' is never closed");
        }
        return glob;
    }
}
