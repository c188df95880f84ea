package io.vigil.metrics.otlp;

/** A request the receiver refuses; answered as problem+json or google.rpc.Status, by the request's content type. */
final class OtlpException extends RuntimeException {

    final int status;
    final String title;

    OtlpException(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }
}
