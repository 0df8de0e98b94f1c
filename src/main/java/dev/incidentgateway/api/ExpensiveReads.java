package dev.incidentgateway.api;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.transport.HeldPerCaller;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The gateway-wide bound on reads that scan a whole incident or a range of the log (an incident's chain check, the SLA
 * report, the SLA clocks of many incidents): each holds a pooled connection for as long as the scan takes (seconds for a long incident),
 * so without a bound thirty of them, from one {@code read} key, held every connection of the pool and appends, ingest
 * and deliveries got 503 {@code store-unavailable}. At most {@code max} run at once, never more than half the pool,
 * and one caller gets at most half of them, so another caller's check still finds a slot.
 *
 * <p>Nothing queues: a read beyond the bound is answered at once. 503 + {@code Retry-After} when every slot is taken (the
 * gateway's capacity, not this caller's doing: the same request succeeds later); 429 + {@code Retry-After} when this
 * caller already holds its share (its own parallel reads are the cause: it should send them one after another). The
 * per-principal {@code GATEWAY_API_RATE_PER_S} bucket is no substitute: it counts requests, not how long they hold a
 * connection, and is off by default.
 *
 * <p>While the store's health probe knows it is down, they are refused at once (503 + {@code Retry-After}), as every other
 * read is: they take their connections from the pool directly, not through the store's gated reads, and so waited the
 * pool's connection timeout (5 s) each, holding a slot and a request thread, for a store known not to answer.
 */
public final class ExpensiveReads {
    /** Seconds to wait before retrying: about one scan of a long incident. */
    static final String RETRY_AFTER = "2";

    private final int max;
    private final Semaphore slots;
    /** Slots held per principal name, at most half of them each. */
    private final HeldPerCaller held;
    /** Throws {@code StoreUnavailableException} while the store is known to be down. */
    private final Runnable refuseWhileDown;

    /** @param max reads that may run at once (at least 1) */
    public ExpensiveReads(int max) {
        this(max, () -> { });
    }

    /**
     * @param max             reads that may run at once (at least 1)
     * @param refuseWhileDown run before each read: throws while the store is known not to answer
     */
    public ExpensiveReads(int max, Runnable refuseWhileDown) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.refuseWhileDown = refuseWhileDown;
        this.held = new HeldPerCaller(Math.max(1, max / 2));
        this.slots = new Semaphore(max);
    }

    /** {@code GATEWAY_EXPENSIVE_READS_MAX}, lowered to half of {@code GATEWAY_DB_POOL_SIZE}: the rest stays for writes. */
    public static ExpensiveReads fromConfig(GatewayConfig config, MeterRegistry meters, Runnable refuseWhileDown) {
        int configured = config.get(HttpSettings.EXPENSIVE_READS_MAX);
        ExpensiveReads reads = new ExpensiveReads(Math.min(configured, Math.max(1, config.get(StoreSettings.DB_POOL_SIZE) / 2)),
                refuseWhileDown);
        meters.gauge("gateway.http.expensive.reads", reads, r -> r.max - r.slots.availablePermits());
        return reads;
    }

    /** {@code handler} run only within the bound. */
    public ApiEndpoint.Handler bounded(ApiEndpoint.Handler handler) {
        return request -> {
            String caller = request.principal() == null ? "" : request.principal().name();
            refuseWhileDown.run();
            enter(caller);
            try {
                return handler.handle(request);
            } finally {
                leave(caller);
            }
        };
    }

    /** How many run at once at most (after lowering to half the pool). */
    public int max() {
        return max;
    }

    private void enter(String caller) {
        if (!held.tryAcquire(caller)) {
            throw new ApiProblem(429, "too-many-expensive-reads", "Too many expensive reads", caller + " already runs " + held.max()
                    + " of the reads that scan a whole incident or the log (verify, the SLA report, the SLA clocks of many incidents), the most one caller may run at once; "
                    + "nothing was done. Send them one after another.", null, Map.of("Retry-After", RETRY_AFTER));
        }
        if (!slots.tryAcquire()) {
            held.release(caller);
            throw new ApiProblem(503, "expensive-reads-busy", "Expensive reads busy", "All " + max + " slots for reads that scan a "
                    + "whole incident or the log (verify, the SLA report, the SLA clocks of many incidents; GATEWAY_EXPENSIVE_READS_MAX) are taken; nothing was done. Retry later.",
                    null, Map.of("Retry-After", RETRY_AFTER));
        }
    }

    private void leave(String caller) {
        slots.release();
        held.release(caller);
    }
}
