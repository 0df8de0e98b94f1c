package dev.incidentgateway.stream;

import dev.incidentgateway.timeline.CappedPage;
import dev.incidentgateway.timeline.StreamedEvents;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open {@code GET /api/v1/stream} response. Everything here runs on the event loop of its connection; the
 * store is read on a worker thread ({@code executeBlocking}), one page at a time, never holding a thread while
 * waiting for the client.
 *
 * <p><b>No gap, no duplicate.</b> The subscriber takes its cursor into the broadcaster's ring <em>before</em> it
 * reads the store: every event published before that point was committed before it, so the store replay (after
 * the client's last id) has it; every event committed later is published at or after the cursor. Replay pages
 * until the store has no more, or until it reaches the first live event; then live frames with an id at or
 * below the last replayed one are skipped. Ids are assigned in commit order (TimelineWriter), so the ring and
 * the store agree on the order.
 */
final class StreamSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSubscriber.class);
    static final int REPLAY_PAGE = 500;
    /** Bytes gathered into one write: fewer, larger writes when a subscriber catches up. */
    private static final int WRITE_CHUNK = 64 * 1024;
    /** Heartbeats in a row with the write queue still full after which the client counts as gone. */
    static final int STALLED_BEATS = 3;
    /** The last thing a stream ended at shutdown sends: says why, for a person watching with curl. */
    private static final String SHUTTING_DOWN = ": gateway shutting down; reconnect (with Last-Event-ID) to resume\n\n";
    /** After the reason: the reconnect gets the 401 (or, with a renewed token, the stream again). */
    private static final String CREDENTIAL_LAPSED = "; stream ended, reconnect with a valid credential\n\n";

    private final StreamBroadcaster broadcaster;
    private final StreamBroadcaster.LoopGroup group;
    private final HttpServerResponse response;
    private final io.vertx.core.http.HttpConnection connection;
    private final StreamFilter filter;
    private final TimelineStore store;
    private final Vertx vertx;
    /** The byte budget of a replay page ({@code GATEWAY_PAGE_MAX_BYTES}). */
    private final long maxBytes;
    private final StreamCredentialCheck credential;
    /** Next ring sequence to look at. */
    private long cursor;
    /** The newest event id sent or passed over (filtered out); later frames at or below it are duplicates. */
    private String position;
    private boolean live;
    private boolean ended;
    /**
     * A replay page is being read. The drain handler may fire meanwhile (the previous page's writes drained): a second
     * read then started from the same position and sent that page again, and every page after it (an outside soak found
     * 775 duplicates in 4,031 frames of one resume 1,000 events back).
     */
    private boolean reading;
    private int stalledBeats;
    /** Whether the client took data (the write queue drained) since the last heartbeat. */
    private boolean drained;

    StreamSubscriber(StreamBroadcaster broadcaster, StreamBroadcaster.LoopGroup group, io.vertx.core.http.HttpServerRequest request,
                     HttpServerResponse response, StreamFilter filter, TimelineStore store, Vertx vertx, String lastEventId,
                     long maxBytes, dev.incidentgateway.security.HeldCredential credential) {
        this.broadcaster = broadcaster;
        this.group = group;
        this.response = response;
        this.connection = request.connection();
        this.filter = filter;
        this.store = store;
        this.vertx = vertx;
        this.position = lastEventId;
        this.maxBytes = maxBytes;
        this.credential = new StreamCredentialCheck(credential, java.time.Clock.systemUTC());
    }

    /** Registers (cursor first), then replays after the client's last id if it sent one, then goes live. */
    void start() {
        cursor = broadcaster.published();
        group.add(this);
        if (broadcaster.isClosed()) { // admitted before the shutdown, opened after the broadcaster ended its streams
            end();
            return;
        }
        response.drainHandler(v -> resume());
        // The connection's close and errors reach closed() through the routing context's end handlers: setting the
        // response's own close and exception handlers here replaced those (the only ones a response has), and the
        // intake gate then counted a stream the server had dropped as in flight until shutdown waited it out.
        if (position == null) {
            live = true;
            pump();
        } else {
            replayPage();
        }
    }

    private void resume() {
        drained = true;
        if (live) {
            pump();
        } else {
            replayPage();
        }
    }

    private void replayPage() {
        if (ended || reading || response.writeQueueFull()) {
            return; // the drain handler calls back, or the page being read goes on when it is read
        }
        reading = true;
        String after = position;
        vertx.executeBlocking(() -> readReplayPage(store, after, filter, broadcaster.mapper(), maxBytes), false).onComplete(read -> {
            reading = false;
            if (ended) {
                return;
            }
            if (read.failed()) {
                LOG.debug("Stream replay failed; closing the stream so the client resumes", read.cause());
                drop(DropReason.REPLAY_FAILED);
                return;
            }
            if (credentialLapsed(false)) {
                return;
            }
            CappedPage<Buffer> page = read.result();
            if (page.lastId() != null) {
                position = page.lastId();
            }
            Buffer out = Buffer.buffer();
            page.kept().forEach(out::appendBuffer);
            if (out.length() > 0) {
                response.write(out);
            }
            if (!page.more(REPLAY_PAGE) || reachedLive()) {
                live = true;
                pump();
            } else {
                replayPage();
            }
        });
    }

    /**
     * One replay page after {@code after}: the frames of the events {@code filter} accepts, rendered on the worker that
     * reads them, closed at {@code maxBytes} of frames ({@code GATEWAY_PAGE_MAX_BYTES}, at least one). Before, a page was
     * {@value #REPLAY_PAGE} events whatever their size, read whole into a list: a resume over large notes could take the heap.
     */
    static CappedPage<Buffer> readReplayPage(TimelineStore store, String after, StreamFilter filter,
                                             dev.incidentgateway.cloudevents.TimelineCloudEventMapper mapper, long maxBytes) {
        return store.streamed().since(after, REPLAY_PAGE, maxBytes, new StreamedEvents.Sized<>() {
            @Override
            public Buffer keep(TimelineEvent e) {
                return filter.accepts(e.incidentId(), e.type()) ? StreamBroadcaster.render(e, mapper) : null;
            }

            @Override
            public long bytes(Buffer frame) {
                return frame.length();
            }
        });
    }

    /**
     * True once the replay reached the first live event still in the ring. While a long replay runs, the ring may
     * move past the registration point: the cursor then moves to the oldest frame still held (everything before
     * it is committed, so the store replay covers it) rather than dropping the client.
     */
    private boolean reachedLive() {
        while (cursor < broadcaster.published()) {
            StreamBroadcaster.Frame first = broadcaster.frame(cursor);
            if (first != null) {
                return first.event.id().compareTo(position) <= 0;
            }
            cursor = Math.max(cursor + 1, broadcaster.oldestHeld());
        }
        return false;
    }

    /** Sends the published frames this subscriber has not seen, until caught up or its write queue is full. */
    void pump() {
        if (!live || ended || credentialLapsed(false)) {
            return;
        }
        if (cursor < broadcaster.published() && broadcaster.frame(cursor) == null) {
            drop(DropReason.OVERFLOW); // it lagged more than the ring holds (stopped reading): it resumes with its last id
            return;
        }
        if (response.writeQueueFull()) {
            return; // the client is not keeping up: wait for the drain handler, the ring holds what comes meanwhile
        }
        Buffer out = Buffer.buffer();
        long end = broadcaster.published();
        while (cursor < end) {
            StreamBroadcaster.Frame f = broadcaster.frame(cursor);
            if (f == null) {
                flush(out);
                drop(DropReason.OVERFLOW); // lagged more than the ring holds: it resumes with its last id
                return;
            }
            cursor++;
            TimelineEvent e = f.event;
            if (position != null && e.id().compareTo(position) <= 0) {
                continue; // already replayed from the store
            }
            position = e.id();
            if (filter.accepts(e.incidentId(), e.type())) {
                out.appendBuffer(f.bytes(broadcaster.mapper()));
            }
            if (out.length() >= WRITE_CHUNK) {
                flush(out);
                out = Buffer.buffer();
                if (response.writeQueueFull()) {
                    return; // the drain handler resumes
                }
            }
            if (cursor == end) {
                end = broadcaster.published();
            }
        }
        flush(out);
    }

    private void flush(Buffer out) {
        if (out.length() > 0 && !ended) {
            response.write(out);
        }
    }

    /**
     * Every heartbeat: a comment line, or, when the write queue is full and did not drain since the last beat (the
     * client took nothing; a slow client that keeps draining is not stalled), a count of stalled beats. A stream that
     * stays stalled for {@value #STALLED_BEATS} beats in a row is dropped: the ring overflow only catches a stalled
     * client while events flow, and a client stalled during its replay is never in the ring at all (it would hold
     * its connection and its subscriber slot forever).
     */
    void heartbeat(Buffer comment) {
        if (ended || credentialLapsed(true)) {
            return;
        }
        boolean progressed = drained;
        drained = false;
        if (response.writeQueueFull()) {
            stalledBeats = progressed ? 0 : stalledBeats + 1;
            if (stalledBeats >= STALLED_BEATS) {
                drop(DropReason.STALLED);
            }
            return;
        }
        stalledBeats = 0;
        response.write(comment);
    }

    /** Ends the response cleanly (shutdown): EventSource and curl see a complete response, not a cut connection. */
    void end() {
        if (!ended) {
            gone();
            response.end(Buffer.buffer(SHUTTING_DOWN));
        }
    }

    /**
     * Ends the stream when its credential no longer authenticates (revoked key, expired token): a last comment says why
     * and the response ends, so a client reconnects and gets its 401. A client whose queue is full is cut instead.
     */
    private boolean credentialLapsed(boolean now) {
        java.util.Optional<String> why = credential.lapsed(now);
        if (why.isEmpty()) {
            return false;
        }
        if (response.writeQueueFull()) {
            drop(DropReason.CREDENTIAL_LAPSED);
        } else {
            broadcaster.dropped(DropReason.CREDENTIAL_LAPSED);
            gone();
            response.end(Buffer.buffer(": " + why.get() + CREDENTIAL_LAPSED));
        }
        return true;
    }

    private void drop(DropReason reason) {
        broadcaster.dropped(reason);
        gone();
        // Closes the connection now, discarding what is queued: the client sees the stream cut and resumes with its last
        // id. (reset() closes it only once the queued writes are flushed, which a client that stopped reading never lets
        // happen: its socket, and the request the intake gate counted, stayed until the gateway stopped.)
        connection.close();
    }

    /** The response ended, failed or its connection closed (the routing context's end handler). */
    void closed() {
        gone();
    }

    private void gone() {
        if (!ended) {
            ended = true;
            group.remove(this);
            broadcaster.release();
        }
    }
}
