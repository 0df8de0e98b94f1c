package dev.incidentgateway.timeline;

/** An event lacks a field its type needs, or a field has a wrong value. Answered as 400 naming the field. */
public class InvalidEventException extends AppendRejectedException {
    private final String field;

    public InvalidEventException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
