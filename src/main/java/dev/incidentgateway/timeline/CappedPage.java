package dev.incidentgateway.timeline;

import java.util.List;

/**
 * A page of the Since feed read under a {@link PageBudget} ({@link StreamedEvents#since(String, int, long, Sized)}).
 *
 * @param kept   what the reader kept of the events read, in feed order
 * @param read   events read, kept or passed over
 * @param lastId the last event read (where the next page starts), or null when none was
 * @param cut    the page was closed at the byte budget: more may follow at once
 */
public record CappedPage<T>(List<T> kept, int read, String lastId, boolean cut) {
    /** Whether the feed may hold more after {@link #lastId} now: the page was full ({@code limit}) or cut. */
    public boolean more(int limit) {
        return cut || read >= limit;
    }
}
