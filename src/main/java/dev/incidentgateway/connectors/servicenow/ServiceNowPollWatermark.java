package dev.incidentgateway.connectors.servicenow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where the ServiceNow poller stands. ServiceNow date-times ({@code sys_updated_on}) are
 * {@code yyyy-MM-dd HH:mm:ss} in the integration user's time zone: set that user's time zone to UTC.
 *
 * <pre>
 *   2026-03-01 10:00:00                          caught up: every record updated up to then was read. The next
 *                                                poll starts a pass at that time minus the overlap window.
 *   2026-03-01 09:58:00|37|2026-03-01 09:58:00|&lt;sys_id&gt;
 *                                                in a pass: read on from sys_updated_on &gt;= the first time, skipping
 *                                                the first 37 records (those at exactly that second, already read),
 *                                                ordered by sys_updated_on, sys_id. The third part is where the pass
 *                                                began (journal entries are read from there); empty on the first sync.
 *                                                The fourth is the last record read (the anchor, see below).
 * </pre>
 * The first sync (nothing stored) is a pass from now minus {@code source.firstSyncHours} ({@link #startingAt}): the
 * records updated since then, with every journal entry of theirs.
 * Paging is by key (the last record's time) rather than by offset alone, so records updated while a pass is
 * under way cannot shift unread ones past the reader. Within that second the skip is an offset, which a record of
 * the second updated meanwhile (it leaves the second) would shift: the next page is read from one record earlier, and
 * unless that record is still the anchor, the second is read again from its start (re-reads append nothing).
 *
 * @param at       caught up: the newest sys_updated_on read; in a pass: the lower bound of the next page
 *                 ({@code null} on the first sync)
 * @param skip     records at exactly {@code at} already read (in a pass)
 * @param pass     in a pass: where it began ({@code null} on the first sync)
 * @param caughtUp whether the previous pass ended
 */
record ServiceNowPollWatermark(LocalDateTime at, int skip, LocalDateTime pass, boolean caughtUp, String anchor) {
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    /** Nothing stored (or unreadable): the first sync, which {@link #startingAt} bounds. */
    static final ServiceNowPollWatermark FIRST_SYNC = new ServiceNowPollWatermark(null, 0, null, false, null);

    /** Reads a committed watermark; {@code null} or one this version cannot read starts a first sync (idempotent). */
    static ServiceNowPollWatermark parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return FIRST_SYNC;
        }
        try {
            String[] parts = raw.split("\\|", -1);
            if (parts.length == 1) {
                return new ServiceNowPollWatermark(time(parts[0]), 0, null, true, null);
            }
            if (parts.length == 3 || parts.length == 4) { // three: written before the anchor was kept
                return new ServiceNowPollWatermark(parts[0].isEmpty() ? null : time(parts[0]), Integer.parseInt(parts[1]),
                        parts[2].isEmpty() ? null : time(parts[2]), false, parts.length == 4 && !parts[3].isEmpty() ? parts[3] : null);
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // fall through
        }
        return FIRST_SYNC;
    }

    static LocalDateTime time(String serviceNowDateTime) {
        return LocalDateTime.parse(serviceNowDateTime.trim(), FORMAT);
    }

    /** A ServiceNow date-time as an instant (UTC), or {@code null} when blank or unreadable. */
    static Instant instant(String serviceNowDateTime) {
        if (serviceNowDateTime == null || serviceNowDateTime.isBlank()) {
            return null;
        }
        try {
            return time(serviceNowDateTime).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The first sync as a pass from {@code firstSyncStart} (so it does not read the whole incident table); any other
     * watermark as it is. Its pass start stays empty: the journal entries of the records it reads are read whole.
     *
     * @param firstSyncStart asked only for the first sync: every other poll (nearly all of them) has no use for it
     */
    ServiceNowPollWatermark startingAt(Supplier<LocalDateTime> firstSyncStart) {
        return at == null && !caughtUp ? new ServiceNowPollWatermark(firstSyncStart.get(), 0, null, false, null) : this;
    }

    /** The page's {@code sys_updated_on>=} bound, or {@code null} for none. */
    LocalDateTime lowerBound(Duration overlap) {
        return caughtUp ? at.minus(overlap) : at;
    }

    /** The page's {@code sysparm_offset}. */
    int offset() {
        return caughtUp ? 0 : skip;
    }

    /**
     * The sys_id of the last record read, expected at {@link #offset()} − 1 in the next page's order; {@code null} when
     * there is nothing to check (no skip, or a watermark written before anchors were kept).
     */
    String anchorToCheck() {
        return caughtUp || skip == 0 ? null : anchor;
    }

    /** The same pass, reading the current second again from its start: the anchor moved, so the skip is no longer true. */
    ServiceNowPollWatermark fromStartOfSecond() {
        return new ServiceNowPollWatermark(at, 0, pass, false, null);
    }

    /** Journal entries of the page's records are read from here ({@code null}: all of them). */
    LocalDateTime journalBound(Duration overlap) {
        return caughtUp ? at.minus(overlap) : pass;
    }

    /**
     * The watermark after a page.
     *
     * @param updatedOn the page's sys_updated_on values, in the order read (ascending)
     * @param lastSysId the page's last record (the next page's anchor)
     * @param more      whether the pass goes on (a full page / a Link rel="next")
     */
    ServiceNowPollWatermark next(List<LocalDateTime> updatedOn, String lastSysId, boolean more, Duration overlap) {
        LocalDateTime bound = lowerBound(overlap);
        LocalDateTime last = updatedOn.isEmpty() ? null : updatedOn.get(updatedOn.size() - 1);
        if (more && last != null) {
            int atLast = (int) updatedOn.stream().filter(last::equals).count();
            int skipped = last.equals(bound) ? offset() : 0;
            return new ServiceNowPollWatermark(last, atLast + skipped, caughtUp ? bound : pass, false, storable(lastSysId));
        }
        LocalDateTime newest = caughtUp ? at : bound;
        if (last != null && (newest == null || last.isAfter(newest))) {
            newest = last;
        }
        return new ServiceNowPollWatermark(newest == null ? EPOCH : newest, 0, null, true, null);
    }

    /** A sys_id as an anchor (32 hex digits), or none: whatever else an instance answered must not break the stored form. */
    private static String storable(String sysId) {
        return sysId != null && sysId.matches("[0-9A-Za-z_-]{1,64}") ? sysId : null;
    }

    String format() {
        if (caughtUp) {
            return FORMAT.format(at);
        }
        return (at == null ? "" : FORMAT.format(at)) + "|" + skip + "|" + (pass == null ? "" : FORMAT.format(pass))
                + (anchor == null ? "" : "|" + anchor);
    }
}
