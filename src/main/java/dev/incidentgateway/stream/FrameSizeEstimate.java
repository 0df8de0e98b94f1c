package dev.incidentgateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.timeline.TimelineEvent;

import java.util.Iterator;
import java.util.Map;

/**
 * About how many bytes an event's SSE frame takes, without rendering it: what the broadcaster's byte cap
 * ({@code GATEWAY_STREAM_BUFFER_BYTES}) counts for a frame published by the commit hook. Frames there are rendered
 * lazily on the event loops (the writer thread answers its callers only after the hook), so the hook only walks the
 * event's text: the strings' lengths, the data tree's names and values, and a fixed allowance for the envelope.
 */
final class FrameSizeEstimate {
    /** The CloudEvent envelope, the SSE lines and the fixed-size fields (ids, hashes, times), rounded up. */
    static final int ENVELOPE = 600;

    private FrameSizeEstimate() {
    }

    static long of(TimelineEvent e) {
        return ENVELOPE + length(e.title()) + length(e.content()) + length(e.actor()) + length(e.source())
                + length(e.ceSource()) + length(e.ceType()) + length(e.principal()) + json(e.data());
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    /** About the compact JSON length of {@code node}: names and text with their quotes, 8 per number or literal. */
    static long json(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isObject()) {
            long n = 2;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                n += field.getKey().length() + 4 + json(field.getValue());
            }
            return n;
        }
        if (node.isArray()) {
            long n = 2;
            for (JsonNode element : node) {
                n += json(element) + 1;
            }
            return n;
        }
        return node.isTextual() ? node.textValue().length() + 2L : 8;
    }
}
