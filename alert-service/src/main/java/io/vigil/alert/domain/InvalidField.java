package io.vigil.alert.domain;

/** Bad input in one field of a request; the API answers 400 problem+json naming {@link #field()}. */
public class InvalidField extends IllegalArgumentException {

    private final String field;

    public InvalidField(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
