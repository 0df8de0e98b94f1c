package dev.incidentgateway.outbox;

import dev.incidentgateway.outbox.RelayScript.Answer;
import dev.incidentgateway.outbox.RelayScript.Kind;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The target every relay of {@link OutboxRelayPropertyContract} delivers to, whatever instance and connector: it answers
 * from the run's {@link RelayScript} tape and records every call, in one order shared with the operator's actions
 * ({@link #tick}). What the relay must never do is checked as it happens and kept in {@link #violations}: two calls of
 * one incident and connector open at once, and a call for a row its claim does not hold (no longer pending, or claimed
 * by another delivery since: a call after the row was recorded delivered is one of those).
 */
final class RecordingVendor {
    /**
     * One call. {@code reason} is the text the relay is expected to keep as the row's last error; {@code instance} the
     * relay generation that made it (a restart starts a new one); {@code startedAt}/{@code endedAt} wall-clock times.
     */
    record Call(long start, long end, int instance, String connector, String incident, long seq, long rowId, Kind answer,
                String reason, int retryAfterMillis, Instant startedAt, Instant endedAt) {
        boolean succeeded() {
            return answer == Kind.SUCCESS;
        }

        /** A failed attempt for the row's attempt count: every failure but a rate limit. */
        boolean counted() {
            return answer != Kind.SUCCESS && answer != Kind.RATE_LIMITED;
        }
    }

    private final RelayScript script;
    private final DataSource dataSource;
    private final List<String> connectors;
    private final AtomicLong order = new AtomicLong();
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> callsOfRow = new ConcurrentHashMap<>();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    /** Set once the script is over: every call succeeds from then on, so what can still be delivered is. */
    volatile boolean allSucceed;

    RecordingVendor(RelayScript script, DataSource dataSource, List<String> connectors) {
        this.script = script;
        this.dataSource = dataSource;
        this.connectors = connectors;
    }

    /** The next position in the order calls and operator actions share. */
    long tick() {
        return order.incrementAndGet();
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Calls still open at the target. */
    int open() {
        return open.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The sink instance {@code instance}'s relay for {@code connector} calls. */
    Sink sink(String connector, int instance) {
        return new Sink() {
            @Override
            public String connector() {
                return connector;
            }

            @Override
            public DeliveryResult deliver(Delivery d) {
                return call(connector, instance, d);
            }
        };
    }

    private DeliveryResult call(String connector, int instance, Delivery d) {
        OutboxItem item = d.item();
        long start = tick();
        Instant startedAt = Instant.now();
        String group = connector + "/" + item.incidentId();
        if (open.computeIfAbsent(group, k -> new AtomicInteger()).incrementAndGet() > 1) {
            violations.add("two calls of " + group + " open at once (row " + item.id() + ", seq " + item.eventSeq() + ")");
        }
        String claim = claimProblem(item);
        if (claim != null) {
            violations.add("call " + start + " for row " + item.id() + " of " + group + " seq " + item.eventSeq() + ": " + claim);
        }
        int n = callsOfRow.computeIfAbsent(item.id(), k -> new AtomicInteger()).getAndIncrement();
        Answer answer = allSucceed ? Answer.SUCCESS : script.answer(connectors.indexOf(connector),
                Integer.parseInt(item.incidentId().substring(item.incidentId().indexOf('-') + 1)), item.eventSeq(), n);
        String mark = "#" + start;
        DeliveryResult result = null;
        String reason = null;
        try {
            switch (answer.kind()) {
                case SUCCESS -> result = DeliveryResult.delivered();
                case RETRYABLE -> result = new DeliveryResult.Retry(reason = "HTTP 503 " + mark, null);
                case RATE_LIMITED -> result = new DeliveryResult.Retry(reason = "HTTP 429 " + mark,
                        Duration.ofMillis(answer.retryAfterMillis()));
                case PERMANENT -> result = new DeliveryResult.Dead(reason = "HTTP 400 " + mark);
                case HANG -> {
                    reason = "within the delivery deadline";
                    result = hangUntilAborted(mark);
                }
                case EXCEPTION -> {
                    reason = "vendor exception " + mark;
                    throw new IllegalStateException(reason);
                }
            }
            return result;
        } finally {
            open.get(group).decrementAndGet();
            calls.add(new Call(start, tick(), instance, connector, item.incidentId(), item.eventSeq(), item.id(), answer.kind(),
                    reason, answer.retryAfterMillis(), startedAt, Instant.now()));
        }
    }

    /** A call that never answers: it ends when the relay stops it at its deadline, as an HTTP call's closed connection. */
    private static DeliveryResult hangUntilAborted(String mark) {
        CountDownLatch aborted = new CountDownLatch(1);
        try (DeliveryAbort.Registration ignored = DeliveryAbort.onAbort(aborted::countDown)) {
            if (!aborted.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a hung call was never stopped " + mark);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new DeliveryResult.Retry("connection closed " + mark, null);
    }

    /** Why the row is not held by this delivery's claim right now, or null when it is. */
    private String claimProblem(OutboxItem item) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status, claim_token FROM outbox WHERE id = ?")) {
            ps.setLong(1, item.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "no such row";
                }
                String status = rs.getString(1);
                long token = rs.getLong(2);
                boolean claimed = !rs.wasNull() && token == item.claimToken();
                return "pending".equals(status) && claimed ? null : "the row is " + status + (claimed ? "" : ", not held by this claim");
            }
        } catch (SQLException e) {
            return "could not read the row: " + e.getMessage();
        }
    }
}
