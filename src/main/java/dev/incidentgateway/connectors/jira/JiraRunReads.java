package dev.incidentgateway.connectors.jira;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The issues one run of the Jira poller has read, to see when its pages shifted under it. A run pages with
 * {@code nextPageToken} through issues ordered by {@code updated}; an issue updated while the run is under way moves to
 * the end of that order, so every unread issue moves one place towards the start and the next page begins one issue too
 * late: that issue is never read, and the run's watermark (its greatest {@code updated}) can pass it. The moved issue is
 * read again at the end of the run: that is the sign. The run then ends with its watermark at the moved issue's first
 * {@code updated} instead, and the next run reads again from there at once (the idempotent event ids make the re-read a
 * no-op).
 * Kept in memory: a restart in the middle of a run forgets the pages read before it.
 */
final class JiraRunReads {
    /** Where an issue was first read in this run. */
    private record Read(Instant updated, String page) {
    }

    private final Map<String, Read> firstSeen = new HashMap<>();
    private Instant rewind;

    /** A new run starts (no paging watermark, or a page token Jira refused). */
    void start() {
        firstSeen.clear();
        rewind = null;
    }

    /**
     * An issue read by the run.
     *
     * @param updated its {@code updated}; {@code null} (unreadable) is not kept
     * @param page    which page of the run (its JQL bound and token): the same page read again (its commit failed) moved nothing
     */
    void read(String issueId, Instant updated, String page) {
        if (updated == null) {
            return;
        }
        Read before = firstSeen.putIfAbsent(issueId, new Read(updated, page));
        if (before != null && !before.page().equals(page) && (rewind == null || before.updated().isBefore(rewind))) {
            rewind = before.updated();
        }
    }

    /**
     * The watermark the run ends at: {@code done}, or earlier when an issue moved while the run paged. What was read is
     * kept until the next run starts: the last page may be read again (its commit failed) and must end the same way.
     */
    Instant end(Instant done) {
        return rewind != null && rewind.isBefore(done) ? rewind : done;
    }
}
