package dev.incidentgateway.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.AppendRejectedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The body of a webhook's 200 (the last of {@link WebhookSteps}): the committed batch's outcomes, one per event, told
 * to the sender as {@code {"accepted":[ids],"duplicates":[ids],"ignored":n}} and, only when there is one, {@code
 * "refused"} and {@code "escalated"}.
 */
final class WebhookReplyWriter {
    private final ObjectMapper json;

    WebhookReplyWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The reply's bytes: written with Jackson's generator rather than built as a tree and serialized, which took a node
     * per id and a serializer provider per webhook.
     *
     * @param outcomes the committed batch's {@link AppendOutcome}s, one per event
     * @param skipped the payload's items its mapper turned into no event: ignored too
     * @param refusedItem a REFUSED event (a transition refused in a sender's batch) as its {@code refused} entry
     */
    byte[] write(List<?> outcomes, int skipped, Function<AppendRejectedException, ObjectNode> refusedItem) throws IOException {
        List<String> accepted = new ArrayList<>(outcomes.size());
        List<String> duplicates = new ArrayList<>(0);
        List<ObjectNode> refused = new ArrayList<>(0);
        List<String> escalated = new ArrayList<>(0);
        int ignored = skipped;
        for (Object each : outcomes) {
            AppendOutcome o = (AppendOutcome) each;
            switch (o.kind()) {
                case APPENDED -> accepted.add(o.event().id());
                case DUPLICATE -> duplicates.add(o.event().id());
                case CORRELATED -> {
                    ignored++; // the alert itself stored nothing, as before
                    if (o.event() != null) {
                        escalated.add(o.event().id());
                    }
                }
                case IGNORED -> ignored++;
                case REFUSED -> {
                    ignored++;
                    refused.add(refusedItem.apply(o.refusal()));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 48 * outcomes.size());
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            writeIds(g, "accepted", accepted);
            writeIds(g, "duplicates", duplicates);
            g.writeNumberField("ignored", ignored);
            if (!refused.isEmpty()) { // only when there is one: the reply senders know is unchanged
                g.writeArrayFieldStart("refused");
                for (ObjectNode item : refused) {
                    g.writeTree(item);
                }
                g.writeEndArray();
            }
            if (!escalated.isEmpty()) {
                writeIds(g, "escalated", escalated); // likewise: the state_changes correlated alerts of a higher severity made
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * A transition the store refused inside a sender's batch, as the reply's {@code refused} entry naming the item.
     *
     * @param field the item's field as the sender calls it (the source's mapper knows), e.g. {@code [1].type}
     */
    ObjectNode refusedEntry(int index, String field, ApiProblem problem) {
        return json.createObjectNode().put("index", index).put("field", field)
                .put("type", problem.type()).put("detail", problem.getMessage());
    }

    private static void writeIds(JsonGenerator g, String field, List<String> ids) throws IOException {
        g.writeArrayFieldStart(field);
        for (String id : ids) {
            g.writeString(id);
        }
        g.writeEndArray();
    }
}
