package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.TempDirs;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Microsoft Teams variant the shipped chat route's comments (and README "Add a target in YAML") tell users to make:
 * its Adaptive Card step, copied from the comments as written, after the route's own marshal step, sends valid JSON
 * whatever the text holds. Trial: the comments said to replace the marshal step too, by one setBody writing the text
 * into the card, which sent invalid JSON for every message (each has a line break) and so a dead letter at Teams.
 */
class ChatWebhookTeamsCardTest {
    private static final String ROUTE = "routes/outbound/chat-webhook.camel.yaml";

    @Test
    void theAdaptiveCardStepOfTheCommentsSendsTheTextAsValidJson() throws Exception {
        List<String> comments = Files.readAllLines(Path.of(ROUTE)).stream().filter(l -> l.startsWith("#")).toList();
        int at = comments.indexOf(comments.stream().filter(l -> l.contains("by this one:")).findFirst()
                .orElseThrow(() -> new AssertionError(ROUTE + " shows no Adaptive Card step to copy")));
        String cardStep = comments.subList(at + 1, at + 3).stream().map(l -> "        " + l.substring(4))
                .collect(Collectors.joining("\n"));
        String route = """
                - route:
                    from:
                      uri: direct:teams
                      steps:
                        - marshal:
                            json:
                              library: Jackson
                """ + cardStep + "\n";
        Path file = TempDirs.file("teams-", ".camel.yaml");
        Files.writeString(file, route);
        try (CamelContext context = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + file));
            context.start();
            String text = "**[sev2] Disk \"full\" on C:\\** (INC-1)\ndeclare by alice, status: declared";
            String sent = context.createProducerTemplate().requestBody("direct:teams", text, String.class);
            JsonNode card = new ObjectMapper().readTree(sent);
            assertThat(card.at("/attachments/0/contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
            assertThat(card.at("/attachments/0/content/body/0/text").asText()).isEqualTo(text);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
