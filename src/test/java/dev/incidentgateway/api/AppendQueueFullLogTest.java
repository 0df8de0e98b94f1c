package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.timeline.AppendQueueFullException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full append queue under load refuses many appends in a second: the answer stays the 503 every store trouble gets,
 * but the log says it once (a minute) with what to look at, not one "Store unavailable" WARN per refused append.
 */
class AppendQueueFullLogTest {
    @Test
    void aFullAppendQueueIsOneWarnSayingWhatToLookAtNotOnePerRefusedAppend() {
        ProblemMapper problems = new ProblemMapper(new ObjectMapper());
        try (CapturedLogs logs = CapturedLogs.root()) {
            for (int i = 0; i < 3; i++) {
                ApiProblem p = problems.toProblem(new AppendQueueFullException(4));
                assertThat(p.status()).isEqualTo(503);
                assertThat(p.headers()).containsEntry("Retry-After", "5");
            }
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))).singleElement().asString()
                    .startsWith("WARN Refused appends: the append queue is full: 503 too many appends waiting (4, "
                            + "GATEWAY_APPEND_QUEUE_CAPACITY)").contains("gateway_append_group_commit_seconds");
        }
    }
}
