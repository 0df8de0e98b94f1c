package dev.incidentgateway.timeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Hands append requests to the {@link TimelineWriter} and accounts for each one (latency, outcome counters, the circuit
 * breaker, the append timeout), the same for a caller that blocks until the commit and for one that is called back.
 *
 * <p>Callbacks never run on the writer thread: a webhook's reply (JSON, Camel's routing of the rest of the route) would
 * otherwise delay the next group commit. They run on a small pool of their own ({@code timeline-append-done-N}); how
 * many requests can wait there is bounded by the writer's queue capacity.
 */
final class AppendSubmission implements AutoCloseable {
    private static final int KINDS = AppendOutcome.Kind.values().length;
    private final TimelineWriter writer;
    private final MeterRegistry meters;
    private final Timer latency;
    private final ExecutorService completions;
    /**
     * {@code gateway.appends} by (type, outcome), looked up once: a registry lookup builds and sorts the tags each time,
     * per appended event on the callers' threads (issue 13).
     */
    private final AtomicReferenceArray<Counter> appendCounters = new AtomicReferenceArray<>(EventType.values().length * KINDS);
    private final Map<AppendErrorReason, Counter> errors;
    private volatile Duration timeout = Duration.ofSeconds(10);
    private volatile AppendCircuitBreaker breaker;

    AppendSubmission(TimelineWriter writer, MeterRegistry meters) {
        this.writer = writer;
        this.meters = meters;
        this.latency = Timer.builder("gateway.append.latency")
                .description("Time from an append request to its durable commit")
                .publishPercentileHistogram()
                .register(meters);
        this.errors = AppendErrorReason.register(meters);
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        // Once closed, a completion runs on the thread that completed the append (the caller's, for a refusal by the
        // stopped writer): the pool's default rejection would leave the caller's future never completed or failing
        // with RejectedExecutionException, instead of the store's "unavailable" every caller maps to a 503.
        this.completions = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "timeline-append-done-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, closed) -> task.run());
    }

    void timeout(Duration timeout) {
        this.timeout = timeout;
    }

    void breaker(AppendCircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /**
     * Blocks until the request is committed or refused. The append timeout is this thread's own timed wait, not a task
     * scheduled per append ({@link CompletableFuture#orTimeout}): those all go through one shared scheduler queue, whose
     * lock 32 callers and the writer (cancelling the task of every completed append) contended for (issue 13). On
     * timeout the future is completed with the {@link TimeoutException} as {@code orTimeout} would, so a request still
     * queued is dropped by the writer.
     */
    List<AppendOutcome> await(List<NewEvent> events, AppendMode mode, SourceProgress progress) {
        long start = System.nanoTime();
        AppendCircuitBreaker circuit = breaker;
        CompletableFuture<List<AppendOutcome>> pending = enqueue(events, mode, progress, circuit, true);
        List<AppendOutcome> outcomes;
        try {
            outcomes = awaitWithin(pending, timeout.toMillis());
        } catch (ExecutionException e) {
            return account(events, null, e.getCause(), circuit, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(false); // still queued: the writer drops it
            throw new StoreUnavailableException("interrupted while appending", e);
        }
        return account(events, outcomes, null, circuit, start);
    }

    private static <T> T awaitWithin(CompletableFuture<T> pending, long millis) throws ExecutionException, InterruptedException {
        try {
            return pending.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.completeExceptionally(e); // no effect if it completed just now: get() then returns that outcome
            return pending.get();
        }
    }

    /**
     * Completes, on the completion pool, once the request is committed or refused; exceptionally with the same
     * exceptions {@link #await} throws (wrapped in a {@link CompletionException}).
     */
    CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events, AppendMode mode, SourceProgress progress) {
        long start = System.nanoTime();
        AppendCircuitBreaker circuit = breaker;
        return enqueue(events, mode, progress, circuit, false)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((outcomes, error) -> account(events, outcomes, error, circuit, start), completions);
    }

    /** @param callerWaits this thread blocks on the result ({@link #await}), rather than being called back */
    private CompletableFuture<List<AppendOutcome>> enqueue(List<NewEvent> events, AppendMode mode, SourceProgress progress,
                                                           AppendCircuitBreaker circuit, boolean callerWaits) {
        if (circuit != null && !circuit.allows()) {
            return CompletableFuture.failedFuture(new CircuitOpen());
        }
        // A request still queued when the timeout runs out completes with a TimeoutException (await, submit), and the
        // writer drops requests that are done before it writes them; one already inside a transaction may still commit,
        // hence "unknown" (AppendOutcomeUnknownException), not "not stored".
        return writer.submit(events, mode, progress, callerWaits);
    }

    /** Refusal by the open breaker, before the writer: counted as CircuitOpen, not as a failure of the store. */
    private static final class CircuitOpen extends StoreUnavailableException {
        CircuitOpen() {
            super("the store keeps failing; appends are refused until it answers again", null);
        }
    }

    private List<AppendOutcome> account(List<NewEvent> events, List<AppendOutcome> outcomes, Throwable error,
                                        AppendCircuitBreaker circuit, long start) {
        if (error instanceof CircuitOpen open) {
            errors.get(AppendErrorReason.CIRCUIT_OPEN).increment();
            throw open;
        }
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (error == null) {
            for (int i = 0; i < outcomes.size(); i++) {
                appendCounter(events.get(i).type(), outcomes.get(i).kind()).increment();
            }
            if (circuit != null) {
                circuit.succeeded();
            }
            return outcomes;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        errors.get(AppendErrorReason.of(cause)).increment();
        if (cause instanceof TimeoutException) {
            cause = new AppendOutcomeUnknownException("the append did not commit within " + timeout.toMillis() + " ms", null);
        }
        if (circuit != null && (cause instanceof AppendOutcomeUnknownException || cause instanceof StoreUnreachableException)) {
            circuit.failed();
        } else if (circuit != null && cause instanceof AppendRejectedException) {
            circuit.succeeded(); // the store answered: refused by the domain
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        throw new StoreUnavailableException("append failed", cause);
    }

    private Counter appendCounter(EventType type, AppendOutcome.Kind kind) {
        int i = type.ordinal() * KINDS + kind.ordinal();
        Counter c = appendCounters.get(i);
        if (c == null) {
            c = meters.counter("gateway.appends", "type", type.wireName(), "outcome", kind.name().toLowerCase(Locale.ROOT));
            appendCounters.set(i, c); // the registry hands every caller the same counter for these tags
        }
        return c;
    }

    @Override
    public void close() {
        completions.shutdown();
    }
}
