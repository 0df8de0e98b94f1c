package dev.incidentgateway.timeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure is counted under the most specific reason, named as before the reasons were listed (its class). */
class AppendErrorReasonTest {
    @Test
    void aFailureGetsTheReasonOfItsMostSpecificClass() {
        assertThat(AppendErrorReason.of(new TimeoutException())).isEqualTo(AppendErrorReason.APPEND_TIMEOUT);
        assertThat(AppendErrorReason.of(new AppendOutcomeUnknownException("x", null))).isEqualTo(AppendErrorReason.OUTCOME_UNKNOWN);
        assertThat(AppendErrorReason.of(new StoreUnreachableException(new SQLException("x")))).isEqualTo(AppendErrorReason.STORE_UNREACHABLE);
        assertThat(AppendErrorReason.of(new StoreUnavailableException("x", null))).isEqualTo(AppendErrorReason.STORE_UNAVAILABLE);
        assertThat(AppendErrorReason.of(new AppendQueueFullException(8))).as("counted as before its own class")
                .isEqualTo(AppendErrorReason.STORE_UNAVAILABLE);
        assertThat(AppendErrorReason.of(new IncidentExistsException(IncidentStatus.DECLARED))).isEqualTo(AppendErrorReason.INCIDENT_EXISTS);
        assertThat(AppendErrorReason.of(new SeqConflictException("INC-1", 1, 2))).isEqualTo(AppendErrorReason.SEQ_CONFLICT);
        assertThat(AppendErrorReason.of(new InvalidEventException("type", "x"))).isEqualTo(AppendErrorReason.INVALID_EVENT);
        assertThat(AppendErrorReason.of(new IllegalStateException("a bug"))).isEqualTo(AppendErrorReason.OTHER);
    }

    @Test
    void everyReasonIsRegisteredAtZeroUnderItsLabel() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AppendErrorReason.register(meters);
        assertThat(meters.find(AppendErrorReason.METER).counters()).hasSize(AppendErrorReason.values().length)
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(meters.find(AppendErrorReason.METER).tag("reason", "StoreUnreachableException").counter()).isNotNull();
        assertThat(meters.find(AppendErrorReason.METER).tag("reason", "CircuitOpen").counter()).isNotNull();
    }
}
