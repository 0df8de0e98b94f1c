package dev.incidentgateway.timeline;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * What group commit does, on {@code /metrics}: how many append requests share a transaction, and how long the store
 * takes to write and commit one. An append's latency is mostly the wait for its group's commit, so a growing commit time
 * is the store slowing down (disk, locks, a busy PostgreSQL) and a group size near one under load is group commit not
 * batching. Recorded for committed groups only (refusals and store failures are {@code gateway_append_errors_total}).
 */
final class GroupMeters {
    private final DistributionSummary size;
    private final Timer commit;

    GroupMeters(MeterRegistry meters) {
        this.size = DistributionSummary.builder("gateway.append.group.size")
                .description("Append requests committed together in one transaction (group commit)")
                .register(meters);
        this.commit = Timer.builder("gateway.append.group.commit")
                .description("Time the store took to write and commit one group of appends")
                .publishPercentileHistogram()
                .register(meters);
    }

    void committed(int requests, long nanos) {
        size.record(requests);
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }
}
