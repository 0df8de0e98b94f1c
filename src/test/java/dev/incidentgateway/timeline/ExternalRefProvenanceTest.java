package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Only {@code poller:<connector>} may declare with {@code data.externalRef} of that connector (security review s35,
 * finding 1): from anyone else the store's check refuses it naming the field, before anything is written.
 */
class ExternalRefProvenanceTest {
    private static NewEvent declare(String principal, String connector) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("externalRef").put("connector", connector).put("externalId", "99999").put("externalKey", "FIN-7");
        return NewEvent.builder(EventType.DECLARE, "a").title("hijack").data(data).principal(principal).build();
    }

    private static InvalidEventException refused(NewEvent e) {
        return catchThrowableOfType(InvalidEventException.class, () -> EventLimits.check(e));
    }

    @Test
    void theConnectorsOwnPollerMayLinkItsTicket() {
        assertThatCode(() -> EventLimits.check(declare("poller:jira", "jira"))).doesNotThrowAnyException();
        assertThatCode(() -> EventLimits.check(declare("poller:servicenow", "servicenow"))).doesNotThrowAnyException();
    }

    @Test
    void anyOtherPrincipalIsRefusedNamingTheField() {
        for (String principal : new String[]{"key:w", "oidc:alice", "webhook:cloudevents", "webhook:jira", "system:route:kafka-in",
                "system:gateway", "poller:servicenow", "poller:jira-prod"}) {
            InvalidEventException x = refused(declare(principal, "jira"));
            assertThat(x).as(principal).isNotNull();
            assertThat(x.field()).isEqualTo("data.externalRef");
            assertThat(x.getMessage()).startsWith("data.externalRef is set by the connector's poller only");
        }
        ObjectNode notAnObject = JsonNodeFactory.instance.objectNode().put("externalRef", "jira:FIN-7");
        assertThat(refused(NewEvent.builder(EventType.DECLARE, "a").title("t").data(notAnObject).principal("key:w").build()))
                .as("a ref without a connector").isNotNull();
    }

    @Test
    void otherEventsAndDeclaresWithoutTheFieldAreLeftAlone() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("externalRef").put("connector", "jira").put("externalId", "1");
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.NOTE, "a").incident("INC-1").content("see FIN-7")
                .data(data).principal("key:w").build())).as("only a declare links a ticket").doesNotThrowAnyException();
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.DECLARE, "a").title("t").principal("key:w").build()))
                .doesNotThrowAnyException();
    }
}
