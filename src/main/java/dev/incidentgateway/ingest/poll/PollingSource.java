package dev.incidentgateway.ingest.poll;

import java.time.Duration;

/**
 * A system the gateway polls for changes (ServiceNow, Jira). As a Kafka Connect {@code SourceTask}: it reads
 * and maps, it never writes. Each page it returns is appended by {@link SourcePoller} together with the
 * page's watermark in one transaction, so a crash between a read and its commit just repeats the read
 * (events carry stable CloudEvents ids, so a repeat is a no-op).
 *
 * <p>Called from one thread at a time, and in a cluster by one instance at a time (the poller holds the
 * source's lock).
 */
public interface PollingSource {
    /** The connector's name ({@code servicenow}, {@code jira}): also the key of its watermark and lock. */
    String name();

    /** Time between polls while there is nothing more to read. */
    Duration interval();

    /**
     * Reads the next page of changes after {@code watermark}.
     *
     * @param watermark what the previous committed page returned as its next watermark; {@code null} on the
     *                  first sync. Re-read an overlap window behind it (clock skew, minute precision), and let
     *                  the idempotent event ids drop what was already appended.
     * @throws PollFailure classified: AUTH (401/403: the poller stops and its health goes DOWN) or TRANSIENT
     *                     (429/5xx/no answer: the poller backs off, honouring Retry-After)
     */
    PollPage poll(String watermark) throws PollFailure;

    /**
     * How an operator finds the ticket one of this source's events came from (a ServiceNow number and sys_id, a Jira
     * key): named in the log line of a change the store refused. By default the event's idempotent id.
     */
    default String ticket(dev.incidentgateway.timeline.NewEvent event) {
        return event.ceId();
    }
}
