package dev.incidentgateway.connectors.jira;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The issues one run of the Jira poller has read, to see when its pages shifted under it. A run pages with
 * {@code nextPageToken} through issues ordered by {@code updated}; an issue updated while the run is under way moves to
 * the end of that order, so every unread issue moves one place towards the start and the next page begins one issue too
 * late: that issue is never read, and the run's watermark (its greatest {@code updated}) can pass it. The moved issue is
 * read again at the end of the run: that is the sign. It moved after the page it was first read on, so only the pages
 * after that one may have lost an issue, each at least as new as that page's last: the run then ends with its watermark
 * there instead, and the next run reads again from there at once (the idempotent event ids make the re-read a no-op).
 * A run shifted again ends further on as long as its first page reaches past the overlap window. Kept in memory: a
 * restart in the middle of a run forgets the pages read before it.
 */
final class JiraRunReads {
    /** The page an issue was first read on in this run. */
    private final Map<String, String> firstPage = new HashMap<>();
    /** The greatest {@code updated} of each page of this run. */
    private final Map<String, Instant> pageLast = new HashMap<>();
    /** Pages an issue read again later was first read on. */
    private final Set<String> movedFrom = new HashSet<>();

    /** A new run starts (no paging watermark, or a page token Jira refused). */
    void start() {
        firstPage.clear();
        pageLast.clear();
        movedFrom.clear();
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
        pageLast.merge(page, updated, (a, b) -> a.isAfter(b) ? a : b);
        String first = firstPage.putIfAbsent(issueId, page);
        if (first != null && !first.equals(page)) {
            movedFrom.add(first);
        }
    }

    /**
     * The watermark the run ends at: {@code done}, or earlier when an issue moved while the run paged. What was read is
     * kept until the next run starts: the last page may be read again (its commit failed) and must end the same way.
     */
    Instant end(Instant done) {
        Instant end = done;
        for (String page : movedFrom) {
            Instant last = pageLast.get(page);
            if (last.isBefore(end)) {
                end = last;
            }
        }
        return end;
    }
}
