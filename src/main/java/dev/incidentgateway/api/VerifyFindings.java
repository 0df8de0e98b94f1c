package dev.incidentgateway.api;

import dev.incidentgateway.timeline.ChainVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET /api/v1/incidents/{id}/verify} does besides answering when it finds the log tampered with: an operator
 * (or the console) who asked sees the answer, but the on-call who must act did not ask. So each such check counts in
 * {@code gateway_audit_verify_broken_total} (at 0 from the start) and is one ERROR line naming the incident, how many
 * problems and the first one's place, never the event's content, and what to do.
 */
final class VerifyFindings {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyFindings.class);

    private final Counter broken;

    VerifyFindings(MeterRegistry meters) {
        this.broken = Counter.builder("gateway.audit.verify.broken")
                .description("Verifications over the API (GET /api/v1/incidents/{id}/verify) that found the incident's chain, view or derived rows broken")
                .register(meters);
    }

    void found(String incidentId, ChainVerifier.Report report) {
        if (report.intact()) {
            return;
        }
        broken.increment();
        ChainVerifier.BrokenLink first = report.broken().get(0);
        LOG.error("Verify found incident {} broken: {} problem(s), the first at seq {} (event {}). Someone changed the store "
                        + "behind the gateway: run `java -jar incident-gateway.jar verify` for the whole log and compare with a "
                        + "kept checkpoint; GET /api/v1/incidents/{}/verify lists each problem", incidentId, report.broken().size(),
                first.seq(), first.eventId(), incidentId);
    }
}
