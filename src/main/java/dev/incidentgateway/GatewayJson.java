package dev.incidentgateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.incidentgateway.timeline.EventLimits;
import io.cloudevents.jackson.JsonFormat;

/**
 * The one Jackson configuration of the API: ISO-8601 times, CloudEvents types known, duplicate keys and
 * anything after the JSON value refused (a body must be exactly one JSON document), nesting capped, bytes that are not
 * well-formed UTF-8 refused ({@link StrictUtf8Input}).
 */
public final class GatewayJson {
    private GatewayJson() {
    }

    public static ObjectMapper create() {
        // A request nested deeper than EventLimits.JSON_DEPTH is refused while parsing (400), before it can
        // cost stack or be stored and then fail every later read.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(EventLimits.JSON_DEPTH).build())
                .inputDecorator(new StrictUtf8Input())
                .build();
        return new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .registerModule(JsonFormat.getCloudEventJacksonModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
