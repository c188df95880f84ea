package io.vigil.common.event;

/** A stream entry that can never be handled; consumers dead-letter it instead of retrying it forever. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
