package dev.incidentgateway.stream;

import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The Broadcaster of the live stream: committed events, in commit (= id) order, fanned out to the open
 * {@code GET /api/v1/stream} responses.
 *
 * <p><b>Why a shared ring, not a queue per client.</b> Events are published once into one bounded ring of the
 * newest {@code capacity} events; each subscriber only holds a cursor into it. Publishing costs the writer thread
 * one array store per event and one wake-up per Vert.x event loop (not per client), and an event is rendered as
 * an SSE frame once, lazily, for all clients. A subscriber may lag at most {@code capacity} events behind the
 * newest (its bounded buffer): one that falls further behind (it stopped reading, so its socket and Vert.x write
 * queue are full) finds its next event overwritten and is disconnected; it resumes with its last id. The ring also
 * holds at most {@code maxBytes} of frames (the newest one always): with large events the oldest are let go early,
 * and a subscriber that still needed one is disconnected the same way, so a stopped reader cannot make the ring hold
 * {@code capacity} times the largest event of heap.
 *
 * <p>Fed by {@link #afterCommit} (the writer's after-commit hook: this process's commits) or by a
 * {@link StoreTail} (the store's Since feed: every instance's commits), never both, so the ring stays in id order.
 */
public final class StreamBroadcaster implements AppendListener, AutoCloseable {
    /** One published event and its SSE frame, rendered on first use (by whichever event loop needs it first). */
    static final class Frame {
        final long seq;
        final TimelineEvent event;
        /** What the byte cap counts: the frame's length when rendered before publishing, else its estimate. */
        final long size;
        private volatile Buffer bytes;

        Frame(long seq, TimelineEvent event, Buffer bytes) {
            this.seq = seq;
            this.event = event;
            this.bytes = bytes;
            this.size = bytes != null ? bytes.length() : FrameSizeEstimate.of(event);
        }

        Buffer bytes(TimelineCloudEventMapper mapper) {
            Buffer b = bytes;
            if (b == null) {
                b = render(event, mapper);
                bytes = b; // a race renders twice, identical bytes
            }
            return b;
        }
    }

    private final AtomicReferenceArray<Frame> ring;
    private final int mask;
    private final long maxBytes;
    /** Bytes of the frames the ring holds. Written by the publishing thread only. */
    private long heldBytes;
    /** The oldest sequence the byte cap left in the ring (older ones were let go before the ring wrapped). */
    private volatile long floor;
    private final TimelineCloudEventMapper mapper;
    private final boolean hooked;
    private final MeterRegistry meters;
    private final Map<DropReason, Counter> drops;
    /** One group per event loop thread (a handful), never per request: see {@link #group}. */
    private final Map<EventLoop, LoopGroup> groups = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final long heartbeatMillis;
    private volatile boolean closed;
    /** Number of events ever published = the sequence number the next one gets. Written by one thread only. */
    private volatile long published;

    /**
     * @param capacity   events kept for subscribers that lag (rounded up to a power of two)
     * @param maxBytes   bytes of frames kept for them at most (the newest frame is kept whatever its size)
     * @param fromCommit true: fed by {@link #afterCommit}; false: by {@link #publish} from a {@link StoreTail}
     */
    public StreamBroadcaster(int capacity, long maxBytes, boolean fromCommit, long heartbeatMillis,
                             TimelineCloudEventMapper mapper, MeterRegistry meters) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.ring = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.maxBytes = maxBytes;
        this.hooked = fromCommit;
        this.heartbeatMillis = heartbeatMillis;
        this.mapper = mapper;
        this.meters = meters;
        meters.gauge("gateway.stream.subscribers", subscribers);
        this.drops = DropReason.register(meters);
    }

    /**
     * Publishes this process's commits while a stream is open. With none open nothing is published: no stream ever
     * reads a frame published before it opened (it starts at the ring's end and reads what was committed before from
     * the store), and under ingest with no one watching the ring held the newest 8,192 events with their data,
     * about half of the gateway's live heap (issue 13). The commit precedes this check, so a stream that opens after it
     * found none reads these events from the store.
     */
    @Override
    public void afterCommit(List<TimelineEvent> events) {
        if (hooked && hasSubscribers()) {
            publish(events);
        }
    }

    /** Whether any stream is open or opening ({@link #reserve}d). */
    boolean hasSubscribers() {
        return subscribers.get() > 0;
    }

    /** Adds committed events, in id order, after all published before. One publishing thread at a time. */
    public void publish(List<TimelineEvent> events) {
        publishRendered(events.stream().map(e -> new Rendered(e, null)).toList());
    }

    /** An event and its SSE frame when already rendered (the tail renders what it reads, to size its page), else null. */
    record Rendered(TimelineEvent event, Buffer frame) {
    }

    /** {@link #publish} of events whose frames may be rendered already. */
    void publishRendered(List<Rendered> events) {
        if (events.isEmpty()) {
            return;
        }
        long seq = published;
        for (Rendered e : events) {
            int slot = (int) (seq & mask);
            Frame overwritten = ring.get(slot); // null when the byte cap let it go already
            if (overwritten != null) {
                heldBytes -= overwritten.size;
            }
            Frame frame = new Frame(seq, e.event(), e.frame());
            ring.set(slot, frame);
            heldBytes += frame.size;
            seq++;
            letGoOverBytes(seq);
            published = seq; // after the frame: a reader that sees the count sees the frame
        }
        groups.values().forEach(LoopGroup::wake);
        meters.counter("gateway.stream.published").increment(events.size());
    }

    /**
     * Lets the oldest frames go while the ring holds more than {@code maxBytes}, keeping the newest ({@code end - 1}):
     * a reader that still needed one finds it gone, as an overwritten one, and is disconnected.
     */
    private void letGoOverBytes(long end) {
        long oldest = Math.max(floor, end - (mask + 1L));
        while (heldBytes > maxBytes && oldest < end - 1) {
            Frame gone = ring.getAndSet((int) (oldest & mask), null);
            if (gone != null) {
                heldBytes -= gone.size;
            }
            oldest++;
        }
        floor = oldest;
    }

    long published() {
        return published;
    }

    /** The sequence of the oldest frame the ring still holds. */
    long oldestHeld() {
        return Math.max(floor, Math.max(0, published - (mask + 1L)));
    }

    /** The frame of sequence {@code seq}, or null when it was overwritten (the reader lagged too far). */
    Frame frame(long seq) {
        Frame f = ring.get((int) (seq & mask));
        return f != null && f.seq == seq ? f : null;
    }

    TimelineCloudEventMapper mapper() {
        return mapper;
    }

    /** Counts a subscriber cut for {@code reason}. */
    void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    /** Counts a new subscriber unless {@code max} are open; false when full. */
    boolean reserve(int max) {
        if (subscribers.incrementAndGet() > max) {
            subscribers.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        subscribers.decrementAndGet();
    }

    public int subscriberCount() {
        return subscribers.get();
    }

    /**
     * The group of the event loop {@code context} runs on; called on that loop. Keyed by the loop, not the context:
     * Vert.x handles each HTTP request on a context of its own (a duplicate of the connection's), so a map by context
     * kept one group, with its heartbeat timer, for every stream ever opened.
     */
    LoopGroup group(Context context) {
        ContextInternal onLoop = ((ContextInternal) context).unwrap();
        return groups.computeIfAbsent(onLoop.nettyEventLoop(), loop -> new LoopGroup(onLoop, heartbeatMillis));
    }

    /** How many event-loop groups exist (at most one per event loop thread). */
    int groupCount() {
        return groups.size();
    }

    /**
     * Ends every open stream (shutdown): clients reconnect, to another instance or after the restart. Closed first, then
     * the groups: a stream whose group this misses was added after, and ends itself in {@link StreamSubscriber#start}.
     * Once only: a graceful stop ends the streams at its first step, while the event loops run, and closes the live
     * stream again with the store's users, after Camel stopped Vert.x, when a loop takes no more tasks.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        groups.values().forEach(LoopGroup::closeAll);
    }

    boolean isClosed() {
        return closed;
    }

    static Buffer render(TimelineEvent e, TimelineCloudEventMapper mapper) {
        byte[] json = mapper.serialize(e); // compact JSON: no raw line breaks inside a data: line
        Buffer b = Buffer.buffer(json.length + 80);
        b.appendString("id: " + e.id() + "\nevent: " + e.type().wireName() + "\ndata: ", "UTF-8");
        b.appendBytes(json);
        b.appendBytes("\n\n".getBytes(StandardCharsets.UTF_8));
        return b;
    }

    /**
     * The subscribers served by one Vert.x event loop. Only that loop touches the list; publishers only schedule
     * one pump of the whole group (at most one pending at a time), and a timer there sends the heartbeats.
     */
    static final class LoopGroup {
        private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");
        private final Context context;
        private final List<StreamSubscriber> members = new ArrayList<>();
        private final java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();

        LoopGroup(Context context, long heartbeatMillis) {
            this.context = context;
            context.owner().setPeriodic(heartbeatMillis, heartbeatMillis, t -> context.runOnContext(v -> heartbeat()));
        }

        void add(StreamSubscriber s) {
            members.add(s);
        }

        void remove(StreamSubscriber s) {
            members.remove(s);
        }

        void wake() {
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> pumpAll());
            }
        }

        private void pumpAll() {
            scheduled.set(false); // first: a publish from now on schedules another pass
            for (StreamSubscriber s : List.copyOf(members)) {
                s.pump();
            }
        }

        private void heartbeat() {
            for (StreamSubscriber s : List.copyOf(members)) {
                s.heartbeat(HEARTBEAT);
            }
        }

        void closeAll() {
            try {
                context.runOnContext(v -> List.copyOf(members).forEach(StreamSubscriber::end));
            } catch (java.util.concurrent.RejectedExecutionException loopStopped) {
                // A stopped event loop closed its connections with it: no stream of this group is left to end.
            }
        }
    }
}
