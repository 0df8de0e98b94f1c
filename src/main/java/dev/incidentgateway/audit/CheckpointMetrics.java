package dev.incidentgateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checkpoints' part of {@code /metrics}: a refused checkpoint (a tampered log) was visible only as an ERROR in the
 * log, so an alert needed a log search. {@code gateway_audit_checkpoints_total}, {@code
 * gateway_audit_checkpoint_failures_total{reason}} and {@code gateway_audit_checkpoint_last_signed_timestamp_seconds}
 * (the signed time of the latest checkpoint, also one read from the file at the start; 0 before any).
 */
final class CheckpointMetrics {
    /** Why a due checkpoint was not signed; every reason's series exists from the start, so rate() has it before the first. */
    enum Failure {
        /** The log contradicts the last checkpoint (events removed or changed): nothing is signed until an operator acts. */
        LOG_CONTRADICTS_CHECKPOINT("log_contradicts_checkpoint"),
        /** The store could not be read (down, timed out): tried again at the next interval. */
        STORE_ERROR("store_error"),
        /** The checkpoint file could not be written (disk full, permissions): tried again at the next interval. */
        FILE_ERROR("file_error");

        final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    private final Counter signed;
    private final Map<Failure, Counter> failures = new EnumMap<>(Failure.class);
    private final AtomicLong lastSignedMillis = new AtomicLong();

    CheckpointMetrics(MeterRegistry meters) {
        this.signed = Counter.builder("gateway.audit.checkpoints").description("Checkpoints signed by this gateway")
                .register(meters);
        for (Failure f : Failure.values()) {
            failures.put(f, Counter.builder("gateway.audit.checkpoint.failures").tag("reason", f.label)
                    .description("Checkpoint attempts that signed nothing, by reason: the log contradicts the last checkpoint, the store could not be read, the file could not be written").register(meters));
        }
        Gauge.builder("gateway.audit.checkpoint.last.signed.timestamp.seconds", lastSignedMillis, m -> m.get() / 1000.0)
                .strongReference(true).description("Unix time of the latest signed checkpoint; 0 before the first")
                .register(meters);
    }

    /** {@code cp} is the latest checkpoint: signed now ({@code counted}) or read from the file at the start. */
    void latest(Checkpoint cp, boolean counted) {
        lastSignedMillis.set(cp.time().toEpochMilli());
        if (counted) {
            signed.increment();
        }
    }

    void failed(Failure reason) {
        failures.get(reason).increment();
    }
}
