package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.Principal;

/**
 * Who may link an incident to an existing ticket: a declare's {@code data.externalRef} (connector, externalId, …) is
 * recorded in {@code external_refs}, and that connector's sink then comments on, transitions and resolves that ticket
 * with the gateway's credentials instead of creating its own. Only the gateway's poller of that connector
 * ({@code poller:<connector>}) read the ticket from the tool; from anyone else (API keys, OIDC, webhooks, routes) the
 * field would let a caller pick any issue or record for the gateway to write into, so such a declare is refused.
 */
public final class ExternalRefProvenance {
    /** The member of a declare's data that carries the ticket it came from. */
    public static final String FIELD = "externalRef";

    private ExternalRefProvenance() {
    }

    /** Whether {@code ref} (a declare's {@code data.externalRef}) was set by its own connector's poller. */
    public static boolean byItsPoller(String principal, JsonNode ref) {
        return ref != null && ref.path("connector").isTextual() && Principal.isPollerOf(principal, ref.get("connector").asText());
    }

    /** @throws InvalidEventException naming {@code data.externalRef} when a declare carries one its poller did not set */
    static void check(NewEvent e) {
        JsonNode ref = e.data().get(FIELD);
        if (e.type() == EventType.DECLARE && ref != null && !byItsPoller(e.principal(), ref)) {
            // Starts with the field's name, so a mapper's answer names it where the sender put it (EventLimits.checkAsSent).
            throw new InvalidEventException("data." + FIELD, "data." + FIELD + " is set by the connector's poller only: it "
                    + "links the incident to an existing ticket, which the gateway then writes to; leave it out and each "
                    + "connector creates the incident's own ticket");
        }
    }
}
