package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.timeline.NewEvent;

import java.util.List;

/**
 * One page of a poll: the events it maps to (incidents addressed by id or correlation key; ceSource
 * {@code /connectors/<name>}, ceId derived from the record id plus its change id or timestamp), the
 * watermark to resume from, and whether more pages are waiting right now.
 */
public record PollPage(List<NewEvent> events, String nextWatermark, boolean more) {
    public PollPage {
        events = List.copyOf(events);
    }
}
