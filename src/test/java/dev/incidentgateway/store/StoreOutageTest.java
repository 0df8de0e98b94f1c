package dev.incidentgateway.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.timeline.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store outage is logged as its start (with the reason), a reminder a minute with what was refused, and its end with
 * how long it lasted; the requests refused meanwhile log at DEBUG only. A 15 s PostgreSQL outage used to write 34 WARN
 * lines: one per refused request, one per second from the live stream's retry, HikariCP's stack traces.
 */
class StoreOutageTest {
    private static final String WHY = "timeout: the database did not answer in time";

    @Test
    void anOutageIsLoggedWhenItBeginsAMinuteLaterAndWhenItEndsAndTheRequestsItRefusesOnlyAtDebug() {
        AtomicLong now = new AtomicLong();
        StoreOutage outage = new StoreOutage(now::get, Duration.ofMinutes(1));
        ProblemMapper problems = new ProblemMapper(new ObjectMapper(), outage);
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway")) {
            assertThat(problems.toProblem(new StoreUnavailableException("the store does not answer (health probe)", null)).status())
                    .isEqualTo(503);
            assertThat(logs.lines(e -> true)).as("before the probe knows: the request's own WARN")
                    .containsExactly("WARN Store unavailable: the store does not answer (health probe)");

            outage.probeFailed(WHY);
            for (int s = 1; s <= 59; s++) { // a probe every half second and a request every second, for a minute
                now.set(Duration.ofSeconds(s).toNanos());
                outage.probeFailed(WHY);
                problems.toProblem(new StoreUnavailableException("the store does not answer (health probe)", null));
                assertThat(outage.retried()).isTrue();
            }
            now.set(Duration.ofSeconds(61).toNanos());
            outage.probeFailed(WHY);
            now.set(Duration.ofSeconds(75).toNanos());
            outage.probeSucceeded();
            outage.probeSucceeded();

            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)).subList(1, 4)).containsExactly(
                    "WARN The store does not answer (" + WHY + "): /health reports it DOWN; requests that need the store get 503 "
                            + "until it answers again",
                    "WARN The store still does not answer (61 s so far; " + WHY + "): 59 request(s) answered 503, 59 background "
                            + "retries since the outage began",
                    "INFO The store answers again after an outage of 75 s; 59 request(s) were answered 503 meanwhile");
            assertThat(logs.lines(e -> true)).hasSize(4);
            assertThat(outage.isOngoing()).isFalse();
        }
    }

    @Test
    void aFailureThatIsNotTheStoresIsStillAnErrorWithWhereItHappened() {
        StoreOutage outage = new StoreOutage(System::nanoTime, Duration.ofMinutes(1));
        outage.probeFailed(WHY);
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway.api")) {
            new ProblemMapper(new ObjectMapper(), outage).toProblem(new IllegalStateException("a bug"));
            assertThat(logs.lines(e -> true)).singleElement().asString().startsWith("ERROR Unexpected error").contains("a bug");
        }
    }
}
