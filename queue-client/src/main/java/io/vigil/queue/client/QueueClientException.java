package io.vigil.queue.client;

/** A refused enqueue: the script's {@code ERR vigil: ...} reply (bad argument, unknown queue) or no contract found. */
public class QueueClientException extends RuntimeException {

    public QueueClientException(String message) {
        super(message);
    }

    public QueueClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
