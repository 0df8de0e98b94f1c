package dev.incidentgateway.timeline;

/**
 * What became of one appended event.
 *
 * @param event     the stored event (for a duplicate: the one stored earlier)
 * @param duplicate true when (ceSource, ceId) was already stored and nothing was appended
 */
public record AppendOutcome(TimelineEvent event, boolean duplicate) {
}
