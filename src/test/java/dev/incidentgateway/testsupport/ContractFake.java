package dev.incidentgateway.testsupport;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stateful stand-in for a vendor API (ServiceNow, Jira, Slack) on a local port, for tests and benchmarks:
 * it checks what the real API checks (auth header, required fields, formats), keeps what was created,
 * and answers failures on demand.
 */
public interface ContractFake extends AutoCloseable {
    /** e.g. {@code http://127.0.0.1:43125} — what the gateway's *_URL variable is set to. */
    String baseUrl();

    /** Environment variables that point a gateway at this fake (URL and credentials). */
    Map<String, String> env();

    /** The next {@code times} requests (any endpoint) answer {@code status} with these headers and body. */
    void failNext(int times, int status, Map<String, String> headers, String body);

    /** While down, every request answers 503 (no Retry-After). */
    void setDown(boolean down);

    /** Delay added to every answer, to stand for a remote API's latency. */
    void setLatencyMillis(int millis);

    /**
     * What the target accepted for one gateway incident, in the order it accepted it: one entry per
     * successful state-changing call, named by the gateway event type it stands for ("declare", "ack",
     * "note", "resolve", …).
     */
    List<String> receivedFor(String incidentId);

    /** How many tickets/threads exist for the incident (more than 1 is a duplicate). */
    int ticketCount(String incidentId);

    /** Every incident id the target holds a ticket/thread for. */
    Set<String> incidents();

    @Override
    void close();

    /** Environment pointing a gateway at every one of {@code fakes} (a mutable map), each set to answer after {@code latencyMillis}. */
    static Map<String, String> envFor(List<? extends ContractFake> fakes, int latencyMillis) {
        Map<String, String> env = new java.util.HashMap<>();
        fakes.forEach(f -> {
            env.putAll(f.env());
            f.setLatencyMillis(latencyMillis);
        });
        return env;
    }
}
