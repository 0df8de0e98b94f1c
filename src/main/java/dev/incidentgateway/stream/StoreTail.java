package dev.incidentgateway.stream;

import dev.incidentgateway.timeline.CappedPage;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.StreamedEvents;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Feeds the broadcaster from the store's Since feed, for gateways sharing one PostgreSQL database: an
 * instance's after-commit hook only sees its own commits, the Since feed sees everyone's, in id order and without
 * gaps (ids are assigned under the store-wide append lock, see TimelineWriter). One daemon thread polls; it
 * reads greedily while there is more and waits {@code interval} when caught up. It starts at the newest stored
 * event: history is for clients that resume with an id, and they read it from the store themselves. While no stream
 * is open it only follows the newest id.
 */
public final class StoreTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreTail.class);
    private static final int PAGE = 500;

    private final TimelineStore store;
    private final StreamBroadcaster broadcaster;
    private final long intervalMillis;
    /** The byte budget of a page ({@code GATEWAY_PAGE_MAX_BYTES}); a page cut at it is followed at once by the next. */
    private final long maxBytes;
    private final Thread thread;
    private volatile boolean running = true;

    public StoreTail(TimelineStore store, StreamBroadcaster broadcaster, Duration interval, long maxBytes) {
        this.store = store;
        this.maxBytes = maxBytes;
        this.broadcaster = broadcaster;
        this.intervalMillis = interval.toMillis();
        this.thread = new Thread(this::run, "stream-store-tail");
        this.thread.setDaemon(true);
    }

    public StoreTail start() {
        thread.start();
        return this;
    }

    private void run() {
        String last = null;
        boolean positioned = false;
        while (running) {
            try {
                if (!positioned || !broadcaster.hasSubscribers()) {
                    // While no stream is open only the head is read, not every event (on PostgreSQL the tail read each
                    // ingested event back, issue 13). Head first, then the check: when no stream is open after the read,
                    // every event up to the head was committed before any stream that opens later, which reads them from
                    // the store itself (its replay), so the tail may go on after the head.
                    String head = store.newestEventId().orElse(null);
                    boolean idle = !broadcaster.hasSubscribers();
                    if (!positioned || idle) {
                        last = head;
                        positioned = true;
                    }
                    if (idle) {
                        Thread.sleep(intervalMillis);
                        continue;
                    }
                }
                CappedPage<StreamBroadcaster.Rendered> page = readPage(last);
                if (page.lastId() != null) {
                    broadcaster.publishRendered(page.kept());
                    last = page.lastId();
                }
                if (!page.more(PAGE)) {
                    Thread.sleep(intervalMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (StoreUnavailableException e) {
                // The store's trouble: once a second during an outage was most of the log; the outage is logged once.
                dev.incidentgateway.store.StoreOutage.log(LOG, store.outage().retried(),
                        "Live stream: reading the Since feed failed ({}); retrying", e.getMessage());
                sleepQuietly();
            } catch (RuntimeException e) {
                LOG.warn("Live stream: reading the Since feed failed; retrying", e); // not the store's: a bug, with its stack
                sleepQuietly();
            }
        }
    }

    /**
     * The events after {@code last}, {@value #PAGE} at most, closed at {@code maxBytes} of SSE frames (at least one):
     * before, a page was {@value #PAGE} events whatever their size, read whole into a list. Each frame is rendered here,
     * once: the subscribers send these bytes.
     */
    CappedPage<StreamBroadcaster.Rendered> readPage(String last) {
        return store.streamed().since(last, PAGE, maxBytes, new StreamedEvents.Sized<>() {
            @Override
            public StreamBroadcaster.Rendered keep(TimelineEvent e) {
                return new StreamBroadcaster.Rendered(e, StreamBroadcaster.render(e, broadcaster.mapper()));
            }

            @Override
            public long bytes(StreamBroadcaster.Rendered rendered) {
                return rendered.frame().length();
            }
        });
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(Math.max(intervalMillis, 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
