package dev.incidentgateway.timeline;

import java.util.List;

/**
 * One page a polling source read, as the body of {@code to: timeline:append}: its events, appended best effort (an
 * event the state machine refuses or that breaks the limits is reported as REFUSED and skipped, the others go on),
 * and the source's new watermark, committed in the same transaction ({@link TimelineStore#appendPolled}).
 *
 * @param progress the watermark to commit with the events; {@code null} when it did not move
 */
public record SourcePage(List<NewEvent> events, SourceProgress progress) {
    public SourcePage {
        events = List.copyOf(events);
    }

    /** True when appending it would change nothing: no event and no new watermark. */
    public boolean isEmpty() {
        return events.isEmpty() && progress == null;
    }
}
