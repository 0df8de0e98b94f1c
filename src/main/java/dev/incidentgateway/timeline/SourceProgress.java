package dev.incidentgateway.timeline;

/**
 * A polling source's position (its watermark), committed in the same transaction as the events it produced:
 * as in Kafka Connect, a source hands its offset to the store and never writes its own progress.
 */
public record SourceProgress(String source, String watermark) {
}
