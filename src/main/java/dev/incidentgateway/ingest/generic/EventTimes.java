package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.generic.WebhookSourceMapping.TimeRule;
import dev.incidentgateway.timeline.EventLimits;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Reads an item's event time as its {@link TimeRule} says; an unreadable value answers 400 naming the path. */
final class EventTimes {
    private static final String GO_ZERO_TIME = "0001-01-01T00:00:00";

    private EventTimes() {
    }

    /** @return the time, or {@code null} when no alternative yields a value */
    static Instant read(Item item, TimeRule rule) {
        // Go's zero time (Alertmanager's and Grafana's endsAt of a firing alert) means "not set": the next
        // alternative is read instead, as it would be for a missing field.
        FieldPath.Hit hit = rule.path().first(item.node(), v -> !(v.isTextual() && v.asText().startsWith(GO_ZERO_TIME)));
        if (hit == null) {
            return null;
        }
        JsonNode v = hit.value();
        Instant t;
        try {
            t = rule.pattern() != null ? patterned(v, rule) : switch (rule.format()) {
                case ISO_8601 -> {
                    if (!v.isTextual()) {
                        throw new DateTimeException("not a string");
                    }
                    yield DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(v.asText().strip(), Instant::from);
                }
                case EPOCH_MILLIS -> Instant.ofEpochMilli(number(v).longValueExact());
                case EPOCH_SECONDS -> {
                    BigDecimal seconds = number(v);
                    yield Instant.ofEpochSecond(seconds.longValue(),
                            seconds.subtract(new BigDecimal(seconds.toBigInteger())).movePointRight(9).intValue());
                }
            };
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            String field = item.field(hit.expression());
            throw ApiProblem.invalidField(field, "the event time at " + field + " is not " + describe(rule)
                    + ": " + (v.isTextual() ? "'" + v.asText() + "'" : v.toString()));
        }
        return EventLimits.checkEventTime(item.field(hit.expression()), t);
    }

    private static Instant patterned(JsonNode v, TimeRule rule) {
        if (!v.isTextual()) {
            throw new DateTimeException("not a string");
        }
        return rule.pattern().formatter().parse(v.asText().strip(), Instant::from);
    }

    private static BigDecimal number(JsonNode v) {
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (!v.isTextual()) {
            throw new NumberFormatException("not a number");
        }
        return new BigDecimal(v.asText().strip());
    }

    private static String describe(TimeRule rule) {
        if (rule.pattern() != null) {
            return "a time as " + rule.pattern().text() + " (mapping.eventTime.pattern; " + rule.pattern().zone()
                    + " when it has no offset)";
        }
        return switch (rule.format()) {
            case ISO_8601 -> "an ISO-8601 time with an offset (2024-05-01T12:00:00Z)";
            case EPOCH_MILLIS -> "milliseconds since the epoch";
            case EPOCH_SECONDS -> "seconds since the epoch";
        };
    }
}
